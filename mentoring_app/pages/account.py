"""Account: change password (which logs out every other session)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.forms import field, form_card, new_password_fields, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.state.account_forms import ChangePasswordState, EmailSettingsState
from mentoring_app.state.my_data import MyDataState


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


def _my_data() -> rx.Component:
    return rx.vstack(
        rx.heading("Your data", as_="h2", size="4"),
        rx.text(
            "Download everything we hold about you: your profile, relationships, goals, meetings, "
            "messages and more, as a JSON file.",
            size="2",
            color=style.MUTED_COLOR,
        ),
        rx.button(
            "Download my data", variant="soft", on_click=MyDataState.download, disabled=~rx.State.is_hydrated
        ),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(
                rx.button("Delete my account", variant="soft", color_scheme="red", high_contrast=True)
            ),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Delete your account?"),
                rx.alert_dialog.description(
                    "Your pending requests are cancelled, your relationships are withdrawn and your "
                    "partners are told. Your profile, contact details, reflections and the text of your "
                    "messages are erased. Goals and meetings you shared stay on your partners' record "
                    'under "Former member". This cannot be undone.',
                    size="2",
                ),
                rx.form(
                    rx.vstack(
                        field(
                            "Your password, to confirm",
                            "password",
                            errors=MyDataState.delete_errors,
                            input_type="password",
                            autocomplete="current-password",
                        ),
                        rx.hstack(
                            rx.alert_dialog.cancel(
                                rx.button("Keep my account", type="button", variant="soft")
                            ),
                            rx.button(
                                "Delete my account",
                                type="submit",
                                color_scheme="red",
                                high_contrast=True,
                                disabled=MyDataState.deleting,
                            ),
                            justify="end",
                        ),
                    ),
                    on_submit=MyDataState.delete_account,
                    reset_on_submit=False,
                    aria_label="Delete my account",
                ),
            ),
        ),
        spacing="3",
        align="start",
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
            rx.divider(),
            _my_data(),
            intro="Changing your password logs you out on every other device.",
        )
    )
