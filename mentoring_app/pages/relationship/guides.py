"""Guides and videos for the pair, by stage."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.pages.relationship.common import (
    S,
    heading,
    muted,
)
from mentoring_app.state.dashboard import GuideLink, VideoCard


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

    def video(item: rx.Var[VideoCard]) -> rx.Component:
        return rx.el.li(
            rx.card(
                rx.vstack(
                    rx.cond(
                        item["file_url"].to(str) != "",
                        rx.vstack(
                            rx.text(item["title"].to(str), weight="bold"),
                            rx.el.video(
                                src=item["file_url"].to(str),
                                controls=True,
                                preload="metadata",
                                width="100%",
                                aria_label=item["title"].to(str),
                            ),
                            width="100%",
                        ),
                        rx.cond(
                            item["url"].to(str) != "",
                            rx.link(item["title"].to(str), href=item["url"].to(str), is_external=True),
                            rx.text(item["title"].to(str), weight="bold"),
                        ),
                    ),
                    rx.el.details(
                        rx.el.summary("Transcript"),
                        rx.text(item["transcript"].to(str), white_space="pre-wrap", size="2"),
                    ),
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
            rx.el.ul(rx.foreach(S.shelf_videos, video), style=style.CARD_LIST, aria_label="Videos"),
        ),
        spacing="4",
        width="100%",
        align="start",
    )
