"""The matching vocabulary: fields (Region, Languages...) and their options, read from the database."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cached_property

from sqlmodel import Session, select

from mentoring_app.models import MatchingField, MatchingOption

PICKER_THRESHOLD = 30  # fields with more options than this get a type-to-find picker


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class FieldSpec:
    id: int
    key: str
    label: str
    multiple: bool
    choices: tuple[Choice, ...]

    @cached_property
    def by_id(self) -> dict[int, Choice]:
        return {choice.id: choice for choice in self.choices}

    @cached_property
    def by_folded_label(self) -> dict[str, tuple[str, str]]:
        """Each option by its label ignoring case: (its id as the form sends it, its label), for a
        type-to-find picker (worked out once per vocabulary read, shared by every tab)."""
        return {choice.label.casefold(): (str(choice.id), choice.label) for choice in self.choices}

    def find(self, label: str) -> Choice | None:
        """The option with this label, ignoring case and surrounding spaces."""
        wanted = " ".join(label.split()).casefold()
        return next((c for c in self.choices if c.label.casefold() == wanted), None)


CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, list[FieldSpec]]] = {}
_cache_lock = threading.Lock()


def invalidate_cache() -> None:
    """Forget the cached vocabulary (call after changing fields or options)."""
    with _cache_lock:
        _cache.clear()


def load_fields(session: Session) -> list[FieldSpec]:
    """Active fields in order, each with its active options in order.

    Every search needs the vocabulary, and it changes only when admins edit it, so each process
    keeps it for up to CACHE_SECONDS (a change made through another worker shows within that).
    """
    key = session.get_bind().url.render_as_string(hide_password=True)
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(key)
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    fields = _read_fields(session)
    with _cache_lock:
        _cache[key] = (now, fields)
    return fields


def _read_fields(session: Session) -> list[FieldSpec]:
    fields = session.exec(
        select(MatchingField)
        .where(MatchingField.active.is_(True))
        .order_by(MatchingField.position, MatchingField.id)  # type: ignore[attr-defined, arg-type]
    ).all()
    options = session.exec(
        select(MatchingOption)
        .where(MatchingOption.active.is_(True))  # type: ignore[attr-defined]
        .order_by(MatchingOption.field_id, MatchingOption.position, MatchingOption.label)  # type: ignore[arg-type]
    ).all()
    grouped: dict[int, list[Choice]] = {}
    for option in options:
        grouped.setdefault(option.field_id, []).append(Choice(option.id, option.label))  # type: ignore[arg-type]
    return [
        FieldSpec(
            id=field.id,  # type: ignore[arg-type]
            key=field.key,
            label=field.label,
            multiple=field.multiple,
            choices=tuple(grouped.get(field.id, [])),  # type: ignore[arg-type]
        )
        for field in fields
    ]


_labels_of: tuple[list[FieldSpec] | None, dict[int, tuple[str, str]]] = (None, {})


def _active_labels(session: Session) -> dict[int, tuple[str, str]]:
    """option id -> (field key, label) of the active vocabulary, from the cached fields."""
    global _labels_of
    fields = load_fields(session)
    made_for, labels = _labels_of
    if made_for is not fields:
        labels = {c.id: (f.key, c.label) for f in fields for c in f.choices}
        _labels_of = (fields, labels)
    return labels


def option_labels(session: Session, option_ids: list[int]) -> dict[int, tuple[str, str]]:
    """option id -> (field key, option label), including retired options a member still has
    (the active ones come from the cached vocabulary; only retired ones are read)."""
    if not option_ids:
        return {}
    active = _active_labels(session)
    found = {i: active[i] for i in option_ids if i in active}
    option_ids = sorted({i for i in option_ids if i not in found})
    if not option_ids:
        return found
    rows = session.exec(
        select(MatchingOption.id, MatchingField.key, MatchingOption.label)
        .join(MatchingField, MatchingField.id == MatchingOption.field_id)  # type: ignore[arg-type]
        .where(MatchingOption.id.in_(option_ids))  # type: ignore[union-attr]
    ).all()
    found.update({option_id: (key, label) for option_id, key, label in rows})
    return found
