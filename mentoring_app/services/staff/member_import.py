"""Importing members from a CSV file: new members are invited, existing ones are updated.

Each row is checked on its own and saved in its own savepoint: a bad row is reported with its line
number and reason and changes nothing; the good rows are imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from mentoring_app.models import MemberCriterion, User
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery.profiles import (
    MAX_BIO,
    MAX_CAPACITY,
    MAX_HEADLINE,
    ensure_profile,
    refresh_matchable,
)
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields

REQUIRED_COLUMNS = ("email", "name", "role")
CRITERIA_COLUMNS = (
    "region",
    "languages",
    "specialisms",
    "areas_of_support",
    "membership_grade",
    "years_experience",
    "mentoring_format",
)
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {len(self.rejected)} rejected"


class RowError(ValueError):
    pass


def experience_band(value: str) -> str:
    """A whole number of years, mapped to its band label."""
    try:
        years = int(value.strip())
    except ValueError as error:
        raise RowError(f"years_experience must be a whole number of years, not {value!r}") from error
    if years < 0:
        raise RowError("years_experience cannot be negative")
    if years < 2:
        return "Less than 2"
    if years <= 5:
        return "2 to 5"
    if years <= 10:
        return "6 to 10"
    if years <= 20:
        return "11 to 20"
    return "More than 20"


def _option_ids(spec: FieldSpec, cell: str) -> list[int]:
    values = [v.strip() for v in cell.split(";") if v.strip()] if spec.multiple else [cell.strip()]
    ids: list[int] = []
    for value in values:
        if not value:
            continue
        choice = spec.find(value)
        if choice is None:
            raise RowError(f"unknown {spec.label.lower()}: {value!r}")
        ids.append(choice.id)
    return list(dict.fromkeys(ids))


def _parse_row(row: dict[str, str], fields: dict[str, FieldSpec]) -> dict:
    cell = {k: (v or "").strip() for k, v in row.items() if k}
    try:
        email = auth.clean_email(cell.get("email", ""))
    except ValueError as error:
        raise RowError(f"email: {error}") from error
    try:
        name = auth.clean_name(cell.get("name", ""))
    except ValueError as error:
        raise RowError(f"name: {error}") from error
    role = cell.get("role", "").lower()
    if role not in auth.ROLES:
        raise RowError("role must be mentor, mentee or both")
    headline, bio = cell.get("headline", ""), cell.get("bio", "")
    if len(headline) > MAX_HEADLINE:
        raise RowError(f"headline is longer than {MAX_HEADLINE} characters")
    if len(bio) > MAX_BIO:
        raise RowError(f"bio is longer than {MAX_BIO} characters")
    capacity = 2
    if cell.get("capacity"):
        try:
            capacity = int(cell["capacity"])
        except ValueError as error:
            raise RowError("capacity must be a whole number") from error
        if not 0 <= capacity <= MAX_CAPACITY:
            raise RowError(f"capacity must be from 0 to {MAX_CAPACITY}")
    available_cell = cell.get("available", "").lower()
    if available_cell and available_cell not in YES | NO:
        raise RowError("available must be yes or no")
    criteria: list[int] = []
    for column in CRITERIA_COLUMNS:
        value = cell.get(column, "")
        if not value or column not in fields:
            continue
        if column == "years_experience":
            value = experience_band(value)
        criteria.extend(_option_ids(fields[column], value))
    return {
        "email": email,
        "name": name,
        "role": role,
        "headline": headline,
        "bio": bio,
        "capacity": capacity,
        "available": available_cell not in NO,
        "criteria": criteria,
    }


def import_members(session: Session, *, csv_text: str, now: datetime | None = None) -> ImportReport:
    """Import members from CSV text (see the README for the columns). Operators and admins only."""
    now = now or utcnow()
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        report.rejected.append((1, f"the header has no {', '.join(missing)} column"))
        return report
    reader.fieldnames = header
    fields = {spec.key: spec for spec in load_fields(session)}
    for row in reader:
        line = reader.line_num
        try:
            data = _parse_row(row, fields)
        except RowError as error:
            report.rejected.append((line, str(error)))
            continue
        with session.begin_nested():
            created = _save(session, data, now)
        session.commit()
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report


def _save(session: Session, data: dict, now: datetime) -> bool:
    user = session.exec(select(User).where(User.email_key == auth.email_key(data["email"]))).first()
    created = user is None
    is_mentor, is_mentee = auth.ROLES[data["role"]]
    if user is None:
        user = User(
            name=data["name"],
            email=data["email"],
            email_key=auth.email_key(data["email"]),
            password_hash=auth.UNUSABLE_PASSWORD,
            created_at=now,
        )
    user.name = data["name"]
    user.is_mentor, user.is_mentee = is_mentor, is_mentee
    session.add(user)
    session.flush()
    profile, _ = ensure_profile(session, user)
    profile.headline, profile.bio = data["headline"], data["bio"]
    profile.capacity, profile.available = data["capacity"], data["available"]
    sides = [s for s, on in ((MENTOR_SIDE, is_mentor), (MENTEE_SIDE, is_mentee)) if on]
    session.exec(delete(MemberCriterion).where(MemberCriterion.user_id == user.id))  # type: ignore[call-overload]
    session.add_all(
        MemberCriterion(user_id=user.id, side=side, option_id=option_id)  # type: ignore[arg-type]
        for side in sides
        for option_id in data["criteria"]
    )
    session.flush()
    refresh_matchable(session, user)
    if created:
        auth.create_invitation(session, user=user, now=now)
    return created
