"""Account: change password (which logs out every other session)."""

from __future__ import annotations

import reflex as rx

from mentoring_app.components.forms import field, form_card, submit_button
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
                    field(
                        "New password",
                        "new_password",
                        errors=errors,
                        input_type="password",
                        autocomplete="new-password",
                        hint="At least 10 characters; a few unrelated words make a strong password.",
                    ),
                    field(
                        "Repeat new password",
                        "confirm_password",
                        errors=errors,
                        input_type="password",
                        autocomplete="new-password",
                    ),
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
