"""CSV exports for admins: members, relationships, and visits by month.

Rows are read in batches (``yield_per``; a server-side cursor on PostgreSQL), so exporting 100,000
members never holds 100,000 row objects; the CSV text itself is the only thing that grows. Cells
that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are
prefixed with an apostrophe. Private texts (request letters, messages, contact phone numbers,
password hashes) are never exported. Each export is audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentoring_app.models import Profile, Relationship, User
from mentoring_app.services.mentoring.status import status_label
from mentoring_app.services.staff import analytics, audit
from mentoring_app.services.staff.admin_access import require_admin

BATCH = 2_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MEMBER_COLUMNS = (
    "id",
    "name",
    "email",
    "role",
    "admin",
    "active",
    "joined_utc",
    "last_active_utc",
    "profile_completeness",
    "mentor_matchable",
    "available",
    "capacity",
)
RELATIONSHIP_COLUMNS = (
    "id",
    "mentee_id",
    "mentee_name",
    "mentor_id",
    "mentor_name",
    "status",
    "status_label",
    "requested_utc",
    "answered_utc",
    "ended_utc",
    "decline_reason",
)
VISIT_COLUMNS = ("month", "visits", "logged_in", "anonymous")


def safe_cell(value: object) -> str | int | float:
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8 names right


def _member_rows(session: Session) -> Iterator[Sequence[object]]:
    statement = (
        select(User, Profile.completeness, Profile.mentor_matchable, Profile.available, Profile.capacity)
        .outerjoin(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .order_by(User.id)
        .execution_options(yield_per=BATCH)
    )
    for user, completeness, matchable, available, capacity in session.execute(statement):
        yield (
            user.id,
            user.name,
            user.email,
            user.role_label,
            user.is_admin,
            user.is_active,
            user.created_at,
            user.last_active_at,
            completeness or 0,
            bool(matchable),
            bool(available) if user.is_mentor else None,
            capacity if user.is_mentor else None,
        )


def members_csv(session: Session, *, actor: User | None) -> bytes:
    """Every member: account, roles, status, dates and profile summary (no contact details)."""
    admin = require_admin(actor)
    data = _csv(MEMBER_COLUMNS, _member_rows(session))
    _audit(session, admin, "export.members", "Exported members as CSV", data)
    return data


def _relationship_rows(session: Session) -> Iterator[Sequence[object]]:
    mentee, mentor = aliased(User), aliased(User)
    statement = (
        select(
            Relationship.id,
            Relationship.mentee_id,
            mentee.name,
            Relationship.mentor_id,
            mentor.name,
            Relationship.status,
            Relationship.created_at,
            Relationship.decided_at,
            Relationship.ended_at,
            Relationship.decline_reason,
            Relationship.informal_since,
        )
        .join(mentee, mentee.id == Relationship.mentee_id)  # type: ignore[arg-type]
        .join(mentor, mentor.id == Relationship.mentor_id)  # type: ignore[arg-type]
        .order_by(Relationship.id)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(statement):
        *first, status, requested, answered, ended, reason, informal_since = row
        yield (*first, status, status_label(status, informal_since), requested, answered, ended, reason)


def relationships_csv(session: Session, *, actor: User | None) -> bytes:
    """Every request and relationship with its status and dates (not the request's text)."""
    admin = require_admin(actor)
    data = _csv(RELATIONSHIP_COLUMNS, _relationship_rows(session))
    _audit(session, admin, "export.relationships", "Exported relationships as CSV", data)
    return data


def visits_by_month_csv(session: Session, *, actor: User | None, start: date, end: date) -> bytes:
    """Visits per month over the range (months inclusive): all, logged in, anonymous."""
    admin = require_admin(actor)
    chart = analytics.visits_per_month(session, actor=admin, start=start, end=end)
    rows = zip(
        chart.months, chart.values("total"), chart.values("logged_in"), chart.values("anonymous"), strict=True
    )
    data = _csv(VISIT_COLUMNS, rows)
    _audit(
        session,
        admin,
        "export.visits",
        f"Exported visits by month, {chart.months[0]} to {chart.months[-1]}",
        data,
    )
    return data


def _audit(session: Session, admin: User, action: str, summary: str, data: bytes) -> None:
    lines = data.count(b"\n") - 1
    audit.record(
        session,
        actor=admin,
        action=action,
        target_type="export",
        target_id=None,
        summary=f"{summary} ({lines:,} rows)",
    )
    session.commit()
