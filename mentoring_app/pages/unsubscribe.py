"""The page an email's unsubscribe link opens: that type of email is off, with a way back on
(no log-in needed; all the settings are on Account)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.forms import form_card
from mentoring_app.components.layout import page_shell
from mentoring_app.state.email_settings import UnsubscribeState as S


def page() -> rx.Component:
    done = rx.vstack(
        rx.cond(
            S.is_on,
            rx.callout(f"You will get {S.words} emails again.", icon="circle_check", role="status"),
            rx.callout(f"You will no longer get {S.words} emails.", icon="circle_check", role="status"),
        ),
        rx.cond(
            S.is_on,
            rx.fragment(),
            rx.button(f"Turn {S.words} emails back on", variant="soft", on_click=S.turn_on),
        ),
        rx.link("Choose all your email settings on Account", href=routes.ACCOUNT, underline="always"),
        spacing="3",
        align="start",
    )
    refused = rx.vstack(
        rx.callout(
            "This unsubscribe link is not valid. Open it from the email as it came, or log in and "
            "choose your emails on Account.",
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
        ),
        rx.link("Log in", href=routes.LOGIN, underline="always"),
        spacing="3",
    )
    return page_shell(
        form_card(
            "Unsubscribe",
            rx.cond(
                S.link_checked, rx.cond(S.link_ok, done, refused), rx.text("Unsubscribing…", role="status")
            ),
        )
    )
