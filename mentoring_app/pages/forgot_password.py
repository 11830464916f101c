"""Forgot password: ask for a one-time reset link by email."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.forms import field, form_card, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.state.account_forms import ForgotPasswordState


def page() -> rx.Component:
    sent = rx.vstack(
        rx.callout(
            rx.cond(
                ForgotPasswordState.ask_again_in,
                rx.text(
                    "If an account exists for ",
                    rx.text.strong(ForgotPasswordState.sent_to),
                    ", we have already emailed it links to choose a new password: use the newest. "
                    "You can ask for another in ",
                    ForgotPasswordState.ask_again_in,
                    ".",
                ),
                rx.text(
                    "If an account exists for ",
                    rx.text.strong(ForgotPasswordState.sent_to),
                    ", we have emailed it a link to choose a new password. "
                    "The link works once, for one hour.",
                ),
            ),
            icon="mail",
            role="status",
        ),
        rx.button("Use another email", on_click=ForgotPasswordState.start_again, variant="soft"),
        rx.link("Back to Log in", href=routes.LOGIN, size="2"),
        spacing="3",
        width="100%",
    )
    ask = rx.vstack(
        rx.form(
            rx.vstack(
                field(
                    "Email",
                    "email",
                    errors=ForgotPasswordState.errors,
                    input_type="email",
                    autocomplete="email",
                ),
                submit_button("Send reset link", "Sending…", ForgotPasswordState.busy),
                spacing="4",
            ),
            on_submit=ForgotPasswordState.submit,
            reset_on_submit=False,
            aria_label="Forgot password",
        ),
        rx.link("Back to Log in", href=routes.LOGIN, size="2"),
        spacing="3",
        width="100%",
    )
    return page_shell(
        form_card(
            "Forgot password",
            rx.cond(ForgotPasswordState.sent_to, sent, ask),
            intro="Enter the email address of your account and we will send you a reset link.",
        )
    )
