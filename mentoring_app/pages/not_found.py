"""The page for an unknown address: the navigation, what happened, and a way home."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.layout import page_shell
from mentoring_app.state.session import SessionState


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Page not found", as_="h1", size="7"),
            rx.text(
                "There is no page at this address. It may have moved, or the link may be mistyped.",
                size="4",
                color=style.MUTED_COLOR,
            ),
            rx.button(
                rx.link(
                    rx.cond(SessionState.signed_in, "Go to your home page", "Go to the start page"),
                    href=rx.cond(SessionState.signed_in, routes.HOME, routes.LANDING),
                ),
                as_child=True,
                size="3",
            ),
            spacing="4",
            padding_y="2rem",
        )
    )
