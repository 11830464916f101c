"""Account: change password (which logs out every other session), the emails the member wants,
their data."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.forms import field, form_card, new_password_fields, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.services.outbox import preferences
from mentoring_app.state.account_forms import ChangePasswordState
from mentoring_app.state.email_settings import EmailSettingsState as S
from mentoring_app.state.my_data import MyDataState

_ROW = {"display": "flex", "gap": "0.5rem", "align_items": "center"}
_GROUP = {"border": "none", "padding": "0", "margin": "0", "display": "grid", "gap": "0.4rem"}


def _checkbox(kind_type: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=kind_type,
            value="yes",
            default_checked=S.enabled[kind_type],
        ),
        preferences.LABELS[kind_type],
        style=_ROW,
    )


def _frequency(legend: str, name: str, chosen: rx.Var, hint: str) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(legend, style={"font_weight": "bold"}),
        *(
            rx.el.label(
                rx.el.input(type="radio", name=name, value=value, default_checked=chosen == value),
                label,
                style=_ROW,
            )
            for value, label in (
                (preferences.EACH, "Each one as it happens"),
                (preferences.WEEKLY, "A weekly digest"),
            )
        ),
        rx.text(hint, size="2", color=style.MUTED_COLOR),
        rx.cond(S.errors.contains(name), rx.text(S.errors[name], color_scheme="red", size="2", role="alert")),
        style=_GROUP,
    )


def _email_settings() -> rx.Component:
    return rx.cond(
        S.settings_loaded,
        rx.form(
            rx.vstack(
                rx.heading("Emails", as_="h2", size="4"),
                rx.el.fieldset(
                    rx.el.legend("Email me about", style={"font_weight": "bold"}),
                    *(_checkbox(t) for t in preferences.TYPES),
                    rx.text(
                        "Emails about your password, your address and invitations are always sent.",
                        size="2",
                        color=style.MUTED_COLOR,
                    ),
                    style=_GROUP,
                ),
                _frequency(
                    "Messages by email",
                    "message_frequency",
                    S.message_frequency,
                    "At most one email an hour per conversation, or one a week for all of them.",
                ),
                _frequency(
                    "Notifications by email",
                    "notification_frequency",
                    S.notification_frequency,
                    "Requests, answers, relationship news and mentor alerts. Meeting invites and "
                    "check-ins always come as they happen.",
                ),
                rx.button("Save email settings", type="submit", variant="soft"),
                spacing="3",
            ),
            on_submit=S.save,
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
