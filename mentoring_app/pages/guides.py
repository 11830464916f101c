"""Guides and videos: the library by stage, and one guide, rendered from safe Markdown."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.layout import page_shell
from mentoring_app.components.video import video_item
from mentoring_app.state.library import GuideState, LibraryState, Shelf, ShelfGuide, ShelfVideo


def _guide_item(item: rx.Var[ShelfGuide]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.link(item["title"].to(str), href=item["url"].to(str), weight="bold", underline="always"),
                rx.text(item["summary"].to(str), color=style.MUTED_COLOR, size="2"),
                rx.text(item["minutes"].to(int).to_string() + " min read", color=style.MUTED_COLOR, size="1"),
                spacing="1",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def _shelf(shelf: rx.Var[Shelf]) -> rx.Component:
    return rx.el.section(
        rx.heading(shelf["label"].to(str), as_="h2", size="5", padding_bottom="0.5rem"),
        rx.el.ul(
            rx.foreach(shelf["guides"].to(list[ShelfGuide]), _guide_item),
            style=style.CARD_LIST,
            aria_label="Guides: " + shelf["label"].to(str),
        ),
        rx.cond(
            shelf["videos"].to(list[ShelfVideo]).length() > 0,
            rx.el.ul(
                rx.foreach(shelf["videos"].to(list[ShelfVideo]), video_item),
                style=style.CARD_LIST,
                aria_label="Videos: " + shelf["label"].to(str),
            ),
        ),
        width="100%",
    )


def library_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Guides and videos", as_="h1", size="7"),
            rx.text(
                "Practical guidance for each stage of mentoring, written for language professionals.",
                color=style.MUTED_COLOR,
            ),
            rx.foreach(LibraryState.shelves, _shelf),
            spacing="5",
            width="100%",
        )
    )


def guide_page() -> rx.Component:
    s = GuideState
    return page_shell(
        rx.cond(
            s.loaded,
            rx.cond(
                s.found,
                rx.el.article(
                    rx.link("All guides and videos", href=routes.GUIDES, underline="always", size="2"),
                    rx.heading(s.title, as_="h1", size="7", padding_y="0.5rem"),
                    rx.text(
                        s.stage_label,
                        " · ",
                        s.minutes.to_string(),
                        " min read · updated ",
                        s.updated,
                        color=style.MUTED_COLOR,
                        size="2",
                    ),
                    # Our own guides, made safe by the service; raw HTML is off here too.
                    rx.markdown(s.body, use_raw=False, use_math=False, use_katex=False),
                    max_width="46rem",
                ),
                rx.vstack(
                    rx.heading("Guide not found", as_="h1", size="6"),
                    rx.link("All guides and videos", href=routes.GUIDES, underline="always"),
                ),
            ),
            rx.text("Loading the guide…"),
        )
    )
