"""Register: name, email, password, and the role the member joins as."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.forms import PASSWORD_HINT, field, form_card, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.settings import get_settings
from mentoring_app.state.account_forms import RegisterState

ROLE_CHOICES = (
    ("mentor", "Mentor", "I want to support others."),
    ("mentee", "Mentee", "I am looking for a mentor."),
    ("both", "Both", "I want to mentor and be mentored."),
)


def _role_choice(value: str, label: str, description: str) -> rx.Component:
    choice_id = f"role-{value}"
    return rx.el.div(
        rx.el.input(
            type="radio",
            id=choice_id,
            name="role",
            value=value,
            required=True,
            aria_describedby=f"{choice_id}-description",
            style={"margin_top": "0.3rem"},
        ),
        rx.box(
            rx.el.label(label, html_for=choice_id, style={"font_weight": "500", "cursor": "pointer"}),
            rx.text(description, id=f"{choice_id}-description", size="2", color=style.MUTED_COLOR),
        ),
        style={"display": "flex", "gap": "0.6rem", "align_items": "flex-start"},
    )


def _role_fieldset() -> rx.Component:
    error = RegisterState.errors["role"].to(str)
    return rx.el.fieldset(
        rx.el.legend("I am joining as", style={"font_weight": "500", "margin_bottom": "0.4rem"}),
        rx.vstack(*(_role_choice(*choice) for choice in ROLE_CHOICES), spacing="2"),
        rx.cond(error, rx.text(error, size="2", color=style.ERROR_COLOR, role="alert")),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _check_your_email() -> rx.Component:
    """The one answer to every registration, new email or not."""
    return rx.vstack(
        rx.callout(
            rx.text(
                "Check your email to confirm your address. We have sent a message to ",
                rx.text.strong(RegisterState.sent_to),
                ": open the link in it to finish registering. The link works once, for "
                f"{get_settings().verify_link_hours} hours.",
            ),
            icon="mail",
            role="status",
        ),
        rx.text(
            "Nothing there after a few minutes? Look in your spam folder, or register again.",
            size="2",
        ),
        rx.button("Use another email", on_click=RegisterState.start_again, variant="soft"),
        rx.link("Go to Log in", href=routes.LOGIN, size="2"),
        spacing="3",
        width="100%",
    )


def page() -> rx.Component:
    errors = RegisterState.errors
    form = rx.form(
        rx.vstack(
            field("Name", "name", errors=errors, autocomplete="name", max_length=100),
            field("Email", "email", errors=errors, input_type="email", autocomplete="email"),
            field(
                "Password",
                "password",
                errors=errors,
                input_type="password",
                autocomplete="new-password",
                hint=PASSWORD_HINT,
            ),
            _role_fieldset(),
            submit_button("Register", "Creating your account…", RegisterState.busy),
            spacing="4",
        ),
        on_submit=RegisterState.submit,
        reset_on_submit=False,
        aria_label="Register",
    )
    ask = rx.vstack(
        form,
        rx.text(
            "Already have an account? ",
            rx.link("Log in", href=routes.LOGIN, underline="always"),
            size="2",
        ),
        spacing="4",
        width="100%",
    )
    return page_shell(
        form_card(
            "Register",
            rx.cond(RegisterState.sent_to, _check_your_email(), ask),
            intro="Join the mentoring community of language professionals.",
        )
    )
