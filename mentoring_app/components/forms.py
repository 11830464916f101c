"""Form pieces with visible labels, hints, and errors tied to their field for screen readers."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style


def field(
    label: str,
    name: str,
    *,
    errors: rx.Var,
    input_type: str = "text",
    autocomplete: str = "off",
    hint: str = "",
    required: bool = True,
    max_length: int | None = None,
    default_value: rx.Var | str | None = None,
    multiline: bool = False,
    error_key: str = "",
    rows: str = "6",
) -> rx.Component:
    """A labelled input (or text area) whose error (from ``errors[error_key or name]``) appears
    right under it."""
    field_id = f"field-{name}"
    error = errors[error_key or name].to(str)
    described_by = f"{field_id}-hint" if hint else ""
    return rx.el.div(
        rx.el.label(label, html_for=field_id, style={"font_weight": "500", "display": "block"}),
        rx.cond(
            hint != "",
            rx.text(hint, id=f"{field_id}-hint", size="2", color=style.MUTED_COLOR),
        ),
        (rx.text_area if multiline else rx.input)(
            id=field_id,
            name=name,
            required=required,
            aria_invalid=rx.cond(error, "true", "false"),
            aria_describedby=rx.cond(error, f"{field_id}-error {described_by}".strip(), described_by),
            size="3",
            width="100%",
            **(
                {"rows": rows, "resize": "vertical"}
                if multiline
                else {"type": input_type, "auto_complete": autocomplete}
            ),
            **({"default_value": default_value} if default_value is not None else {}),
            **({"max_length": max_length} if max_length else {}),
        ),
        rx.cond(
            error,
            rx.text(error, id=f"{field_id}-error", size="2", color=style.ERROR_COLOR, role="alert"),
        ),
        style={"display": "flex", "flex_direction": "column", "gap": "0.35rem", "width": "100%"},
    )


def form_error(message: rx.Var) -> rx.Component:
    """A message about the whole form (for example a refused log-in), announced when it appears."""
    return rx.cond(
        message,
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def submit_button(label: str, busy_label: str, busy: rx.Var) -> rx.Component:
    """A submit button, disabled until the page is connected (so no click is lost) and while busy."""
    return rx.button(
        rx.cond(busy, busy_label, label),
        type="submit",
        size="3",
        disabled=busy | ~rx.State.is_hydrated,
        width="100%",
    )


def form_card(title: str | rx.Var, *children: rx.Component, intro: str = "") -> rx.Component:
    """The frame of a single-purpose form page (Log in, Register...)."""
    return rx.card(
        rx.vstack(
            rx.heading(title, as_="h1", size="7"),
            rx.cond(intro != "", rx.text(intro, color=style.MUTED_COLOR)),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        max_width=style.FORM_WIDTH,
        margin_x="auto",
    )


PASSWORD_HINT = "At least 10 characters; a few unrelated words make a strong password."  # noqa: S105


def new_password_fields(errors: rx.Var, *, label: str, name: str) -> tuple[rx.Component, rx.Component]:
    """A new password with its hint, and the field that repeats it (``confirm_password``)."""
    return (
        field(
            label, name, errors=errors, input_type="password", autocomplete="new-password", hint=PASSWORD_HINT
        ),
        field(
            "Repeat new password",
            "confirm_password",
            errors=errors,
            input_type="password",
            autocomplete="new-password",
        ),
    )
