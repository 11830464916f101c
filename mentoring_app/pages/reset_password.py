"""Choose a new password, through the link from the reset email."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.forms import form_card, new_password_fields, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.services.accounts.auth import INVALID_RESET
from mentoring_app.state.account_forms import ResetPasswordState


def page() -> rx.Component:
    errors = ResetPasswordState.errors
    form = rx.form(
        rx.vstack(
            *new_password_fields(errors, label="New password", name="password"),
            submit_button("Set new password", "Saving…", ResetPasswordState.busy),
            spacing="4",
        ),
        on_submit=ResetPasswordState.submit,
        reset_on_submit=False,
        aria_label="Choose a new password",
    )
    invalid = rx.vstack(
        rx.callout(INVALID_RESET, icon="triangle_alert", color_scheme="red", role="alert"),
        rx.link("Ask for a new link", href=routes.FORGOT_PASSWORD),
        spacing="3",
    )
    return page_shell(
        form_card(
            rx.cond(
                ResetPasswordState.is_invitation, "Welcome! Choose your password", "Choose a new password"
            ),
            rx.cond(
                ResetPasswordState.link_checked,
                rx.cond(ResetPasswordState.link_ok, form, invalid),
                rx.text("Checking your link…"),
            ),
        )
    )
