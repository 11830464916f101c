"""Admin: matching fields and their options."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.admin import admin_page, labelled_input, section
from mentoring_app.state.admin_vocabulary import AdminVocabularyState, FieldView, OptionView

S = AdminVocabularyState


def _err(key: rx.Var | str) -> rx.Var:
    return S.errors.get(key, "").to(str)


def _small(label: str, aria_label: rx.Var | str, on_click, disabled: rx.Var | bool = False, **props):
    return rx.button(
        label, size="1", variant="soft", aria_label=aria_label, on_click=on_click, disabled=disabled, **props
    )


def _option_row(option: rx.Var[OptionView]) -> rx.Component:
    oid = option["id"].to(int)
    label = option["label"].to(str)
    editing = S.editing == "option-" + oid.to_string()
    error_key = "option-" + oid.to_string() + "-label"
    retired = option["retired"].to(bool)
    return rx.table.row(
        rx.table.row_header_cell(
            rx.cond(
                editing,
                rx.form(
                    rx.el.input(type="hidden", name="option_id", value=oid.to_string()),
                    rx.hstack(
                        labelled_input(
                            "New name for " + label,
                            "option-" + oid.to_string() + "-input",
                            "label",
                            _err(error_key),
                            default_value=label,
                            max_length=120,
                            hide_label=True,
                        ),
                        rx.button("Save", size="1", type="submit"),
                        rx.button("Cancel", size="1", type="button", variant="ghost", on_click=S.cancel_edit),
                        align="start",
                        spacing="2",
                    ),
                    on_submit=S.rename_option,
                    reset_on_submit=False,
                    aria_label="Rename " + label,
                ),
                rx.hstack(
                    rx.text(label),
                    rx.cond(retired, rx.badge("Retired", color_scheme="gray", high_contrast=True)),
                    spacing="2",
                ),
            )
        ),
        rx.table.cell(option["members"].to(int).to_string()),
        rx.table.cell(
            rx.hstack(
                _small("Rename", "Rename " + label, S.edit("option-" + oid.to_string())),
                _small("Up", "Move " + label + " up", S.move_option(oid, -1), option["first"].to(bool)),
                _small("Down", "Move " + label + " down", S.move_option(oid, 1), option["last"].to(bool)),
                rx.cond(
                    retired,
                    _small("Restore", "Restore " + label, S.set_option_retired(oid, False)),
                    _small("Retire", "Retire " + label, S.set_option_retired(oid, True), color_scheme="red"),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _field_card(f: rx.Var[FieldView]) -> rx.Component:
    fid = f["id"].to(int)
    label = f["label"].to(str)
    editing = S.editing == "field-" + fid.to_string()
    retired = f["retired"].to(bool)
    heading_id = "field-heading-" + fid.to_string()
    new_option_key = "field-" + fid.to_string() + "-new-option"
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(label, as_="h2", size="5", id=heading_id),
                rx.badge(f["kind"].to(str), variant="soft"),
                rx.cond(retired, rx.badge("Retired", color_scheme="gray", high_contrast=True)),
                rx.text("Key: ", f["key"].to(str), size="1", color=style.MUTED_COLOR),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                editing,
                rx.form(
                    rx.el.input(type="hidden", name="field_id", value=fid.to_string()),
                    rx.hstack(
                        labelled_input(
                            "New name for the field",
                            "field-" + fid.to_string() + "-input",
                            "label",
                            _err("field-" + fid.to_string() + "-label"),
                            default_value=label,
                            max_length=80,
                        ),
                        rx.button("Save name", type="submit"),
                        rx.button("Cancel", type="button", variant="ghost", on_click=S.cancel_edit),
                        align="end",
                        spacing="2",
                    ),
                    on_submit=S.rename_field,
                    reset_on_submit=False,
                    aria_label="Rename the field " + label,
                ),
            ),
            rx.hstack(
                _small("Rename field", "Rename the field " + label, S.edit("field-" + fid.to_string())),
                _small(
                    "Move up", "Move the field " + label + " up", S.move_field(fid, -1), f["first"].to(bool)
                ),
                _small(
                    "Move down", "Move the field " + label + " down", S.move_field(fid, 1), f["last"].to(bool)
                ),
                rx.cond(
                    retired,
                    _small("Restore field", "Restore the field " + label, S.set_field_retired(fid, False)),
                    rx.cond(
                        f["can_retire"].to(bool),
                        _small(
                            "Retire field",
                            "Retire the field " + label,
                            S.set_field_retired(fid, True),
                            color_scheme="red",
                        ),
                        rx.text(
                            "Needed for profile completeness: cannot be retired.",
                            size="1",
                            color=style.MUTED_COLOR,
                        ),
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Option"),
                            rx.table.column_header_cell("Members using it"),
                            rx.table.column_header_cell("Actions"),
                        )
                    ),
                    rx.table.body(rx.foreach(f["options"].to(list[OptionView]), _option_row)),
                    size="1",
                    width="100%",
                    aria_labelledby=heading_id,
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.form(
                rx.el.input(type="hidden", name="field_id", value=fid.to_string()),
                rx.hstack(
                    labelled_input(
                        "New option for " + label,
                        "field-" + fid.to_string() + "-new-option",
                        "label",
                        _err(new_option_key),
                        max_length=120,
                    ),
                    rx.button("Add option", type="submit"),
                    align="end",
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.add_option,
                reset_on_submit=False,
                key=S.form_key.to_string(),
                aria_label="Add an option to " + label,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _new_field() -> rx.Component:
    return section(
        "Add a field",
        rx.form(
            rx.vstack(
                rx.hstack(
                    labelled_input(
                        "Field name (what members read)",
                        "new-field-label",
                        "label",
                        _err("new-field"),
                        max_length=80,
                    ),
                    labelled_input(
                        "Key (lowercase letters, digits, _)",
                        "new-field-key",
                        "key",
                        _err("new-field-key"),
                        max_length=40,
                    ),
                    spacing="3",
                    width="100%",
                    wrap="wrap",
                ),
                rx.el.label(
                    rx.el.input(type="checkbox", name="multiple", id="new-field-multiple"),
                    " Members may choose several values",
                    html_for="new-field-multiple",
                    style={"display": "flex", "gap": "0.5rem", "align_items": "center"},
                ),
                rx.button("Add field", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.create_field,
            reset_on_submit=False,
            aria_label="Add a field",
            key=S.form_key.to_string(),
            width="100%",
        ),
    )


def page() -> rx.Component:
    return admin_page(
        "Matching fields",
        routes.ADMIN_VOCABULARY,
        rx.text(
            "Fields and options members choose on their profiles and mentees search by. Retiring "
            "hides an option from pickers and search; members who chose it keep it.",
            color=style.MUTED_COLOR,
        ),
        rx.cond(
            S.loaded,
            rx.vstack(rx.foreach(S.fields, _field_card), _new_field(), spacing="4", width="100%"),
            rx.text("Loading the fields…"),
        ),
    )
