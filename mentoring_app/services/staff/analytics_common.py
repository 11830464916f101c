"""What the admin dashboard's figures are made of: the views the services return (charts,
the funnel, headline numbers, the attention lists), calendar months, and the SQL helpers the
monthly charts share. See services/staff/analytics for the whole picture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import String, and_, case, func, literal, select, union_all
from sqlalchemy.sql import ColumnElement, Subquery

from mentoring_app.models.relationships import ACCEPTED, ENDED, WITHDRAWN
from mentoring_app.models.types import UTCDateTime
from mentoring_app.services.errors import ValidationFailed

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


def month_key(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def first_of_month(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=UTC)


def next_month(moment: datetime) -> datetime:
    return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)


def months_between(start: date, end: date) -> list[Month]:
    """The calendar months from ``start``'s month to ``end``'s month, both included."""
    if end < start:
        raise ValidationFailed({"range": "The end of the range is before its start."})
    months: list[Month] = []
    current, last = first_of_month(start), first_of_month(end)
    while current <= last:
        following = next_month(current)
        months.append(Month(key=month_key(current), start=current, end=following))
        current = following
        if len(months) > MAX_MONTHS:
            raise ValidationFailed({"range": f"Choose at most {MAX_MONTHS} months."})
    return months


def months_table(months: Sequence[Month]) -> Subquery:
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


def in_month(moment: ColumnElement, months: Subquery) -> ColumnElement[bool]:
    return and_(moment >= months.c.lo, moment < months.c.hi)


def zero_filled(
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


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
