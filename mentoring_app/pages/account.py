"""Account: change password (which logs out every other session)."""

from __future__ import annotations

import reflex as rx

from mentoring_app.components.forms import field, form_card, new_password_fields, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.state.account_forms import ChangePasswordState


def page() -> rx.Component:
    errors = ChangePasswordState.errors
    return page_shell(
        form_card(
            "Account",
            rx.heading("Change password", as_="h2", size="4"),
            rx.form(
                rx.vstack(
                    field(
                        "Current password",
                        "current_password",
                        errors=errors,
                        input_type="password",
                        autocomplete="current-password",
                    ),
                    *new_password_fields(errors, label="New password", name="new_password"),
                    submit_button("Change password", "Saving…", ChangePasswordState.busy),
                    spacing="4",
                ),
                on_submit=ChangePasswordState.submit,
                reset_on_submit=True,
                aria_label="Change password",
            ),
            intro="Changing your password logs you out on every other device.",
        )
    )
