"""Notifications: what happened to the member's requests and relationships, newest first."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.layout import page_shell
from mentoring_app.state.notifications import NotificationCard, NotificationGroupCard, NotificationsState
from mentoring_app.state.session import SessionState


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


def _group(group: rx.Var[NotificationGroupCard]) -> rx.Component:
    title = group["title"].to(str)
    return rx.el.section(
        rx.hstack(
            rx.heading(title, as_="h2", size="4"),
            rx.cond(
                group["unread"].to(int) > 0,
                rx.badge(
                    group["unread"].to(int).to_string() + " new", color_scheme="red", high_contrast=True
                ),
            ),
            align="center",
            spacing="2",
        ),
        rx.el.ul(
            rx.foreach(group["items"].to(list[NotificationCard]), _item),
            style=style.CARD_LIST,
            aria_label="Notifications: " + title,
        ),
        aria_label=title,
        style={"width": "100%"},
    )


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.hstack(
                rx.heading("Notifications", as_="h1", size="7"),
                rx.button(
                    "Mark all as read",
                    on_click=NotificationsState.mark_all_read,
                    variant="soft",
                    disabled=SessionState.unread_notifications == 0,
                ),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.text(
                "Opening what a notification is about marks it read. Grouped by the member it is about, "
                "newest first.",
                size="2",
                color=style.MUTED_COLOR,
            ),
            rx.cond(
                NotificationsState.loaded,
                rx.cond(
                    NotificationsState.groups.length() > 0,
                    rx.vstack(rx.foreach(NotificationsState.groups, _group), spacing="4", width="100%"),
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
