"""The Outcomes page's figures: did mentoring work? Admins only.

Over the relationships that finished (ended or withdrawn) in a range of months: satisfaction,
the net promoter score for mentors (from mentees' answers) and for mentees (from mentors'),
the goals-achieved rate, and relationship length; over the relationships accepted in the range,
the time from acceptance to the first meeting; and the check-in scores per month.

Every figure is aggregated by the database (a handful of numbers per query), using indexes:
relationships by (status, ended_at) or (status, decided_at), then the survey rows by their
relationship (a covering index), meetings by (status, relationship_id, held_on), check-ins by
(created_at, answer). Medians are the middle one or two values numbered by a window function, in the same
statement as the buckets, on both databases.

NPS = % promoters (9-10) minus % detractors (0-6) of the answers, from -100 to 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, and_, cast, func, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from mentoring_app.models import Checkin, Meeting, Relationship, User
from mentoring_app.models.journeys import HELD
from mentoring_app.models.outcomes import GOALS_FULLY, GOALS_NOT, GOALS_PARTLY, OutcomeSurvey
from mentoring_app.models.relationships import ENDED, WITHDRAWN
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.analytics_common import (
    STARTED,
    MonthlyChart,
    Series,
    count_if,
    in_month,
    months_between,
    months_table,
)

MENTEE, MENTOR = "mentee", "mentor"
FINISHED = (ENDED, WITHDRAWN)
# (label, lowest day, highest day; None: no bound): the buckets of the two duration charts.
FIRST_MEETING_BUCKETS = (
    ("Within a week", None, 7),
    ("8 to 14 days", 8, 14),
    ("15 to 30 days", 15, 30),
    ("31 to 60 days", 31, 60),
    ("Over 60 days", 61, None),
)
LENGTH_BUCKETS = (
    ("Under 1 month", 0, 29),
    ("1 to 3 months", 30, 91),
    ("3 to 6 months", 92, 182),
    ("6 to 12 months", 183, 365),
    ("Over a year", 366, None),
)


@dataclass(frozen=True)
class RoleOutcome:
    """The survey answers of one side: mentees (about their mentors) or mentors (about their mentees)."""

    role: str
    answered: int
    skipped: int
    satisfaction: tuple[int, ...]  # how many answered 1, 2, 3, 4, 5
    promoters: int  # recommend 9-10
    passives: int  # 7-8
    detractors: int  # 0-6
    goals_fully: int
    goals_partly: int
    goals_not: int

    @property
    def satisfaction_average(self) -> float | None:
        total = sum(self.satisfaction)
        return sum(n * c for n, c in enumerate(self.satisfaction, start=1)) / total if total else None

    @property
    def nps(self) -> float | None:
        """Net promoter score, -100..100 (None without answers)."""
        if not self.answered:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.answered

    @property
    def goals_rate(self) -> float | None:
        """Share (0..1) answering that they achieved their goals fully."""
        return self.goals_fully / self.answered if self.answered else None

    @property
    def goals_at_least_partly(self) -> float | None:
        return (self.goals_fully + self.goals_partly) / self.answered if self.answered else None


@dataclass(frozen=True)
class SurveyOutcomes:
    """Relationships finished in the range and both sides' answers about them."""

    finished: int
    mentees: RoleOutcome  # answers by mentees: their mentors' NPS
    mentors: RoleOutcome  # answers by mentors: their mentees' NPS


@dataclass(frozen=True)
class Durations:
    """A duration in days over some relationships: its median and how many fall in each bucket."""

    median_days: float | None
    counted: int
    buckets: tuple[tuple[str, int], ...]
    without: int = 0  # relationships with no such moment yet (no meeting logged)


def span_of(start: date, end: date) -> tuple[datetime, datetime]:
    """The range's first instant and the instant after it (months inclusive, UTC)."""
    months = months_between(start, end)
    return months[0].start, months[-1].end


def finished_in(lo: datetime, hi: datetime) -> ColumnElement[bool]:
    return and_(
        Relationship.status.in_(FINISHED),  # type: ignore[attr-defined]
        Relationship.ended_at >= lo,  # type: ignore[operator]
        Relationship.ended_at < hi,  # type: ignore[operator]
    )


def survey_outcomes(session: Session, *, actor: User | None, start: date, end: date) -> SurveyOutcomes:
    """Satisfaction, NPS and goals of both sides, over the relationships finished in the range:
    one aggregate over the survey rows of those relationships, grouped by the answering role."""
    require_admin(actor)
    lo, hi = span_of(start, end)
    s = OutcomeSurvey
    # An answer has every score (the service requires them): answered rows are those with a
    # satisfaction, the rest were skipped. So the covering index answers it all.
    rows = session.execute(
        select(
            s.role,
            func.count(s.satisfaction),
            count_if(s.satisfaction.is_(None)),  # type: ignore[union-attr]
            *(count_if(s.satisfaction == n) for n in range(1, 6)),
            count_if(s.recommend >= 9),  # type: ignore[operator]
            count_if(and_(s.recommend >= 7, s.recommend <= 8)),  # type: ignore[operator]
            count_if(s.recommend <= 6),  # type: ignore[operator]
            count_if(s.goals == GOALS_FULLY),
            count_if(s.goals == GOALS_PARTLY),
            count_if(s.goals == GOALS_NOT),
        )
        .select_from(Relationship)
        .join(s, s.relationship_id == Relationship.id)  # type: ignore[arg-type]
        .where(finished_in(lo, hi))
        .group_by(s.role)
    ).all()
    finished = int(
        session.execute(select(func.count(Relationship.id)).where(finished_in(lo, hi))).scalar_one()
    )
    by_role = {row[0]: [int(v or 0) for v in row[1:]] for row in rows}

    def side(role: str) -> RoleOutcome:
        v = by_role.get(role) or [0] * 13
        return RoleOutcome(role, v[0], v[1], tuple(v[2:7]), v[7], v[8], v[9], v[10], v[11], v[12])

    return SurveyOutcomes(finished=finished, mentees=side(MENTEE), mentors=side(MENTOR))


