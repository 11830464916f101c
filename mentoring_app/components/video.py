"""A video in the guides and videos library: its title, the player with captions on by default,
and the transcript in a disclosure under it (the library page and the dashboard's shelf)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx


class VideoItem(TypedDict):
    title: str
    url: str  # a web link, opened elsewhere
    file_url: str  # an uploaded or built-in video, played on the page
    captions_url: str  # its WebVTT captions ("" when there are none)
    transcript: str


def video_item(item: rx.Var[VideoItem], *, heading_level: str = "h3") -> rx.Component:
    title = item["title"].to(str)
    file_url, captions_url = item["file_url"].to(str), item["captions_url"].to(str)
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.cond(
                    file_url != "",
                    rx.vstack(
                        rx.heading(title, as_=heading_level, size="3"),
                        rx.el.video(
                            rx.cond(
                                captions_url != "",
                                rx.el.track(
                                    kind="captions",
                                    src=captions_url,
                                    src_lang="en",
                                    label="English",
                                    default=True,
                                ),
                            ),
                            src=file_url,
                            controls=True,
                            preload="metadata",
                            plays_inline=True,
                            width="100%",
                            aria_label=title,
                            style={"max_width": "48rem", "background": "var(--gray-3)"},
                        ),
                        width="100%",
                    ),
                    rx.cond(
                        item["url"].to(str) != "",
                        rx.link(title, href=item["url"].to(str), is_external=True, weight="bold"),
                        rx.text(title, weight="bold"),
                    ),
                ),
                rx.cond(
                    item["transcript"].to(str) != "",
                    rx.el.details(
                        rx.el.summary("Transcript", style={"cursor": "pointer"}),
                        rx.text(
                            item["transcript"].to(str), white_space="pre-wrap", size="2", padding_top="0.5rem"
                        ),
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )
