"""What single members wrote in the outcome survey ("what helped most"), for admins, and the
Outcomes page's figures as CSV.

Free text is read one relationship at a time, and every reading writes an audit entry (who read
which relationship's answers, when) in the same transaction: the Outcomes page itself shows only
aggregates, and lists which relationships have written answers without showing them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentoring_app.models import Relationship, User
from mentoring_app.models.outcomes import OutcomeSurvey
from mentoring_app.services.errors import NotFound
from mentoring_app.services.mentoring.outcome_survey import GOALS, SATISFACTION
from mentoring_app.services.staff import audit
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.exports import _audit, _csv
from mentoring_app.services.staff.outcomes import (
    FINISHED,
    Durations,
    RoleOutcome,
    checkin_scores,
    finished_in,
    relationship_length,
    span_of,
    survey_outcomes,
    time_to_first_meeting,
)

READ_ACTION = "outcomes.read_answers"
LIST_LIMIT = 50


@dataclass(frozen=True)
class WrittenAnswers:
    """A finished relationship with written answers (not the answers themselves)."""

    relationship_id: int
    mentee_name: str
    mentor_name: str
    ended_at: datetime
    written: int  # how many of the pair wrote what helped most


def with_written_answers(
    session: Session, *, actor: User | None, start: date, end: date, limit: int = LIST_LIMIT
) -> tuple[list[WrittenAnswers], int]:
    """The relationships finished in the range whose survey has written answers, latest first
    (at most ``limit``), and how many there are in all."""
    require_admin(actor)
    lo, hi = span_of(start, end)
    mentee, mentor = aliased(User), aliased(User)
    s = OutcomeSurvey
    written = (
        select(
            Relationship.id.label("rid"),  # type: ignore[union-attr]
            func.count().label("written"),
            func.count().over().label("total"),  # every such relationship, before the limit
        )
        .join(s, s.relationship_id == Relationship.id)  # type: ignore[arg-type]
        .where(finished_in(lo, hi), s.helped_most.is_not(None))  # type: ignore[union-attr]
        .group_by(Relationship.id)
        .order_by(Relationship.ended_at.desc(), Relationship.id.desc())  # type: ignore[union-attr]
        .limit(max(1, min(limit, 500)))
        .subquery()
    )
    rows = session.execute(
        select(
            Relationship.id,
            mentee.name,
            mentor.name,
            Relationship.ended_at,
            written.c.written,
            written.c.total,
        )
        .join(written, written.c.rid == Relationship.id)
        .join(mentee, mentee.id == Relationship.mentee_id)  # type: ignore[arg-type]
        .join(mentor, mentor.id == Relationship.mentor_id)  # type: ignore[arg-type]
        .order_by(Relationship.ended_at.desc(), Relationship.id.desc())  # type: ignore[union-attr]
    ).all()
    total = int(rows[0][5]) if rows else 0
    return [WrittenAnswers(int(r), a, b, e, int(n)) for r, a, b, e, n, _ in rows], total


@dataclass(frozen=True)
class MemberAnswers:
    role: str  # "mentee" or "mentor"
    name: str
    answered_at: datetime | None
    skipped: bool
    goals: str  # the words the survey used ("Yes, fully"), "" without an answer
    satisfaction: str
    recommend: str
    helped_most: str


@dataclass(frozen=True)
class RelationshipAnswers:
    relationship_id: int
    mentee_name: str
    mentor_name: str
    status: str
    ended_at: datetime | None
    answers: tuple[MemberAnswers, ...]  # the mentee's first


def read_answers(session: Session, *, actor: User | None, relationship_id: int) -> RelationshipAnswers:
    """Both members' survey answers on one finished relationship, free text included, for an
    admin; the reading is written to the audit log (committed with it)."""
    admin = require_admin(actor)
    rel = session.get(Relationship, relationship_id)
    if rel is None or rel.status not in FINISHED:
        raise NotFound("No finished relationship has that number.")
    members = {
        u.id: u
        for u in session.execute(select(User).where(User.id.in_((rel.mentee_id, rel.mentor_id)))).scalars()
    }  # type: ignore[union-attr]
    rows = (
        session.execute(select(OutcomeSurvey).where(OutcomeSurvey.relationship_id == rel.id)).scalars().all()
    )
    answers = tuple(
        MemberAnswers(
            role=row.role,
            name=members[row.member_id].name if row.member_id in members else "Former member",
            answered_at=row.answered_at,
            skipped=row.answered_at is None,
            goals=GOALS.get(row.goals or "", ""),
            satisfaction=f"{row.satisfaction} ({SATISFACTION[row.satisfaction].lower()})"
            if row.satisfaction
            else "",
            recommend=f"{row.recommend} of 10" if row.recommend is not None else "",
            helped_most=row.helped_most or "",
        )
        for row in sorted(rows, key=lambda r: r.role != "mentee")
    )
    audit.record(
        session,
        actor=admin,
        action=READ_ACTION,
        target_type="relationship",
        target_id=rel.id,
        summary=f"Read the outcome survey answers of relationship {rel.id}",
    )
    session.commit()
    return RelationshipAnswers(
        relationship_id=rel.id,  # type: ignore[arg-type]
        mentee_name=members[rel.mentee_id].name if rel.mentee_id in members else "Former member",
        mentor_name=members[rel.mentor_id].name if rel.mentor_id in members else "Former member",
        status=rel.status,
        ended_at=rel.ended_at,
        answers=answers,
    )


OUTCOME_COLUMNS = ("figure", "group", "value", "answers")


def _number(value: float | None, digits: int = 1) -> float | str:
    """A figure as a number cell (a negative NPS must stay a number, not text), "" for none."""
    return "" if value is None else round(value, digits)


def _percent(share: float | None) -> float | str:
    return _number(None if share is None else share * 100)


def _role_rows(label: str, side: RoleOutcome) -> list[Sequence[object]]:
    average = side.satisfaction_average
    return [
        ("survey answers", label, side.answered, side.answered),
        ("surveys skipped", label, side.skipped, ""),
        *((f"satisfaction {n}", label, count, side.answered) for n, count in enumerate(side.satisfaction, 1)),
        ("satisfaction average (1-5)", label, _number(average, 2), side.answered),
        ("net promoter score", label, _number(side.nps), side.answered),
        ("promoters (9-10)", label, side.promoters, side.answered),
        ("passives (7-8)", label, side.passives, side.answered),
        ("detractors (0-6)", label, side.detractors, side.answered),
        ("goals achieved fully (%)", label, _percent(side.goals_rate), side.answered),
        ("goals achieved at least partly (%)", label, _percent(side.goals_at_least_partly), side.answered),
    ]


def _duration_rows(name: str, found: Durations) -> list[Sequence[object]]:
    rows: list[Sequence[object]] = [
        (f"{name}: median days", "all", _number(found.median_days), found.counted)
    ]
    rows += [(f"{name}: {label}", "all", count, found.counted) for label, count in found.buckets]
    return rows


def outcomes_csv(session: Session, *, actor: User | None, start: date, end: date) -> bytes:
    """The Outcomes page's figures over the range (months inclusive), one figure a row; no free text."""
    admin = require_admin(actor)
    args = {"actor": admin, "start": start, "end": end}
    survey = survey_outcomes(session, **args)
    first = time_to_first_meeting(session, **args)
    rows: list[Sequence[object]] = [("relationships finished", "all", survey.finished, "")]
    rows += _role_rows("mentees about their mentors", survey.mentees)
    rows += _role_rows("mentors about their mentees", survey.mentors)
    rows += _duration_rows("time from acceptance to first meeting", first)
    rows.append(("accepted with no meeting logged yet", "all", first.without, ""))
    rows += _duration_rows("relationship length", relationship_length(session, **args))
    scores = checkin_scores(session, **args)
    rows += [
        ("check-in average (1-5)", month, _number(avg, 2), n)
        for month, n, avg in zip(scores.months, scores.answered, scores.averages, strict=True)
    ]
    data = _csv(OUTCOME_COLUMNS, rows)
    _audit(
        session,
        admin,
        "export.outcomes",
        f"Exported outcomes, {scores.months[0]} to {scores.months[-1]}",
        data,
    )
    return data
