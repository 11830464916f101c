"""The admin dashboard's figures: monthly charts, the mentoring funnel, headline numbers, and what
needs attention. Admins only.

Every figure is aggregated by the database: the services return a few dozen numbers, never rows.
Months are calendar months in UTC, and each month is a half-open range ``[first day, next first
day)`` compared directly with the indexed timestamp, so the indexes are used on SQLite and
PostgreSQL alike (no per-row date formatting). Each chart query joins a small derived table of the
months asked for with the rows, and groups by month; missing months come back as zeros. Visits,
the one table that grows into millions of rows, are counted per month as they happen
(``visit_months``, see services/visits), so their chart reads one row per month.

Goals, agreements and meetings come from the relationship dashboard (models/journeys): a goal
belongs to a journey of a relationship; the agreement lives on the journey (confirmed once both
``mentee_confirmed_at`` and ``mentor_confirmed_at`` are set); a meeting belongs to the relationship.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import String, and_, case, exists, func, literal, or_, select, type_coerce, union_all
from sqlalchemy.sql import ColumnElement, Subquery
from sqlmodel import Session

from mentoring_app.models import (
    Goal,
    Journey,
    Meeting,
    Profile,
    Relationship,
    RelationshipEvent,
    Report,
    Thread,
    User,
    VisitMonth,
)
from mentoring_app.models.journeys import ACHIEVED, HELD
from mentoring_app.models.relationships import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    ENDED,
    EXPIRED,
    REQUESTED,
    WITHDRAWN,
)
from mentoring_app.models.types import UTCDateTime, utcnow
from mentoring_app.services.errors import ValidationFailed
from mentoring_app.services.mentoring.relationships import EXPIRE_AFTER
from mentoring_app.services.staff.admin_access import require_admin

MAX_MONTHS = 120
QUIET_AFTER = timedelta(days=21)
EXPIRY_WARNING = timedelta(days=3)  # a request is "close to expiry" in its last 3 days
ATTENTION_LIST = 50
STARTED = (ACCEPTED, WITHDRAWN, ENDED)  # a relationship in any of these was accepted once


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class Series:
    """One line or bar group of a chart: a stable key, the words the chart shows, a value per month."""

    key: str
    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class MonthlyChart:
    """Figures per month ("2025-01"...), each series zero-filled to the same length as ``months``."""

    months: tuple[str, ...]
    series: tuple[Series, ...]

    def values(self, key: str) -> tuple[int, ...]:
        return next(s.values for s in self.series if s.key == key)


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int
    from_previous: float | None  # share of the previous stage, 0..1 (None when that is 0)
    from_first: float | None  # share of the first stage, 0..1


@dataclass(frozen=True)
class Funnel:
    """Mentees who registered in the range, and how many of them reached each stage (at any time)."""

    start: str
    end: str
    stages: tuple[FunnelStage, ...]


@dataclass(frozen=True)
class AnswerTime:
    """How long mentors take to accept or decline a request, for requests answered in the range."""

    median_hours: float | None
    answered: int


@dataclass(frozen=True)
class Summary:
    mentors: int  # active members who mentor only
    mentees: int  # active members who are mentees only
    both: int
    admins: int  # active admins
    deactivated: int
    active_relationships: int
    pending_requests: int
    visits_this_month: int
    visits_last_month: int
    visits_change_percent: float | None  # None when last month had no visits


@dataclass(frozen=True)
class QuietPair:
    relationship_id: int
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    last_activity_at: datetime
    days_quiet: int


@dataclass(frozen=True)
class ExpiringRequest:
    relationship_id: int
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    sent_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class OpenReport:
    report_id: int
    reporter_name: str
    subject_name: str
    about_message: bool
    created_at: datetime


@dataclass(frozen=True)
class NeedsAttention:
    """What staff may need to step in on; lists hold at most ATTENTION_LIST rows, totals count all."""

    quiet_pairs: tuple[QuietPair, ...]
    quiet_pairs_total: int
    expiring_requests: tuple[ExpiringRequest, ...]
    expiring_requests_total: int
    open_reports: tuple[OpenReport, ...]
    open_reports_total: int


# ---------------------------------------------------------------- months


@dataclass(frozen=True)
class Month:
    key: str  # "2025-01"
    start: datetime  # first instant of the month, UTC
    end: datetime  # first instant of the next month


def _key(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def _first_of_month(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=UTC)


def _next_month(moment: datetime) -> datetime:
    return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)


def months_between(start: date, end: date) -> list[Month]:
    """The calendar months from ``start``'s month to ``end``'s month, both included."""
    if end < start:
        raise ValidationFailed({"range": "The end of the range is before its start."})
    months: list[Month] = []
    current, last = _first_of_month(start), _first_of_month(end)
    while current <= last:
        following = _next_month(current)
        months.append(Month(key=_key(current), start=current, end=following))
        current = following
        if len(months) > MAX_MONTHS:
            raise ValidationFailed({"range": f"Choose at most {MAX_MONTHS} months."})
    return months


def _months_table(months: Sequence[Month]) -> Subquery:
    """The months as a tiny derived table (month, lo, hi) to join the rows with."""
    rows = [
        select(
            literal(m.key, String(7)).label("month"),
            literal(m.start, UTCDateTime()).label("lo"),
            literal(m.end, UTCDateTime()).label("hi"),
        )
        for m in months
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("months")


def _in_month(moment: ColumnElement, months: Subquery) -> ColumnElement[bool]:
    return and_(moment >= months.c.lo, moment < months.c.hi)


def _chart(
    months: Sequence[Month], series: Sequence[tuple[str, str]], rows: Sequence[Sequence]
) -> MonthlyChart:
    """Zero-fill ``rows`` of (month, value for each series...) into a chart."""
    by_month = {row[0]: row[1:] for row in rows}
    return MonthlyChart(
        months=tuple(m.key for m in months),
        series=tuple(
            Series(
                key=key,
                label=label,
                values=tuple(int((by_month.get(m.key) or [0] * len(series))[i] or 0) for m in months),
            )
            for i, (key, label) in enumerate(series)
        ),
    )


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# ---------------------------------------------------------------- charts


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
    return _chart(
        months, [("total", "All visits"), ("logged_in", "Logged in"), ("anonymous", "Anonymous")], rows
    )


def registrations_per_month(session: Session, *, actor: User | None, start: date, end: date) -> MonthlyChart:
    """New members per month by role: mentors, mentees, and members who are both (staff excluded)."""
    require_admin(actor)
    months = months_between(start, end)
    m = _months_table(months)
    mentor, mentee = User.is_mentor.is_(True), User.is_mentee.is_(True)  # type: ignore[attr-defined]
    rows = session.execute(
        select(
            m.c.month,
            _count_if(and_(mentor, ~mentee)),
            _count_if(and_(mentee, ~mentor)),
            _count_if(and_(mentor, mentee)),
        )
        .select_from(m)
        .join(User, _in_month(User.created_at, m))  # type: ignore[arg-type]
        .group_by(m.c.month)
    ).all()
    return _chart(months, [("mentors", "Mentors"), ("mentees", "Mentees"), ("both", "Both")], rows)


def requests_per_month(session: Session, *, actor: User | None, start: date, end: date) -> MonthlyChart:
    """Requests sent, accepted, declined and expired per month, from the recorded transitions.

    Each figure counts the transition out of the request, once: "sent" is the request's first
    event, and accepted, declined and expired are moves *from* requested. Later events that keep a
    status are not answers: an edit is recorded as requested -> requested, and continuing
    informally or starting a new journey as accepted -> accepted.
    """
    require_admin(actor)
    months = months_between(start, end)
    m = _months_table(months)
    status, before = RelationshipEvent.to_status, RelationshipEvent.from_status
    rows = session.execute(
        select(
            m.c.month,
            _count_if(before.is_(None)),  # type: ignore[union-attr]
            _count_if(and_(before == REQUESTED, status == ACCEPTED)),
            _count_if(and_(before == REQUESTED, status == DECLINED)),
            _count_if(and_(before == REQUESTED, status == EXPIRED)),
        )
        .select_from(m)
        .join(
            RelationshipEvent,
            and_(
                or_(
                    and_(status == REQUESTED, before.is_(None)),  # type: ignore[union-attr]
                    and_(status.in_((ACCEPTED, DECLINED, EXPIRED)), before == REQUESTED),  # type: ignore[attr-defined]
                ),
                _in_month(RelationshipEvent.at, m),  # type: ignore[arg-type]
            ),
        )
        .group_by(m.c.month)
    ).all()
    return _chart(
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
    m = _months_table(months)
    first = months[0].start
    finished = (WITHDRAWN, ENDED)
    started_before, ended_before = session.execute(
        select(
            _count_if(and_(Relationship.status.in_(STARTED), Relationship.decided_at < first)),  # type: ignore[attr-defined, operator]
            _count_if(and_(Relationship.status.in_(finished), Relationship.ended_at < first)),  # type: ignore[attr-defined, operator]
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
            .join(Relationship, and_(Relationship.status.in_(STARTED), _in_month(Relationship.decided_at, m)))  # type: ignore[attr-defined, arg-type]
            .group_by(m.c.month)
        ).all()
    )
    ended = dict(
        session.execute(
            select(m.c.month, func.count(Relationship.id))
            .select_from(m)
            .join(Relationship, and_(Relationship.status.in_(finished), _in_month(Relationship.ended_at, m)))  # type: ignore[attr-defined, arg-type]
            .group_by(m.c.month)
        ).all()
    )
    rows = []
    started_total, ended_total = int(started_before), int(ended_before)
    for month in months:
        started_total += int(started.get(month.key, 0))
        rows.append((month.key, started_total - ended_total))
        ended_total += int(ended.get(month.key, 0))  # ending this month still counts in this month
    return _chart(months, [("active", "Active relationships")], rows)


def goals_per_month(session: Session, *, actor: User | None, start: date, end: date) -> MonthlyChart:
    """Goals set and achieved per month: "set" counts the goals proposed in the month (whatever
    became of them later), "achieved" those marked achieved in the month."""
    require_admin(actor)
    months = months_between(start, end)
    m = _months_table(months)
    set_rows = session.execute(
        select(m.c.month, func.count(Goal.id))
        .select_from(m)
        .join(Goal, _in_month(Goal.created_at, m))  # type: ignore[arg-type]
        .group_by(m.c.month)
    ).all()
    achieved = dict(
        session.execute(
            select(m.c.month, func.count(Goal.id))
            .select_from(m)
            .join(Goal, and_(Goal.status == ACHIEVED, _in_month(Goal.achieved_at, m)))  # type: ignore[arg-type]
            .group_by(m.c.month)
        ).all()
    )
    rows = [(month, count, achieved.pop(month, 0)) for month, count in set_rows]
    rows += [(month, 0, count) for month, count in achieved.items()]
    return _chart(months, [("set", "Goals set"), ("achieved", "Goals achieved")], rows)


# ---------------------------------------------------------------- funnel

FUNNEL_STAGES = (
    ("registered", "Registered"),
    ("profile_complete", "Profile complete"),
    ("requested", "Requested a mentor"),
    ("accepted", "Accepted"),
    ("first_step", "Agreement confirmed or first meeting"),
    ("goal_set", "Goal set"),
    ("goal_achieved", "Goal achieved"),
    ("ended_well", "Ended well"),
)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def funnel(session: Session, *, actor: User | None, start: date, end: date) -> Funnel:
    """The mentoring funnel of the mentees who registered in the range (months inclusive).

    The stages: profile complete (the completeness indicator at 100%), sent a request, had one
    accepted, a first step (an agreement both sides confirmed, or a meeting held), set a goal (any
    goal proposed, even if dropped later), achieved one, and ended a relationship normally (ended,
    not withdrawn). A mentee reaches a stage through any of their relationships, at any time up to
    now. Each stage counts the mentees who reached it *and every earlier stage*, so the counts only
    go down and each conversion is at most 100%: a mentee who ended well without ever achieving a
    goal stops at the last stage they reached in order.

    Two queries: the cohort and its complete profiles; then, for the relationships of the mentees
    with a complete profile only (no later stage counts without it), one row of flags per mentee,
    each flag an indexed EXISTS on the relationship's journeys, goals and meetings.
    """
    require_admin(actor)
    months = months_between(start, end)
    cohort = and_(
        User.is_mentee.is_(True),  # type: ignore[attr-defined]
        User.created_at >= months[0].start,  # type: ignore[operator]
        User.created_at < months[-1].end,  # type: ignore[operator]
    )
    complete = func.coalesce(Profile.completeness, 0) >= 100
    registered, profile_complete = session.execute(
        select(func.count(User.id), _count_if(complete))
        .select_from(User.__table__.outerjoin(Profile, Profile.user_id == User.id))  # type: ignore[attr-defined]
        .where(cohort)
    ).one()
    complete_mentees = select(User.id).join(Profile, Profile.user_id == User.id).where(cohort, complete)  # type: ignore[arg-type]
    of_relationship = Journey.relationship_id == Relationship.id
    confirmed = exists().where(
        of_relationship,
        Journey.mentee_confirmed_at.is_not(None),  # type: ignore[union-attr]
        Journey.mentor_confirmed_at.is_not(None),  # type: ignore[union-attr]
    )
    held = exists().where(Meeting.relationship_id == Relationship.id, Meeting.status == HELD)
    any_goal = exists().where(of_relationship, Goal.journey_id == Journey.id)
    achieved = exists().where(of_relationship, Goal.journey_id == Journey.id, Goal.status == ACHIEVED)
    started = Relationship.status.in_(STARTED)  # type: ignore[attr-defined]
    per_mentee = (
        select(
            _flag(started).label("accepted"),
            _flag(and_(started, or_(confirmed, held))).label("first_step"),
            _flag(and_(started, any_goal)).label("goal_set"),
            _flag(and_(started, achieved)).label("goal_achieved"),
            _flag(Relationship.status == ENDED).label("ended_well"),
        )
        .where(Relationship.mentee_id.in_(complete_mentees))  # type: ignore[attr-defined]
        .group_by(Relationship.mentee_id)
        .subquery("per_mentee")
    )
    columns: list[ColumnElement] = [func.count()]  # "requested": any relationship at all
    so_far: list[ColumnElement[bool]] = []
    for key, _label in FUNNEL_STAGES[3:]:  # accepted onwards
        so_far.append(per_mentee.c[key] == 1)
        columns.append(_count_if(and_(*so_far)))
    later = session.execute(select(*columns).select_from(per_mentee)).one()
    counts = [int(registered or 0), int(profile_complete or 0), *(int(c or 0) for c in later)]
    first = counts[0]
    stages: list[FunnelStage] = []
    previous: int | None = None
    for (key, label), count in zip(FUNNEL_STAGES, counts, strict=True):
        stages.append(
            FunnelStage(
                key=key,
                label=label,
                count=count,
                from_previous=count / previous if previous else None,
                from_first=count / first if first else None,
            )
        )
        previous = count
    return Funnel(start=months[0].key, end=months[-1].key, stages=tuple(stages))


# ---------------------------------------------------------------- answer time


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


# ---------------------------------------------------------------- summary and attention


def summary(session: Session, *, actor: User | None, today: date | None = None) -> Summary:
    """The numbers on top of the dashboard: members by role, relationships, requests, visits."""
    require_admin(actor)
    today = today or utcnow().date()
    active = User.is_active.is_(True)  # type: ignore[attr-defined]
    mentor, mentee = User.is_mentor.is_(True), User.is_mentee.is_(True)  # type: ignore[attr-defined]
    members = session.execute(
        select(
            _count_if(and_(active, mentor, ~mentee)),
            _count_if(and_(active, mentee, ~mentor)),
            _count_if(and_(active, mentor, mentee)),
            _count_if(and_(active, User.is_admin.is_(True))),  # type: ignore[attr-defined]
            _count_if(~active),
        )
    ).one()
    relationships = session.execute(
        select(_count_if(Relationship.status == ACCEPTED), _count_if(Relationship.status == REQUESTED)).where(
            Relationship.status.in_((ACCEPTED, REQUESTED))  # type: ignore[attr-defined]
        )
    ).one()
    this_month = _first_of_month(today)
    last_month = _first_of_month(this_month.date() - timedelta(days=1))
    counted = dict(
        session.execute(
            select(VisitMonth.month, VisitMonth.visits).where(
                VisitMonth.month.in_((_key(this_month), _key(last_month)))  # type: ignore[attr-defined]
            )
        ).all()
    )
    visits = (counted.get(_key(this_month), 0), counted.get(_key(last_month), 0))
    now_visits, before = int(visits[0]), int(visits[1])
    return Summary(
        mentors=int(members[0]),
        mentees=int(members[1]),
        both=int(members[2]),
        admins=int(members[3]),
        deactivated=int(members[4]),
        active_relationships=int(relationships[0]),
        pending_requests=int(relationships[1]),
        visits_this_month=now_visits,
        visits_last_month=before,
        visits_change_percent=round(100 * (now_visits - before) / before, 1) if before else None,
    )


def _pair_thread_join() -> ColumnElement[bool]:
    """Relationship to its pair's message thread (threads store the pair as low id, high id)."""
    low = case(
        (Relationship.mentee_id < Relationship.mentor_id, Relationship.mentee_id),
        else_=Relationship.mentor_id,
    )  # type: ignore[arg-type]
    high = case(
        (Relationship.mentee_id < Relationship.mentor_id, Relationship.mentor_id),
        else_=Relationship.mentee_id,
    )  # type: ignore[arg-type]
    return and_(Thread.low_id == low, Thread.high_id == high)


