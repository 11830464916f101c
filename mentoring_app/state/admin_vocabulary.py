"""Admin: the matching fields and their options (add, rename, reorder, retire, restore).

Every handler takes ids and words from the browser (forms inside a list carry their row's id in a
hidden input: a form's submit handler cannot read the list's loop variable), re-derives the admin, and lets
services/vocabulary_admin decide; its field errors appear next to the input they are about.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.staff import vocabulary_admin
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_flag, as_id
from mentoring_app.state.session import SessionState

MAX_TEXT = 200


class OptionView(TypedDict):
    id: int
    label: str
    retired: bool
    members: int
    first: bool
    last: bool


class FieldView(TypedDict):
    id: int
    key: str
    label: str
    kind: str
    retired: bool
    can_retire: bool
    first: bool
    last: bool
    options: list[OptionView]
    in_use: int


def _text(form: FormData | dict, name: str) -> str:
    value = form.get(name, "")
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _views(fields: list[vocabulary_admin.FieldAdminView]) -> list[FieldView]:
    return [
        FieldView(
            id=f.id,
            key=f.key,
            label=f.label,
            kind="Several values" if f.multiple else "One value",
            retired=f.retired,
            can_retire=f.can_retire,
            first=i == 0,
            last=i == len(fields) - 1,
            options=[
                OptionView(
                    id=o.id,
                    label=o.label,
                    retired=o.retired,
                    members=o.members,
                    first=j == 0,
                    last=j == len(f.options) - 1,
                )
                for j, o in enumerate(f.options)
            ],
            in_use=sum(1 for o in f.options if not o.retired),
        )
        for i, f in enumerate(fields)
    ]


class AdminVocabularyState(SessionState):
    """The matching vocabulary, as admins edit it."""

    fields: list[FieldView] = []
    loaded: bool = False
    # Errors by the input they belong to: "new-field-key", "field-3-label", "field-3-new-option"...
    errors: dict[str, str] = {}
    editing: str = ""  # "field-3" or "option-12": the one label being renamed
    form_key: int = 0  # changes after each add, so the add forms start empty again

    async def _reload(self) -> None:
        user = await self._current_member()
        try:
            rows = await call(vocabulary_admin.list_fields, actor=user)
        except ServiceError:
            self.fields, self.loaded = [], False
            return
        self.fields, self.loaded = _views(rows), True

    @rx.event
    async def load(self) -> None:
        self.errors, self.editing = {}, ""
        await self._reload()

    async def _do(self, fn: Any, done: str, error_key: str = "", **kwargs: Any):
        """Run one change; on a field error, show it under ``error_key``'s input."""
        user = await self._current_member()
        try:
            await call(fn, actor=user, **kwargs)
        except ValidationFailed as invalid:
            messages = dict(invalid.errors)
            if error_key:
                self.errors = {
                    **{k: v for k, v in self.errors.items() if not k.startswith(error_key)},
                    **{f"{error_key}-{k}" if k != "label" else error_key: v for k, v in messages.items()},
                }
                return None
            return rx.toast.error(invalid.message)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.errors = {k: v for k, v in self.errors.items() if not (error_key and k.startswith(error_key))}
        self.editing = ""
        await self._reload()
        return rx.toast.success(done)

    @rx.event
    def edit(self, target: str) -> None:
        """Show the rename form of one field ("field-3") or option ("option-12")."""
        kind, _, raw = (target if isinstance(target, str) else "").partition("-")
        self.editing = f"{kind}-{as_id(raw)}" if kind in ("field", "option") and as_id(raw) else ""

    @rx.event
    def cancel_edit(self) -> None:
        self.editing = ""

    @rx.event
    async def create_field(self, form: FormData):
        label, key = _text(form, "label"), _text(form, "key")
        result = await self._do(
            vocabulary_admin.add_field,
            f"Added the field {label.strip()}.",
            "new-field",
            key=key,
            label=label,
            multiple=form.get("multiple") in ("on", "true"),
        )
        if "new-field" not in self.errors and "new-field-key" not in self.errors:
            self.form_key += 1
        return result

    @rx.event
    async def rename_field(self, form: FormData):
        fid = as_id(form.get("field_id", ""))
        return await self._do(
            vocabulary_admin.rename_field,
            "Renamed the field.",
            f"field-{fid}-label",
            field_id=fid,
            label=_text(form, "label"),
        )

    @rx.event
    async def move_field(self, field_id: int | str, offset: int | str):
        step = -1 if offset in (-1, "-1") else 1
        return await self._do(
            vocabulary_admin.move_field,
            "Moved the field up." if step < 0 else "Moved the field down.",
            field_id=as_id(field_id),
            offset=step,
        )

    @rx.event
    async def set_field_retired(self, field_id: int | str, retired: bool | str):
        flag = as_flag(retired)
        return await self._do(
            vocabulary_admin.set_field_retired,
            "Retired the field: members no longer see it." if flag else "Restored the field.",
            field_id=as_id(field_id),
            retired=flag,
        )

    @rx.event
    async def add_option(self, form: FormData):
        fid = as_id(form.get("field_id", ""))
        label = _text(form, "label")
        result = await self._do(
            vocabulary_admin.add_option,
            f"Added the option {label.strip()}.",
            f"field-{fid}-new-option",
            field_id=fid,
            label=label,
        )
        if f"field-{fid}-new-option" not in self.errors:
            self.form_key += 1
        return result

    @rx.event
    async def rename_option(self, form: FormData):
        oid = as_id(form.get("option_id", ""))
        return await self._do(
            vocabulary_admin.rename_option,
            "Renamed the option.",
            f"option-{oid}-label",
            option_id=oid,
            label=_text(form, "label"),
        )

    @rx.event
    async def move_option(self, option_id: int | str, offset: int | str):
        step = -1 if offset in (-1, "-1") else 1
        return await self._do(
            vocabulary_admin.move_option,
            "Moved the option up." if step < 0 else "Moved the option down.",
            option_id=as_id(option_id),
            offset=step,
        )

    @rx.event
    async def set_option_retired(self, option_id: int | str, retired: bool | str):
        flag = as_flag(retired)
        return await self._do(
            vocabulary_admin.set_option_retired,
            "Retired the option: it is no longer offered." if flag else "Restored the option.",
            option_id=as_id(option_id),
            retired=flag,
        )
