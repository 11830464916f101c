"""What every section of the relationship dashboard shares: the state, headings, muted text,
statistics, bullet lists and the guides that fit the stage."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.state.dashboard import DashboardState, GuideLink, VideoCard

S = DashboardState


def heading(text: str) -> rx.Component:
    return rx.heading(text, as_="h2", size="5")


def muted(*children, **props) -> rx.Component:
    return rx.text(*children, color=style.MUTED_COLOR, size="2", **props)


def read_only_note() -> rx.Component:
    return rx.cond(
        S.read_only,
        rx.callout(
            "This relationship has ended, so its dashboard is read-only. Everything stays on record.",
            icon="lock",
            high_contrast=True,
            width="100%",
        ),
    )


def stat(label: str, value: rx.Var | str, detail: rx.Var | str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            muted(label),
            rx.text(value, size="6", weight="bold"),
            rx.cond(detail != "", muted(detail)),
            spacing="1",
        ),
        min_width="10rem",
        flex="1",
    )


def guides_for_stage() -> rx.Component:
    """Each section links to the guides and videos for its stage (videos play in the library)."""

    def link(guide: rx.Var[GuideLink]) -> rx.Component:
        return rx.el.li(
            rx.link(guide["title"].to(str), href=guide["url"].to(str), underline="always"),
            " · ",
            guide["minutes"].to(int).to_string() + " min read",
        )

    def video(item: rx.Var[VideoCard]) -> rx.Component:
        return rx.el.li(
            rx.link("Video: " + item["title"].to(str), href=routes.GUIDES, underline="always"),
            " · with captions",
        )

    return rx.cond(
        S.shelf_guides.length() > 0,
        rx.box(
            rx.text("Guides for this stage (", S.shelf_label, ")", weight="medium", size="2"),
            rx.el.ul(
                rx.foreach(S.shelf_guides, link),
                rx.foreach(S.shelf_videos, video),
                style={"padding_left": "1.2rem", "margin": "0"},
            ),
            padding="0.75rem",
            border_radius="var(--radius-3)",
            background="var(--gray-2)",
            width="100%",
        ),
    )


def bullets(items: rx.Var[list[str]]) -> rx.Component:
    return rx.el.ul(rx.foreach(items, lambda t: rx.el.li(t)), style={"padding_left": "1.2rem", "margin": "0"})
