"""Log in."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.forms import field, form_card, form_error, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.state.account_forms import LoginState


def page() -> rx.Component:
    errors = LoginState.errors
    return page_shell(
        form_card(
            "Log in",
            form_error(LoginState.form_error),
            rx.form(
                rx.vstack(
                    field("Email", "email", errors=errors, input_type="email", autocomplete="email"),
                    field(
                        "Password",
                        "password",
                        errors=errors,
                        input_type="password",
                        autocomplete="current-password",
                    ),
                    submit_button("Log in", "Logging in…", LoginState.busy),
                    spacing="4",
                ),
                on_submit=LoginState.submit,
                reset_on_submit=False,
                aria_label="Log in",
            ),
            rx.hstack(
                rx.link("Forgot password?", href=routes.FORGOT_PASSWORD, size="2"),
                rx.text(
                    "New here? ", rx.link("Register", href=routes.REGISTER, underline="always"), size="2"
                ),
                justify="between",
                width="100%",
                wrap="wrap",
            ),
        )
    )