def _later(first: ColumnElement, second: ColumnElement) -> ColumnElement:
    """The later of two non-null timestamps (portable: SQLite has no GREATEST)."""
    return case((first > second, first), else_=second)


def needs_attention(session: Session, *, actor: User | None, now: datetime | None = None) -> NeedsAttention:
    """Pairs quiet for 21 days, requests in their last 3 days before expiry, and open reports.

    A pair's last activity is the latest of: their latest message (either way), the relationship's
    latest recorded transition, and its ``updated_at``, which every transition and every change
    on the relationship dashboard sets (agreement, goals, milestones, meetings scheduled, logged
    or cancelled, reflections: see relationship_access.bump).
    """
    require_admin(actor)
    now = now or utcnow()
    mentee, mentor = User.__table__.alias("mentee"), User.__table__.alias("mentor")  # type: ignore[attr-defined]
    cutoff = now - QUIET_AFTER
    latest_event = (
        select(func.max(RelationshipEvent.at))
        .where(RelationshipEvent.relationship_id == Relationship.id)
        .correlate(Relationship)
        .scalar_subquery()
    )
    changed = Relationship.updated_at
    last_activity = type_coerce(
        _later(
            _later(func.coalesce(Thread.last_message_at, changed), changed),
            func.coalesce(latest_event, changed),
        ),
        UTCDateTime(),
    )
    recent_event = exists().where(
        RelationshipEvent.relationship_id == Relationship.id,
        RelationshipEvent.at >= cutoff,  # type: ignore[operator]
    )
    quiet_where = and_(
        Relationship.status == ACCEPTED,
        changed < cutoff,  # type: ignore[operator]
        or_(Thread.id.is_(None), Thread.last_message_at < cutoff),  # type: ignore[union-attr, operator]
        ~recent_event,
    )
    quiet_from = Relationship.__table__.outerjoin(Thread, _pair_thread_join())  # type: ignore[attr-defined]
    quiet_total = session.execute(
        select(func.count()).select_from(quiet_from).where(quiet_where)
    ).scalar_one()
    quiet_rows = session.execute(
        select(Relationship.id, mentee.c.id, mentee.c.name, mentor.c.id, mentor.c.name, last_activity)
        .select_from(
            quiet_from.join(mentee, mentee.c.id == Relationship.mentee_id).join(
                mentor, mentor.c.id == Relationship.mentor_id
            )
        )
        .where(quiet_where)
        .order_by(last_activity, Relationship.id)
        .limit(ATTENTION_LIST)
    ).all()
    quiet = tuple(
        QuietPair(
            relationship_id=row[0],
            mentee_id=row[1],
            mentee_name=row[2],
            mentor_id=row[3],
            mentor_name=row[4],
            last_activity_at=row[5],
            days_quiet=(now - row[5]).days,
        )
        for row in quiet_rows
    )
    warn_before = now - (EXPIRE_AFTER - EXPIRY_WARNING)
    expiring_where = and_(Relationship.status == REQUESTED, Relationship.created_at <= warn_before)  # type: ignore[operator]
    expiring_total = session.execute(select(func.count(Relationship.id)).where(expiring_where)).scalar_one()
    expiring_rows = session.execute(
        select(
            Relationship.id, mentee.c.id, mentee.c.name, mentor.c.id, mentor.c.name, Relationship.created_at
        )
        .join(mentee, mentee.c.id == Relationship.mentee_id)
        .join(mentor, mentor.c.id == Relationship.mentor_id)
        .where(expiring_where)
        .order_by(Relationship.created_at, Relationship.id)
        .limit(ATTENTION_LIST)
    ).all()
    expiring = tuple(
        ExpiringRequest(
            relationship_id=row[0],
            mentee_id=row[1],
            mentee_name=row[2],
            mentor_id=row[3],
            mentor_name=row[4],
            sent_at=row[5],
            expires_at=row[5] + EXPIRE_AFTER,
        )
        for row in expiring_rows
    )
    reporter, subject = User.__table__.alias("reporter"), User.__table__.alias("subject")  # type: ignore[attr-defined]
    open_where = Report.resolved_at.is_(None)  # type: ignore[union-attr]
    open_total = session.execute(select(func.count(Report.id)).where(open_where)).scalar_one()
    report_rows = session.execute(
        select(Report.id, reporter.c.name, subject.c.name, Report.message_id, Report.created_at)
        .join(reporter, reporter.c.id == Report.reporter_id)
        .join(subject, subject.c.id == Report.subject_user_id)
        .where(open_where)
        .order_by(Report.created_at, Report.id)
        .limit(ATTENTION_LIST)
    ).all()
    reports = tuple(
        OpenReport(
            report_id=row[0],
            reporter_name=row[1],
            subject_name=row[2],
            about_message=row[3] is not None,
            created_at=row[4],
        )
        for row in report_rows
    )
    return NeedsAttention(
        quiet_pairs=quiet,
        quiet_pairs_total=int(quiet_total),
        expiring_requests=expiring,
        expiring_requests_total=int(expiring_total),
        open_reports=reports,
        open_reports_total=int(open_total),
    )
