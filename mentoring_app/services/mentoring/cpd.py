"""The member's CPD record: their mentoring relationships, meetings and hours, and goals achieved,
exportable as CSV (for a spreadsheet) and as a printable page.

Only the member's own record, only facts: partner names, dates, durations and goal statements.
Meeting notes are left out on purpose, because a CPD record is shown to third parties and notes
may hold what the partner said in confidence.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from sqlalchemy import or_
from sqlmodel import Session, select

from mentoring_app.models import Goal, Journey, Meeting, Relationship, User
from mentoring_app.models.journeys import ACHIEVED, HELD
from mentoring_app.models.types import utcnow
from mentoring_app.services.mentoring.relationship_access import (
    DASHBOARD_STATUSES,
    active,
    partner_id,
    role_of,
)
from mentoring_app.services.mentoring.status import status_label
from mentoring_app.services.outbox.mail import SITE_NAME
from mentoring_app.timefmt import length

CSV_HEADER = ("Type", "Date", "Partner", "Your role", "Minutes", "Hours", "Details")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CpdMeeting:
    held_on: date
    minutes: int


@dataclass(frozen=True)
class CpdGoal:
    statement: str
    achieved_on: date


@dataclass(frozen=True)
class CpdRelationship:
    relationship_id: int
    partner_name: str
    role: str  # "mentor" or "mentee"
    status: str
    status_label: str
    started_on: date | None
    ended_on: date | None
    meetings: tuple[CpdMeeting, ...]
    goals_achieved: tuple[CpdGoal, ...]

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.meetings)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class CpdRecord:
    member_name: str
    generated_at: datetime
    relationships: tuple[CpdRelationship, ...]

    @property
    def meetings_count(self) -> int:
        return sum(len(r.meetings) for r in self.relationships)

    @property
    def minutes(self) -> int:
        return sum(r.minutes for r in self.relationships)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def goals_achieved_count(self) -> int:
        return sum(len(r.goals_achieved) for r in self.relationships)


def record(session: Session, *, actor: User | None, now: datetime | None = None) -> CpdRecord:
    """The actor's own record, oldest relationship first."""
    member = active(actor)
    rels = session.exec(
        select(Relationship)
        .where(
            or_(Relationship.mentee_id == member.id, Relationship.mentor_id == member.id),
            Relationship.status.in_(DASHBOARD_STATUSES),  # type: ignore[attr-defined]
        )
        .order_by(Relationship.decided_at, Relationship.id)  # type: ignore[arg-type]
    ).all()
    ids = [r.id for r in rels]
    names = dict(
        session.exec(
            select(User.id, User.name).where(User.id.in_({partner_id(r, member.id) for r in rels}))  # type: ignore[union-attr, arg-type]
        ).all()
    )
    meetings: dict[int, list[CpdMeeting]] = {i: [] for i in ids}  # type: ignore[misc]
    goals: dict[int, list[CpdGoal]] = {i: [] for i in ids}  # type: ignore[misc]
    if ids:
        for rel_id, held_on, minutes in session.exec(
            select(Meeting.relationship_id, Meeting.held_on, Meeting.duration_minutes)
            .where(Meeting.relationship_id.in_(ids), Meeting.status == HELD)  # type: ignore[attr-defined]
            .order_by(Meeting.held_on, Meeting.id)  # type: ignore[arg-type]
        ).all():
            meetings[rel_id].append(CpdMeeting(held_on, minutes))  # type: ignore[arg-type]
        for rel_id, statement, achieved_at in session.exec(
            select(Journey.relationship_id, Goal.specific, Goal.achieved_at)
            .join(Journey, Goal.journey_id == Journey.id)  # type: ignore[arg-type]
            .where(Journey.relationship_id.in_(ids), Goal.status == ACHIEVED)  # type: ignore[attr-defined]
            .order_by(Goal.achieved_at, Goal.id)  # type: ignore[arg-type]
        ).all():
            goals[rel_id].append(CpdGoal(statement, achieved_at.date()))  # type: ignore[union-attr]
    return CpdRecord(
        member_name=member.name,
        generated_at=now or utcnow(),
        relationships=tuple(
            CpdRelationship(
                relationship_id=r.id,  # type: ignore[arg-type]
                partner_name=names.get(partner_id(r, member.id), ""),  # type: ignore[arg-type]
                role=role_of(r, member.id),  # type: ignore[arg-type]
                status=r.status,
                status_label=status_label(r.status, r.informal_since),
                started_on=r.decided_at.date() if r.decided_at else None,
                ended_on=r.ended_at.date() if r.ended_at else None,
                meetings=tuple(meetings[r.id]),  # type: ignore[index]
                goals_achieved=tuple(goals[r.id]),  # type: ignore[index]
            )
            for r in rels
        ),
    )


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_filename(now: datetime | None = None) -> str:
    return f"mentoring-cpd-record-{(now or utcnow()):%Y-%m-%d}.csv"


