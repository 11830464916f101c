"""Admins edit the matching vocabulary: add, rename, reorder and retire fields and options.

Profiles, Find mentor and the pickers read fields generically (``vocabulary.load_fields``), so a
field added here is offered on profiles and in search at once. Two things stay tied to the
default fields: the completeness rules need region, languages, specialisms or areas of support,
and mentoring format (those fields cannot be retired), and the member CSV import reads the seven
default columns only (a new field is filled in on profiles, not imported).

Retiring an option (or a field) hides it from pickers and search, so nobody chooses it again; the
members who chose it keep it: their criteria rows stay, their profiles still show it, and a retired
option can be restored. Nothing is deleted. Every change empties the vocabulary cache of this
process (other workers see it within ``vocabulary.CACHE_SECONDS``) and is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app.models import MatchingField, MatchingOption, MemberCriterion, User
from mentoring_app.services.discovery import vocabulary
from mentoring_app.services.errors import NotFound, ServiceError, ValidationFailed
from mentoring_app.services.staff import audit
from mentoring_app.services.staff.admin_access import require_admin

MAX_FIELD_LABEL = 80
MAX_OPTION_LABEL = 120
FIELD_KEY = re.compile(r"[a-z][a-z0-9_]{1,39}")
# Fields the completeness rules (services/profiles.completeness) look for: never retired.
REQUIRED_FIELDS = frozenset({"region", "languages", "specialisms", "areas_of_support", "mentoring_format"})


@dataclass(frozen=True)
class OptionAdminView:
    id: int
    label: str
    position: int
    retired: bool
    members: int  # members who have it on their profile (either side)


@dataclass(frozen=True)
class FieldAdminView:
    id: int
    key: str
    label: str
    multiple: bool
    position: int
    retired: bool
    can_retire: bool
    options: tuple[OptionAdminView, ...]  # every option, retired ones included, in order


def list_fields(session: Session, *, actor: User | None) -> list[FieldAdminView]:
    """Every field and option, retired ones included, in the order members see them."""
    require_admin(actor)
    usage = dict(
        session.execute(
            select(MemberCriterion.option_id, func.count(func.distinct(MemberCriterion.user_id))).group_by(
                MemberCriterion.option_id
            )
        ).all()
    )
    options: dict[int, list[OptionAdminView]] = {}
    for option in session.exec(
        select(MatchingOption).order_by(
            MatchingOption.field_id, MatchingOption.position, MatchingOption.label
        )  # type: ignore[arg-type]
    ).all():
        options.setdefault(option.field_id, []).append(
            OptionAdminView(
                id=option.id,  # type: ignore[arg-type]
                label=option.label,
                position=option.position,
                retired=not option.active,
                members=int(usage.get(option.id, 0)),
            )
        )
    fields = session.exec(select(MatchingField).order_by(MatchingField.position, MatchingField.id)).all()  # type: ignore[arg-type]
    return [
        FieldAdminView(
            id=field.id,  # type: ignore[arg-type]
            key=field.key,
            label=field.label,
            multiple=field.multiple,
            position=field.position,
            retired=not field.active,
            can_retire=field.key not in REQUIRED_FIELDS,
            options=tuple(options.get(field.id, [])),  # type: ignore[arg-type]
        )
        for field in fields
    ]


def _clean_label(raw: str, limit: int, key: str = "label") -> str:
    label = " ".join((raw or "").split())
    if not label:
        raise ValidationFailed({key: "Enter a label."})
    if len(label) > limit:
        raise ValidationFailed({key: f"Use at most {limit} characters."})
    return label


def _field(session: Session, field_id: int) -> MatchingField:
    field = session.get(MatchingField, field_id)
    if field is None:
        raise NotFound("That matching field does not exist.")
    return field


def _option(session: Session, option_id: int) -> MatchingOption:
    option = session.get(MatchingOption, option_id)
    if option is None:
        raise NotFound("That option does not exist.")
    return option


def _check_field_label_free(session: Session, label: str, except_id: int | None = None) -> None:
    clash = session.exec(
        select(MatchingField.id).where(
            func.lower(MatchingField.label) == label.casefold(), MatchingField.id != except_id
        )
    ).first()
    if clash is not None:
        raise ValidationFailed({"label": f"There is a field called {label} already."})


def _check_option_label_free(
    session: Session, field_id: int, label: str, except_id: int | None = None
) -> None:
    clash = session.exec(
        select(MatchingOption.id).where(
            MatchingOption.field_id == field_id,
            func.lower(MatchingOption.label) == label.casefold(),
            MatchingOption.id != except_id,
        )
    ).first()
    if clash is not None:
        raise ValidationFailed({"label": f"This field has an option called {label} already."})


def _commit(session: Session, duplicate_message: str) -> None:
    """Commit (a concurrent edit that broke a unique rule is reported, not raised) and forget the cache."""
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ValidationFailed({"label": duplicate_message}) from error
    vocabulary.invalidate_cache()


def add_field(session: Session, *, actor: User | None, key: str, label: str, multiple: bool) -> int:
    """A new matching field at the end (``multiple``: members may choose several values). Returns its id."""
    admin = require_admin(actor)
    key = (key or "").strip().lower()
    if not FIELD_KEY.fullmatch(key):
        raise ValidationFailed(
            {"key": "Use 2 to 40 lowercase letters, digits or underscores, starting with a letter."}
        )
    clean = _clean_label(label, MAX_FIELD_LABEL)
    if session.exec(select(MatchingField.id).where(MatchingField.key == key)).first() is not None:
        raise ValidationFailed({"key": f"There is a field with the key {key} already."})
    _check_field_label_free(session, clean)
    last = session.execute(select(func.max(MatchingField.position))).scalar_one()
    field = MatchingField(
        key=key, label=clean, multiple=bool(multiple), position=(last or 0) + 1, active=True
    )
    session.add(field)
    session.flush()
    audit.record(
        session,
        actor=admin,
        action="vocabulary.add_field",
        target_type="matching_field",
        target_id=field.id,
        summary=f"Added field {clean} ({key}, {'several values' if multiple else 'one value'})",
    )
    _commit(session, "There is a field with this key already.")
    return field.id  # type: ignore[return-value]


def rename_field(session: Session, *, actor: User | None, field_id: int, label: str) -> None:
    """Change the words a field is shown with (its key, used by the import, stays)."""
    admin = require_admin(actor)
    field = _field(session, field_id)
    clean = _clean_label(label, MAX_FIELD_LABEL)
    if clean == field.label:
        return
    _check_field_label_free(session, clean, except_id=field.id)
    audit.record(
        session,
        actor=admin,
        action="vocabulary.rename_field",
        target_type="matching_field",
        target_id=field.id,
        summary=f"Renamed field {field.label} to {clean}",
    )
    field.label = clean
    session.add(field)
    _commit(session, "There is a field with this label already.")


def _move(rows: list, row_id: int, offset: int) -> bool:  # type: ignore[type-arg]
    """Renumber ``rows`` 0..n-1 with ``row_id`` moved by ``offset`` places; False when it cannot move."""
    index = next(i for i, row in enumerate(rows) if row.id == row_id)
    target = max(0, min(len(rows) - 1, index + offset))
    if target == index:
        return False
    rows.insert(target, rows.pop(index))
    for position, row in enumerate(rows):
        row.position = position
    return True


def move_field(session: Session, *, actor: User | None, field_id: int, offset: int) -> None:
    """Move a field up (negative offset) or down (positive) in the order members see fields."""
    admin = require_admin(actor)
    field = _field(session, field_id)
    rows = list(session.exec(select(MatchingField).order_by(MatchingField.position, MatchingField.id)).all())  # type: ignore[arg-type]
    if not _move(rows, field.id, offset):  # type: ignore[arg-type]
        return
    session.add_all(rows)
    audit.record(
        session,
        actor=admin,
        action="vocabulary.move_field",
        target_type="matching_field",
        target_id=field.id,
        summary=f"Moved field {field.label} to place {field.position + 1} of {len(rows)}",
    )
    _commit(session, "The order could not be saved.")


def set_field_retired(session: Session, *, actor: User | None, field_id: int, retired: bool) -> None:
    """Retire a field (no longer on profiles' forms or in search; members' values stay) or restore it."""
    admin = require_admin(actor)
    field = _field(session, field_id)
    if retired and field.key in REQUIRED_FIELDS:
        raise ServiceError(
            f"{field.label} is needed to decide whether a profile is complete: it cannot be retired."
        )
    if field.active != retired:
        return
    field.active = not retired
    session.add(field)
    audit.record(
        session,
        actor=admin,
        action="vocabulary.retire_field" if retired else "vocabulary.restore_field",
        target_type="matching_field",
        target_id=field.id,
        summary=f"{'Retired' if retired else 'Restored'} field {field.label}",
    )
    _commit(session, "The field could not be saved.")


def add_option(session: Session, *, actor: User | None, field_id: int, label: str) -> int:
    """A new option at the end of a field's list. Returns its id."""
    admin = require_admin(actor)
    field = _field(session, field_id)
    clean = _clean_label(label, MAX_OPTION_LABEL)
    _check_option_label_free(session, field.id, clean)  # type: ignore[arg-type]
    last = session.execute(
        select(func.max(MatchingOption.position)).where(MatchingOption.field_id == field.id)
    ).scalar_one()
    option = MatchingOption(field_id=field.id, label=clean, position=(last if last is not None else -1) + 1)  # type: ignore[arg-type]
    session.add(option)
    session.flush()
    audit.record(
        session,
        actor=admin,
        action="vocabulary.add_option",
        target_type="matching_option",
        target_id=option.id,
        summary=f"Added {clean} to {field.label}",
    )
    _commit(session, "This field has an option with this label already.")
    return option.id  # type: ignore[return-value]


