"""Matching criteria in a form: a select for one value, checkboxes for a few, a type-to-find picker
for hundreds (Languages). Every control has a visible label and its error right under it."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.state.criteria_picker import ChipView, FieldView, OptionView

PICK_PAUSE_MS = 300
LABEL_STYLE = {"font_weight": "500", "display": "block", "margin_bottom": "0.35rem"}
CONTROL_STYLE = {
    "width": "100%",
    "padding": "0.5rem 0.6rem",
    "border": "1px solid var(--gray-a7)",
    "border_radius": "var(--radius-2)",
    "background": "var(--color-surface)",
    "font_size": "1rem",
}


def _error(state: type[rx.State], field: rx.Var[FieldView]) -> rx.Component:
    message = state.errors[field["input_name"].to(str)].to(str)  # type: ignore[attr-defined]
    return rx.cond(message, rx.text(message, size="2", color=style.ERROR_COLOR, role="alert"))


def _select(state: type[rx.State], field: rx.Var[FieldView]) -> rx.Component:
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
        _error(state, field),
    )


def _checkboxes(
    state: type[rx.State], field: rx.Var[FieldView], chosen: rx.Var[dict[str, list[str]]] | None = None
) -> rx.Component:
    name = field["input_name"].to(str)
    picked = chosen[name].to(list[str]) if chosen is not None else None
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
                        default_checked=(
                            picked.contains(option["id"].to(str))
                            if picked is not None
                            else option["selected"].to(bool)
                        ),
                    ),
                    option["label"].to(str),
                    style={"display": "inline-flex", "gap": "0.4rem", "align_items": "center"},
                    custom_attrs={"data-option": ""},  # Find mentor's "Find in" box hides the others
                ),
            ),
            wrap="wrap",
            gap="0.5rem 1.25rem",
        ),
        _error(state, field),
        id=name,  # a refused save focuses the group's first box (form_errors.focus_script)
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _chip(state: type[rx.State], name: rx.Var[str], chip: rx.Var[ChipView]) -> rx.Component:
    label = chip["label"].to(str)
    return rx.badge(
        label,
        rx.el.input(type="hidden", name=name, value=chip["id"].to(str)),
        rx.el.button(
            rx.icon("x", size=14, aria_hidden="true"),
            type="button",
            aria_label="Remove " + label,
            on_click=state.unpick(name, chip["id"].to(str)),  # type: ignore[attr-defined]
            style={"cursor": "pointer", "display": "inline-flex", "background": "none", "border": "none"},
        ),
        size="2",
        high_contrast=True,
        variant="soft",
    )


def _picker(state: type[rx.State], field: rx.Var[FieldView]) -> rx.Component:
    name = field["input_name"].to(str)
    find_id = name + "-find"
    list_id = name + "-options"
    return rx.el.div(
        rx.el.label(field["label"].to(str), html_for=find_id, style=LABEL_STYLE),
        rx.flex(
            rx.foreach(
                state.chips[name].to(list[ChipView]),  # type: ignore[attr-defined]
                lambda chip: _chip(state, name, chip),
            ),
            wrap="wrap",
            gap="0.4rem",
            margin_bottom="0.4rem",
            aria_live="polite",
        ),
        # One event when typing pauses (or a suggestion is chosen), not one per keystroke.
        rx.debounce_input(
            rx.el.input(
                id=find_id,
                list=list_id,
                value=state.picker_text[name].to(str),  # type: ignore[attr-defined]
                on_change=lambda text: state.pick(name, text),  # type: ignore[attr-defined]
                placeholder="Type to find, then choose from the list",
                auto_complete="off",
                style=CONTROL_STYLE,
            ),
            debounce_timeout=PICK_PAUSE_MS,
        ),
        rx.el.datalist(
            rx.foreach(
                field["options"].to(list[OptionView]),
                lambda option: rx.el.option(value=option["label"].to(str)),
            ),
            id=list_id,
        ),
        _error(state, field),
    )


def criterion_field(
    state: type[rx.State],
    field: rx.Var[FieldView],
    *extra: rx.Component,
    chosen: rx.Var[dict[str, list[str]]] | None = None,
) -> rx.Component:
    """The right control for a field, plus anything the page adds (Find mentor: Exact match).

    ``chosen`` (input name -> ticked option ids), when given, says which checkboxes are ticked
    instead of the options' own flags: the options then stay the same from one search to the next,
    and are not sent again with every result."""
    return rx.box(
        rx.match(
            field["kind"].to(str),
            ("select", _select(state, field)),
            ("checkboxes", _checkboxes(state, field, chosen)),
            _picker(state, field),
        ),
        *extra,
        width="100%",
    )


def criteria_fields(state: type[rx.State], fields: rx.Var[list[FieldView]]) -> rx.Component:
    return rx.vstack(rx.foreach(fields, lambda f: criterion_field(state, f)), spacing="4", width="100%")
