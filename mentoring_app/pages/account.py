"""Account: change password (which logs out every other session)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.forms import field, form_card, new_password_fields, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.state.account_forms import ChangePasswordState, EmailSettingsState


def _email_settings() -> rx.Component:
    return rx.cond(
        EmailSettingsState.settings_loaded,
        rx.form(
            rx.vstack(
                rx.heading("Emails", as_="h2", size="4"),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        name="message_emails",
                        value="yes",
                        default_checked=EmailSettingsState.message_emails,
                    ),
                    "Email me about new messages (at most one an hour per conversation)",
                    style={"display": "flex", "gap": "0.5rem", "align_items": "center"},
                ),
                rx.text(
                    "Emails about requests, answers and your relationships are always sent.",
                    size="2",
                    color=style.MUTED_COLOR,
                ),
                rx.button("Save email settings", type="submit", variant="soft"),
                spacing="3",
            ),
            on_submit=EmailSettingsState.save,
            reset_on_submit=False,
            aria_label="Email settings",
        ),
    )


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
            rx.divider(),
            _email_settings(),
            intro="Changing your password logs you out on every other device.",
        )
    )