def rename_option(session: Session, *, actor: User | None, option_id: int, label: str) -> None:
    """Change an option's words; members who chose it keep it (they store its id, not its label)."""
    admin = require_admin(actor)
    option = _option(session, option_id)
    clean = _clean_label(label, MAX_OPTION_LABEL)
    if clean == option.label:
        return
    _check_option_label_free(session, option.field_id, clean, except_id=option.id)
    audit.record(
        session,
        actor=admin,
        action="vocabulary.rename_option",
        target_type="matching_option",
        target_id=option.id,
        summary=f"Renamed option {option.label} to {clean}",
    )
    option.label = clean
    session.add(option)
    _commit(session, "This field has an option with this label already.")


def move_option(session: Session, *, actor: User | None, option_id: int, offset: int) -> None:
    """Move an option up (negative offset) or down (positive) within its field."""
    admin = require_admin(actor)
    option = _option(session, option_id)
    rows = list(
        session.exec(
            select(MatchingOption)
            .where(MatchingOption.field_id == option.field_id)
            .order_by(MatchingOption.position, MatchingOption.label)  # type: ignore[arg-type]
        ).all()
    )
    if not _move(rows, option.id, offset):  # type: ignore[arg-type]
        return
    session.add_all(rows)
    audit.record(
        session,
        actor=admin,
        action="vocabulary.move_option",
        target_type="matching_option",
        target_id=option.id,
        summary=f"Moved option {option.label} to place {option.position + 1} of {len(rows)}",
    )
    _commit(session, "The order could not be saved.")


def set_option_retired(session: Session, *, actor: User | None, option_id: int, retired: bool) -> None:
    """Retire an option (not offered any more; members who chose it keep it) or restore it."""
    admin = require_admin(actor)
    option = _option(session, option_id)
    if option.active != retired:
        return
    field = _field(session, option.field_id)
    option.active = not retired
    session.add(option)
    audit.record(
        session,
        actor=admin,
        action="vocabulary.retire_option" if retired else "vocabulary.restore_option",
        target_type="matching_option",
        target_id=option.id,
        summary=f"{'Retired' if retired else 'Restored'} option {option.label} of {field.label}",
    )
    _commit(session, "The option could not be saved.")
