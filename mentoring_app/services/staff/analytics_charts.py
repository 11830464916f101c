"""The admin dashboard's monthly charts and the median answer time (services/staff/analytics)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from mentoring_app.models import Goal, Relationship, RelationshipEvent, User, VisitMonth
from mentoring_app.models.journeys import ACHIEVED
from mentoring_app.models.relationships import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    ENDED,
    EXPIRED,
    REQUESTED,
    WITHDRAWN,
)
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.analytics_common import (
    STARTED,
    AnswerTime,
    MonthlyChart,
    count_if,
    in_month,
    months_between,
    months_table,
    zero_filled,
)


def visits_per_month(session: Session, *, actor: User | None, start: date, end: date) -> MonthlyChart:
    """Visits per month, logged in (the member was known at some page view) and anonymous.

    Read from ``visit_months``, which services/visits keeps counting as visits happen: a few rows
    per chart however many visits there are.
    """
    require_admin(actor)
    months = months_between(start, end)
    rows = session.execute(
        select(
            VisitMonth.month,
            VisitMonth.visits,
            VisitMonth.logged_in,
            VisitMonth.visits - VisitMonth.logged_in,
        ).where(VisitMonth.month >= months[0].key, VisitMonth.month <= months[-1].key)  # type: ignore[arg-type]
    ).all()
    return zero_filled(
        months, [("total", "All visits"), ("logged_in", "Logged in"), ("anonymous", "Anonymous")], rows
    )


def registrations_per_month(session: Session, *, actor: User | None, start: date, end: date) -> MonthlyChart:
    """New members per month by role: mentors, mentees, and members who are both (staff excluded)."""
    require_admin(actor)
    months = months_between(start, end)
    m = months_table(months)
    mentor, mentee = User.is_mentor.is_(True), User.is_mentee.is_(True)  # type: ignore[attr-defined]
    rows = session.execute(
        select(
            m.c.month,
            count_if(and_(mentor, ~mentee)),
            count_if(and_(mentee, ~mentor)),
            count_if(and_(mentor, mentee)),
        )
        .select_from(m)
        .join(User, in_month(User.created_at, m))  # type: ignore[arg-type]
        .group_by(m.c.month)
    ).all()
    return zero_filled(months, [("mentors", "Mentors"), ("mentees", "Mentees"), ("both", "Both")], rows)


def requests_per_month(session: Session, *, actor: User | None, start: date, end: date) -> MonthlyChart:
    """Requests sent, accepted, declined and expired per month, from the recorded transitions.

    Each figure counts the transition out of the request, once: "sent" is the request's first
    event, and accepted, declined and expired are moves *from* requested. Later events that keep a
    status are not answers: an edit is recorded as requested -> requested, and continuing
    informally or starting a new journey as accepted -> accepted.
    """
    require_admin(actor)
    months = months_between(start, end)
    m = months_table(months)
    status, before = RelationshipEvent.to_status, RelationshipEvent.from_status
    rows = session.execute(
        select(
            m.c.month,
            count_if(and_(status == REQUESTED, before.is_(None))),  # type: ignore[union-attr]
            count_if(and_(status == ACCEPTED, before == REQUESTED)),
            count_if(and_(status == DECLINED, before == REQUESTED)),
            count_if(and_(status == EXPIRED, before == REQUESTED)),
        )
        .select_from(m)
        .join(
            RelationshipEvent,
            and_(
                # The covering index (to_status, at, from_status) answers all three conditions.
                status.in_((REQUESTED, ACCEPTED, DECLINED, EXPIRED)),  # type: ignore[attr-defined]
                in_month(RelationshipEvent.at, m),  # type: ignore[arg-type]
                or_(before.is_(None), before == REQUESTED),  # type: ignore[union-attr]
            ),
        )
        .group_by(m.c.month)
    ).all()
    return zero_filled(
        months,
        [("sent", "Sent"), ("accepted", "Accepted"), ("declined", "Declined"), ("expired", "Expired")],
        rows,
    )


def active_relationships_per_month(
    session: Session, *, actor: User | None, start: date, end: date
) -> MonthlyChart:
    """Relationships active at some point in each month: accepted before the month ended, and not
    withdrawn or ended before it began.

    Counted as (accepted before the month's end) - (ended before the month's start): the database
    counts relationships starting and ending per month once, and the running totals over those
    few dozen figures are added up here, rather than checking every relationship for every month.
    """
    require_admin(actor)
    months = months_between(start, end)
    m = months_table(months)
    first = months[0].start
    finished = (WITHDRAWN, ENDED)
    started_before, ended_before = session.execute(
        select(
            count_if(and_(Relationship.status.in_(STARTED), Relationship.decided_at < first)),  # type: ignore[attr-defined, operator]
            count_if(and_(Relationship.status.in_(finished), Relationship.ended_at < first)),  # type: ignore[attr-defined, operator]
        ).where(
            or_(
                and_(Relationship.status.in_(STARTED), Relationship.decided_at < first),  # type: ignore[attr-defined, operator]
                and_(Relationship.status.in_(finished), Relationship.ended_at < first),  # type: ignore[attr-defined, operator]
            )
        )
    ).one()
    started = dict(
        session.execute(
            select(m.c.month, func.count(Relationship.id))
            .select_from(m)
            .join(Relationship, and_(Relationship.status.in_(STARTED), in_month(Relationship.decided_at, m)))  # type: ignore[attr-defined, arg-type]
            .group_by(m.c.month)
        ).all()
    )
    ended = dict(
        session.execute(
            select(m.c.month, func.count(Relationship.id))
            .select_from(m)
            .join(Relationship, and_(Relationship.status.in_(finished), in_month(Relationship.ended_at, m)))  # type: ignore[attr-defined, arg-type]
            .group_by(m.c.month)
        ).all()
    )
    rows = []
    started_total, ended_total = int(started_before), int(ended_before)
    for month in months:
        started_total += int(started.get(month.key, 0))
        rows.append((month.key, started_total - ended_total))
        ended_total += int(ended.get(month.key, 0))  # ending this month still counts in this month
    return zero_filled(months, [("active", "Active relationships")], rows)


def goals_per_month(session: Session, *, actor: User | None, start: date, end: date) -> MonthlyChart:
    """Goals set and achieved per month: "set" counts the goals proposed in the month (whatever
    became of them later), "achieved" those marked achieved in the month."""
    require_admin(actor)
    months = months_between(start, end)
    m = months_table(months)
    set_rows = session.execute(
        select(m.c.month, func.count(Goal.id))
        .select_from(m)
        .join(Goal, in_month(Goal.created_at, m))  # type: ignore[arg-type]
        .group_by(m.c.month)
    ).all()
    achieved = dict(
        session.execute(
            select(m.c.month, func.count(Goal.id))
            .select_from(m)
            .join(Goal, and_(Goal.status == ACHIEVED, in_month(Goal.achieved_at, m)))  # type: ignore[arg-type]
            .group_by(m.c.month)
        ).all()
    )
    rows = [(month, count, achieved.pop(month, 0)) for month, count in set_rows]
    rows += [(month, 0, count) for month, count in achieved.items()]
    return zero_filled(months, [("set", "Goals set"), ("achieved", "Goals achieved")], rows)


def _hours_between(session: Session, later: ColumnElement, earlier: ColumnElement) -> ColumnElement[float]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def median_answer_time(session: Session, *, actor: User | None, start: date, end: date) -> AnswerTime:
    """Median hours from a request being sent to the mentor accepting or declining it, over the
    requests answered in the range (months inclusive). Expired and cancelled ones have no answer.

    PostgreSQL computes it with ``percentile_cont``; SQLite reads the one or two middle values with
    ORDER BY ... LIMIT/OFFSET, so neither loads the durations into Python.
    """
    require_admin(actor)
    months = months_between(start, end)
    hours = _hours_between(session, Relationship.decided_at, Relationship.created_at)  # type: ignore[arg-type]
    answered = and_(
        Relationship.decided_at >= months[0].start,  # type: ignore[operator]
        Relationship.decided_at < months[-1].end,  # type: ignore[operator]
        Relationship.status.not_in((CANCELLED, EXPIRED, REQUESTED)),  # type: ignore[attr-defined]
    )
    count = int(session.execute(select(func.count(Relationship.id)).where(answered)).scalar_one())
    if count == 0:
        return AnswerTime(median_hours=None, answered=0)
    if session.get_bind().dialect.name == "postgresql":
        median = session.execute(
            select(func.percentile_cont(0.5).within_group(hours)).where(answered)
        ).scalar_one()
    else:
        middle = session.execute(
            select(hours).where(answered).order_by(hours).limit(2 - count % 2).offset((count - 1) // 2)
        ).scalars()
        values = list(middle)
        median = sum(values) / len(values)
    return AnswerTime(median_hours=round(float(median), 2), answered=count)
