"""Matching criteria in forms, shared by My profile and Find mentor: view models for the fields,
and the type-to-find picker's chips (kept in state because they change as the member picks)."""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from mentoring_app.services.discovery.vocabulary import PICKER_THRESHOLD, FieldSpec, load_fields
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id


class OptionView(TypedDict):
    id: str
    label: str
    selected: bool


class FieldView(TypedDict):
    """One matching field as a form draws it: a select, checkboxes, or a type-to-find picker."""

    key: str
    input_name: str  # the form field name, e.g. "mentor__region" or "region"
    label: str
    kind: str  # "select" | "checkboxes" | "picker"
    selected_id: str
    options: list[OptionView]
    exact: bool  # Find mentor: this field is an exact filter
    cost: str  # Find mentor: what the exact filter costs, in words


class ChipView(TypedDict):
    id: str
    label: str


def field_views(
    specs: list[FieldSpec],
    chosen: dict[str, list[int]] | dict[str, tuple[int, ...]],
    *,
    prefix: str = "",
    one_value_as_select: bool = True,
) -> list[FieldView]:
    """View models for the fields; ``one_value_as_select`` False shows checkboxes (search many)."""
    views: list[FieldView] = []
    for spec in specs:
        selected = set(chosen.get(spec.key, ()))
        if len(spec.choices) > PICKER_THRESHOLD:
            kind = "picker"
        elif spec.multiple or not one_value_as_select:
            kind = "checkboxes"
        else:
            kind = "select"
        views.append(
            FieldView(
                key=spec.key,
                input_name=f"{prefix}{spec.key}",
                label=spec.label,
                kind=kind,
                selected_id=next((str(c.id) for c in spec.choices if c.id in selected), ""),
                options=[
                    OptionView(id=str(c.id), label=c.label, selected=c.id in selected) for c in spec.choices
                ],
                exact=False,
                cost="",
            )
        )
    return views


def option_ids(values: list[Any]) -> list[int]:
    """Submitted option ids; anything that is not a number becomes -1, which services refuse."""
    ids: list[int] = []
    for value in values:
        if value == "":  # "Not set" in a select
            continue
        number = as_id(value)
        ids.append(number if number else -1)
    return ids


# The type-to-find fields' options by label, by field key, from the vocabulary this process last
# drew: shared by every tab, and so not in any tab's stored state (in Redis mode each tab would
# otherwise carry Languages' 185 labels, about 5 KB, through every event).
_LABELS: dict[str, dict[str, tuple[str, str]]] = {}


def _remember_labels(specs: list[FieldSpec]) -> None:
    for spec in specs:
        if len(spec.choices) > PICKER_THRESHOLD:
            _LABELS[spec.key] = spec.by_folded_label


class CriteriaPicker(rx.State, mixin=True):
    """Chips for type-to-find fields (Languages): picked options, and what is being typed."""

    chips: dict[str, list[ChipView]] = {}
    picker_text: dict[str, str] = {}
    _picker_keys: dict[str, str] = {}  # a picker's input name -> its field's key

    def _set_pickers(self, views: list[FieldView]) -> None:
        self.chips, self._picker_keys = {}, {}
        for view in views:
            if view["kind"] != "picker":
                continue
            name = view["input_name"]
            _LABELS[view["key"]] = {o["label"].casefold(): (o["id"], o["label"]) for o in view["options"]}
            self._picker_keys[name] = view["key"]
            self.chips[name] = [
                ChipView(id=o["id"], label=o["label"]) for o in view["options"] if o["selected"]
            ]
        self.picker_text = dict.fromkeys(self._picker_keys, "")

    def _set_picker_chips(self, specs: list[FieldSpec], chosen: dict[str, tuple[int, ...]]) -> None:
        """As :meth:`_set_pickers`, straight from the vocabulary (no option views are built): the
        chips are the chosen options in the field's order."""
        self.chips, self._picker_keys = {}, {}
        _remember_labels(specs)
        for spec in specs:
            if len(spec.choices) <= PICKER_THRESHOLD:
                continue
            picked = set(chosen.get(spec.key, ()))
            self._picker_keys[spec.key] = spec.key
            self.chips[spec.key] = [
                ChipView(id=str(c.id), label=c.label) for c in spec.choices if c.id in picked
            ]
        self.picker_text = dict.fromkeys(self._picker_keys, "")

    @rx.event
    async def pick(self, input_name: str, text: str) -> None:
        """An exact option name (as the suggestion list fills in) becomes a chip."""
        key = self._picker_keys.get(input_name) if isinstance(input_name, str) else None
        if key is None or not isinstance(text, str):
            return
        if key not in _LABELS:  # a worker that has not drawn this form since it started
            _remember_labels(await call(load_fields))
        found = _LABELS.get(key, {}).get(" ".join(text.split()).casefold())
        if found is None:
            self.picker_text[input_name] = text[:120]
            return
        option_id, label = found
        if all(chip["id"] != option_id for chip in self.chips[input_name]):
            self.chips[input_name].append(ChipView(id=option_id, label=label))
        self.picker_text[input_name] = ""

    @rx.event
    def unpick(self, input_name: str, option_id: str) -> None:
        if input_name in self.chips:
            self.chips[input_name] = [c for c in self.chips[input_name] if c["id"] != option_id]
