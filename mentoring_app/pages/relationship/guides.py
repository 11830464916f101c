"""Guides and videos for the pair, by stage."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.video import video_item
from mentoring_app.pages.relationship.common import (
    S,
    heading,
    muted,
)
from mentoring_app.state.dashboard import GuideLink


def guides() -> rx.Component:
    def guide(item: rx.Var[GuideLink]) -> rx.Component:
        return rx.el.li(
            rx.card(
                rx.vstack(
                    rx.link(
                        item["title"].to(str), href=item["url"].to(str), weight="bold", underline="always"
                    ),
                    muted(item["summary"].to(str)),
                    muted(item["minutes"].to(int).to_string() + " min read"),
                    spacing="1",
                ),
                width="100%",
            ),
            style={"list_style": "none"},
        )

    return rx.vstack(
        heading("Guides and videos"),
        rx.text(
            "Guidance for this stage (",
            S.shelf_label,
            "). The ",
            rx.link("whole library", href=routes.GUIDES, underline="always"),
            " covers preparing, the first conversation, goal setting, progressing and ending.",
        ),
        rx.el.ul(rx.foreach(S.shelf_guides, guide), style=style.CARD_LIST, aria_label="Guides"),
        rx.cond(
            S.shelf_videos.length() > 0,
            rx.el.ul(rx.foreach(S.shelf_videos, video_item), style=style.CARD_LIST, aria_label="Videos"),
        ),
        spacing="4",
        width="100%",
        align="start",
    )
