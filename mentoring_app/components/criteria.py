"""Matching criteria in a form: a select for one value, checkboxes for a few, a type-to-find picker
for hundreds (Languages). Every control has a visible label and its error right under it."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.state.profile import ChipView, FieldView, OptionView, ProfileState

LABEL_STYLE = {"font_weight": "500", "display": "block", "margin_bottom": "0.35rem"}
CONTROL_STYLE = {
    "width": "100%",
    "padding": "0.5rem 0.6rem",
    "border": "1px solid var(--gray-a7)",
    "border_radius": "var(--radius-2)",
    "background": "var(--color-surface)",
    "font_size": "1rem",
}


def _error(field: rx.Var[FieldView]) -> rx.Component:
    message = ProfileState.errors[field["input_name"].to(str)].to(str)
    return rx.cond(message, rx.text(message, size="2", color=style.ERROR_COLOR, role="alert"))


def _select(field: rx.Var[FieldView]) -> rx.Component:
    name = field["input_name"].to(str)
    return rx.el.div(
        rx.el.label(field["label"].to(str), html_for=name, style=LABEL_STYLE),
        rx.el.select(
            rx.el.option("Not set", value=""),
            rx.foreach(
                field["options"].to(list[OptionView]),
                lambda option: rx.el.option(option["label"].to(str), value=option["id"].to(str)),
            ),
            id=name,
            name=name,
            default_value=field["selected_id"].to(str),
            style=CONTROL_STYLE,
        ),
        _error(field),
    )


def _checkboxes(field: rx.Var[FieldView]) -> rx.Component:
    name = field["input_name"].to(str)
    return rx.el.fieldset(
        rx.el.legend(field["label"].to(str), style=LABEL_STYLE),
        rx.flex(
            rx.foreach(
                field["options"].to(list[OptionView]),
                lambda option: rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        name=name,
                        value=option["id"].to(str),
                        default_checked=option["selected"].to(bool),
                    ),
                    option["label"].to(str),
                    style={"display": "inline-flex", "gap": "0.4rem", "align_items": "center"},
                ),
            ),
            wrap="wrap",
            gap="0.5rem 1.25rem",
        ),
        _error(field),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _chip(name: rx.Var[str], chip: rx.Var[ChipView]) -> rx.Component:
    label = chip["label"].to(str)
    return rx.badge(
        label,
        rx.el.input(type="hidden", name=name, value=chip["id"].to(str)),
        rx.el.button(
            rx.icon("x", size=14, aria_hidden="true"),
            type="button",
            aria_label="Remove " + label,
            on_click=ProfileState.unpick(name, chip["id"].to(str)),
            style={"cursor": "pointer", "display": "inline-flex", "background": "none", "border": "none"},
        ),
        size="2",
        high_contrast=True,
        variant="soft",
    )


def _picker(field: rx.Var[FieldView]) -> rx.Component:
    name = field["input_name"].to(str)
    find_id = name + "-find"
    list_id = name + "-options"
    return rx.el.div(
        rx.el.label(field["label"].to(str), html_for=find_id, style=LABEL_STYLE),
        rx.flex(
            rx.foreach(ProfileState.chips[name].to(list[ChipView]), lambda chip: _chip(name, chip)),
            wrap="wrap",
            gap="0.4rem",
            margin_bottom="0.4rem",
            aria_live="polite",
        ),
        rx.el.input(
            id=find_id,
            list=list_id,
            value=ProfileState.picker_text[name].to(str),
            on_change=lambda text: ProfileState.pick(name, text),
            placeholder="Type to find, then choose from the list",
            auto_complete="off",
            style=CONTROL_STYLE,
        ),
        rx.el.datalist(
            rx.foreach(
                field["options"].to(list[OptionView]),
                lambda option: rx.el.option(value=option["label"].to(str)),
            ),
            id=list_id,
        ),
        _error(field),
    )


def criterion_field(field: rx.Var[FieldView]) -> rx.Component:
    return rx.match(
        field["kind"].to(str),
        ("select", _select(field)),
        ("checkboxes", _checkboxes(field)),
        _picker(field),
    )


def criteria_fields(fields: rx.Var[list[FieldView]]) -> rx.Component:
    return rx.vstack(rx.foreach(fields, criterion_field), spacing="4", width="100%")
