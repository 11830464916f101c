"""Notifications: what happened to the member's requests and relationships, newest first."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.layout import page_shell
from mentoring_app.state.notifications import NotificationCard, NotificationsState


def _item(item: rx.Var[NotificationCard]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.hstack(
                rx.cond(item["new"].to(bool), rx.badge("New", color_scheme="red", high_contrast=True)),
                rx.vstack(
                    rx.cond(
                        item["link"].to(str),
                        rx.link(item["text"].to(str), href=item["link"].to(str), underline="always"),
                        rx.text(item["text"].to(str)),
                    ),
                    rx.text(item["when"].to(str), size="2", color=style.MUTED_COLOR),
                    spacing="1",
                ),
                align="center",
                spacing="3",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Notifications", as_="h1", size="7"),
            rx.cond(
                NotificationsState.loaded,
                rx.cond(
                    NotificationsState.items.length() > 0,
                    rx.el.ul(
                        rx.foreach(NotificationsState.items, _item),
                        style=style.CARD_LIST,
                        aria_label="Notifications, newest first",
                    ),
                    rx.text(
                        "Nothing yet. Requests, answers and changes to your relationships appear here.",
                        color=style.MUTED_COLOR,
                    ),
                ),
                rx.text("Loading…"),
            ),
            spacing="4",
            width="100%",
        )
    )