def _within(days: ColumnElement, lo: int | None, hi: int | None) -> ColumnElement[bool]:
    if lo is None:
        return days <= hi
    return days >= lo if hi is None else and_(days >= lo, days <= hi)


def _bucketed(session: Session, values: Select, buckets: tuple) -> Durations:
    """Count the days ``values`` selects into ``buckets`` and take their median, in one statement;
    NULL days (no meeting yet) are counted apart. The days are computed once, into a materialized
    CTE (a plain subquery would be inlined and compute them again for every bucket); the median is
    the average of the middle one or two of them, numbered by a window function."""
    durations = values.cte("durations").prefix_with("MATERIALIZED")
    days = durations.c[0]
    ranked = (
        select(
            days.label("days"),
            func.row_number().over(order_by=days).label("n"),
            func.count().over().label("total"),
        )
        .where(days.is_not(None))
        .subquery()
    )
    median = (
        select(func.avg(ranked.c.days))
        .where(ranked.c.n.in_(((ranked.c.total + 1) // 2, (ranked.c.total + 2) // 2)))
        .scalar_subquery()
    )
    figures = session.execute(
        select(
            func.count(),
            func.count(days),
            median,
            *(count_if(_within(days, lo, hi)) for _, lo, hi in buckets),
        ).select_from(durations)
    ).one()
    total, counted, middle = int(figures[0] or 0), int(figures[1] or 0), figures[2]
    return Durations(
        median_days=None if middle is None or not counted else round(float(middle), 1),
        counted=counted,
        buckets=tuple((label, int(n or 0)) for (label, _, _), n in zip(buckets, figures[3:], strict=True)),
        without=total - counted,
    )


def _days(session: Session, later: ColumnElement, earlier: ColumnElement) -> ColumnElement[float]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _day_of(session: Session, moment: ColumnElement) -> ColumnElement:
    """The UTC calendar day of a stored timestamp."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", moment), Date)
    return func.date(moment)


def relationship_length(session: Session, *, actor: User | None, start: date, end: date) -> Durations:
    """Days from acceptance to the end, of the relationships finished (ended or withdrawn) in the range."""
    require_admin(actor)
    lo, hi = span_of(start, end)
    days = _days(session, Relationship.ended_at, Relationship.decided_at)  # type: ignore[arg-type]
    values = select(days.label("days")).where(finished_in(lo, hi), Relationship.decided_at.is_not(None))  # type: ignore[union-attr]
    return _bucketed(session, values, LENGTH_BUCKETS)


def time_to_first_meeting(session: Session, *, actor: User | None, start: date, end: date) -> Durations:
    """Days from acceptance to the first meeting held, of the relationships accepted in the range
    (``without``: those with no meeting logged yet). Each relationship's first meeting is one seek
    of the index (status, relationship_id, held_on)."""
    require_admin(actor)
    lo, hi = span_of(start, end)
    first_on = (
        select(func.min(Meeting.held_on))
        .where(Meeting.status == HELD, Meeting.relationship_id == Relationship.id)
        .correlate(Relationship)
        .scalar_subquery()
    )
    accepted = and_(
        Relationship.status.in_(STARTED),  # type: ignore[attr-defined]
        Relationship.decided_at >= lo,  # type: ignore[operator]
        Relationship.decided_at < hi,  # type: ignore[operator]
    )
    if session.get_bind().dialect.name == "postgresql":
        raw = first_on - _day_of(session, Relationship.decided_at)  # type: ignore[arg-type]
    else:
        raw = func.julianday(first_on) - func.julianday(_day_of(session, Relationship.decided_at))  # type: ignore[arg-type]
    values = select(raw.label("days")).where(accepted)
    return _bucketed(session, values, FIRST_MEETING_BUCKETS)


@dataclass(frozen=True)
class CheckinScores:
    """Answered check-ins per month (by the month they were asked) and their average score."""

    months: tuple[str, ...]
    answered: tuple[int, ...]
    averages: tuple[float | None, ...]

    def chart(self) -> MonthlyChart:
        return MonthlyChart(self.months, (Series("answered", "Check-ins answered", self.answered),))


def checkin_scores(session: Session, *, actor: User | None, start: date, end: date) -> CheckinScores:
    """The average check-in answer (1-5) per month, over the check-ins asked that month."""
    require_admin(actor)
    months = months_between(start, end)
    m = months_table(months)
    rows = session.execute(
        select(m.c.month, func.count(Checkin.answer), func.avg(Checkin.answer))
        .select_from(m)
        .join(Checkin, and_(in_month(Checkin.created_at, m), Checkin.answer.is_not(None)))  # type: ignore[arg-type, union-attr]
        .group_by(m.c.month)
    ).all()
    found = {month: (int(n), float(avg) if avg is not None else None) for month, n, avg in rows}
    return CheckinScores(
        months=tuple(x.key for x in months),
        answered=tuple(found.get(x.key, (0, None))[0] for x in months),
        averages=tuple(
            round(found[x.key][1], 2) if x.key in found and found[x.key][1] is not None else None  # type: ignore[arg-type]
            for x in months
        ),
    )