def csv_bytes(session: Session, *, actor: User | None, now: datetime | None = None) -> bytes:
    """The record as CSV, UTF-8 with a byte order mark (so Excel reads accents right).

    One row per relationship (Type "Relationship": its dates and status), per meeting held
    ("Meeting": date, minutes, hours) and per goal achieved ("Goal achieved": date, the goal),
    then a "Total" row. Every cell is guarded against formula injection.
    """
    cpd = record(session, actor=actor, now=now)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for rel in cpd.relationships:
        dates = f"{rel.status_label}; from {rel.started_on or '-'}" + (
            f" to {rel.ended_on}" if rel.ended_on else ""
        )
        rows: list[tuple[object, ...]] = [
            ("Relationship", rel.started_on or "", rel.partner_name, rel.role, rel.minutes, rel.hours, dates)
        ]
        rows += [
            (
                "Meeting",
                m.held_on,
                rel.partner_name,
                rel.role,
                m.minutes,
                round(m.minutes / 60, 2),
                "Mentoring meeting",
            )
            for m in rel.meetings
        ]
        rows += [
            ("Goal achieved", g.achieved_on, rel.partner_name, rel.role, "", "", g.statement)
            for g in rel.goals_achieved
        ]
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    writer.writerow(
        [
            "Total",
            "",
            "",
            "",
            cpd.minutes,
            cpd.hours,
            f"{len(cpd.relationships)} relationships, {cpd.meetings_count} meetings, "
            f"{cpd.goals_achieved_count} goals achieved",
        ]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def printable_html(session: Session, *, actor: User | None, now: datetime | None = None) -> str:
    """The record as a self-contained page to print or save as PDF (every value escaped)."""
    cpd = record(session, actor=actor, now=now)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>CPD record: mentoring - {escape(cpd.member_name)}</title>",
        "<style>body{font-family:sans-serif;line-height:1.5;margin:2rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.25rem .5rem;text-align:left}</style></head><body>",
        f"<h1>CPD record: mentoring</h1><p>{escape(cpd.member_name)}, {SITE_NAME}. "
        f"Generated on {cpd.generated_at:%d %B %Y}.</p>",
        f"<p><strong>{len(cpd.relationships)}</strong> relationships, <strong>{cpd.meetings_count}</strong> "
        f"meetings, <strong>{length(cpd.minutes)}</strong> of mentoring, "
        f"<strong>{cpd.goals_achieved_count}</strong> goals achieved.</p>",
    ]
    for rel in cpd.relationships:
        parts.append(
            f"<h2>{escape(rel.role.capitalize())} with {escape(rel.partner_name)}</h2>"
            f"<p>{escape(rel.status_label)}, from {rel.started_on or '-'}"
            + (f" to {rel.ended_on}" if rel.ended_on else "")
            + f". {len(rel.meetings)} meetings, {length(rel.minutes)}.</p>"
        )
        if rel.meetings:
            parts.append("<table><tr><th>Meeting</th><th>Length</th></tr>")
            parts += [f"<tr><td>{m.held_on}</td><td>{length(m.minutes)}</td></tr>" for m in rel.meetings]
            parts.append("</table>")
        if rel.goals_achieved:
            parts.append("<h3>Goals achieved</h3><ul>")
            parts += [f"<li>{escape(g.statement)} ({g.achieved_on})</li>" for g in rel.goals_achieved]
            parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)
