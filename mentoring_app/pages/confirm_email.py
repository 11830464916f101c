"""Confirm an email address, through the link from the confirmation email."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.forms import form_card
from mentoring_app.components.layout import page_shell
from mentoring_app.services.accounts.auth import INVALID_VERIFY
from mentoring_app.state.account_forms import ConfirmEmailState


def page() -> rx.Component:
    confirmed = rx.callout(
        "Your email address is confirmed. Taking you to your profile…", icon="circle_check", role="status"
    )
    invalid = rx.vstack(
        rx.callout(INVALID_VERIFY, icon="triangle_alert", color_scheme="red", role="alert"),
        rx.hstack(
            rx.link("Log in", href=routes.LOGIN, underline="always"),
            rx.link("Register", href=routes.REGISTER, underline="always"),
            spacing="4",
        ),
        spacing="3",
    )
    return page_shell(
        form_card(
            "Confirm your email address",
            rx.cond(
                ConfirmEmailState.link_checked,
                rx.cond(ConfirmEmailState.link_ok, confirmed, invalid),
                rx.text("Checking your link…", role="status"),
            ),
        )
    )
