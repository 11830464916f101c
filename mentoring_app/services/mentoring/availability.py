"""A mentor's availability (weekly hours in their own time zone, dates away, meeting length and a
video-call link) and the free slots worked out from it.

Hours are kept as wall-clock times in the mentor's zone, so "Monday 09:00-10:00 in London" stays
09:00 in London across daylight saving (08:00 UTC in summer, 09:00 UTC in winter). Slots are
computed only when a member opens the booking picker, never on a dashboard load; they are stored
(when booked) in UTC and shown in the viewer's own zone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_
from sqlmodel import Session, select

from mentoring_app import timefmt
from mentoring_app.models import AwayPeriod, Meeting, MentorAvailability, Relationship, User
from mentoring_app.models.journeys import PLANNED
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotAllowed, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import active

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_FIELDS = tuple(f"day_{n}" for n in range(7))  # the form's field per weekday
WINDOW_DAYS = 21  # slots offered: the next three weeks
NOTICE = timedelta(hours=12)  # no slot sooner than this: the mentor needs notice
MIN_LENGTH, MAX_LENGTH = 15, 180
MAX_RANGES_PER_DAY, MAX_AWAY = 6, 30
MAX_LINK = 500
MENTORS_ONLY = "Only mentors set availability for meetings."
_DASH = "-|\u2013|to"  # a hyphen, an en dash or "to"
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*(?:" + _DASH + r")\s*(\d{1,2}):(\d{2})$")
_AWAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:" + _DASH + r")\s*(\d{4}-\d{2}-\d{2}))?$")

Ranges = tuple[tuple[int, int], ...]  # (from, to) in minutes after midnight
Weekly = dict[int, Ranges]  # weekday (0 Monday) -> ranges


@dataclass(frozen=True)
class AvailabilityForm:
    """What the mentor's form shows: each field as text, as they would type it."""

    time_zone: str
    days: tuple[str, ...]  # "09:00-12:00, 14:00-17:00" per weekday, Monday first
    meeting_minutes: str
    video_link: str
    away: str  # one period per line: "2027-01-04" or "2027-01-04 to 2027-01-08"
    is_set: bool


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    minutes: int


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def ranges_text(ranges: Ranges) -> str:
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in ranges)


def parse_ranges(text: str) -> Ranges:
    """ "09:00-12:00, 14:00-17:30" as minutes, sorted; ValueError with the reason if it is not."""
    found: list[tuple[int, int]] = []
    for part in (p.strip() for p in re.split(r"[,;]", text) if p.strip()):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(f'Write each time range like 09:00-12:00 ("{part[:40]}" is not).')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(f"{part} is not a time of day.")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise ValueError(f"{part}: the end must be after the start (on the same day).")
        found.append((start, end))
    found.sort()
    if len(found) > MAX_RANGES_PER_DAY:
        raise ValueError(f"Give at most {MAX_RANGES_PER_DAY} ranges a day.")
    for (_, end), (start, _) in itertools.pairwise(found):
        if start < end:
            raise ValueError("These ranges overlap: give each time once.")
    return tuple(found)


def encode_weekly(weekly: Weekly) -> str:
    return ";".join(
        f"{day} " + " ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in ranges)
        for day, ranges in sorted(weekly.items())
        if ranges
    )


def decode_weekly(text: str) -> Weekly:
    weekly: Weekly = {}
    for chunk in (c for c in text.split(";") if c.strip()):
        day, _, rest = chunk.strip().partition(" ")
        weekly[int(day)] = parse_ranges(rest.replace(" ", ","))
    return weekly


def parse_away(text: str, today: date) -> list[tuple[date, date]]:
    """One period per line ("2027-01-04" or "2027-01-04 to 2027-01-08"); ValueError if not."""
    periods: list[tuple[date, date]] = []
    for line in (ln.strip() for ln in text.splitlines() if ln.strip()):
        match = _AWAY.match(line)
        try:
            if not match:
                raise ValueError
            first = date.fromisoformat(match.group(1))
            last = date.fromisoformat(match.group(2)) if match.group(2) else first
        except ValueError:
            raise ValueError(
                "Write each date as 2027-01-04, or a period as 2027-01-04 to 2027-01-08 "
                f'("{line[:40]}" is not).'
            ) from None
        if last < first:
            raise ValueError(f"{line}: the last day comes before the first.")
        if last >= today:  # periods already over are dropped
            periods.append((first, last))
    if len(periods) > MAX_AWAY:
        raise ValueError(f"Give at most {MAX_AWAY} periods away.")
    return periods


def check_video_link(link: str) -> str:
    """An https address, or ""; ValueError with the reason otherwise."""
    link = link.strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in link):
        raise ValueError("Give the full video-call address, starting with https:// (or leave it empty).")
    if len(link) > MAX_LINK:
        raise ValueError(f"Use at most {MAX_LINK} characters.")
    return link


def _mentor(session: Session, actor: User | None) -> User:
    member = active(actor)
    if not member.is_mentor:
        raise NotAllowed(MENTORS_ONLY)
    return member


def my_availability(session: Session, *, actor: User | None, time_zone: str = "") -> AvailabilityForm:
    """The mentor's availability as their form shows it (a new mentor's form starts in
    ``time_zone``, the zone their browser reports, with 60-minute meetings)."""
    mentor = _mentor(session, actor)
    row = session.get(MentorAvailability, mentor.id)
    away = session.exec(
        select(AwayPeriod).where(AwayPeriod.mentor_id == mentor.id).order_by(AwayPeriod.first_day)  # type: ignore[arg-type]
    ).all()
    weekly = decode_weekly(row.weekly) if row else {}
    return AvailabilityForm(
        time_zone=row.time_zone if row else timefmt.zone_name(time_zone),
        days=tuple(ranges_text(weekly.get(n, ())) for n in range(7)),
        meeting_minutes=str(row.meeting_minutes if row else 60),
        video_link=row.video_link if row else "",
        away="\n".join(
            f"{a.first_day}" if a.first_day == a.last_day else f"{a.first_day} to {a.last_day}" for a in away
        ),
        is_set=row is not None,
    )


def save_availability(
    session: Session,
    *,
    actor: User | None,
    time_zone: str,
    days: Sequence[str],
    meeting_minutes: str,
    video_link: str,
    away: str,
    now: datetime | None = None,
) -> AvailabilityForm:
    """Check and store the mentor's availability; every field in error is named (the form keeps
    what was typed). Meetings already booked stay as they are."""
    mentor = _mentor(session, actor)
    now = now or utcnow()
    errors: dict[str, str] = {}
    zone = time_zone.strip()
    if timefmt.zone_name(zone) != zone:
        errors["time_zone"] = "Choose a time zone from the list, for example Europe/London."
    weekly: Weekly = {}
    for n, text in enumerate(list(days)[:7]):
        try:
            weekly[n] = parse_ranges(text)
        except ValueError as reason:
            errors[DAY_FIELDS[n]] = str(reason)
    raw = meeting_minutes.strip()
    minutes = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 5 else 0
    if not MIN_LENGTH <= minutes <= MAX_LENGTH:
        errors["meeting_minutes"] = f"Give a length between {MIN_LENGTH} and {MAX_LENGTH} minutes."
    try:
        link = check_video_link(video_link)
    except ValueError as reason:
        errors["video_link"], link = str(reason), ""
    try:
        periods = parse_away(away, timefmt.local(now, zone).date())
    except ValueError as reason:
        errors["away"], periods = str(reason), []
    if errors:
        raise ValidationFailed(errors)
    row = session.get(MentorAvailability, mentor.id) or MentorAvailability(mentor_id=mentor.id)  # type: ignore[arg-type]
    row.time_zone, row.weekly, row.meeting_minutes = zone, encode_weekly(weekly), minutes
    row.video_link, row.updated_at = link, now
    session.add(row)
    session.exec(delete(AwayPeriod).where(AwayPeriod.mentor_id == mentor.id))  # type: ignore[call-overload, arg-type]
    for first, last in periods:
        session.add(AwayPeriod(mentor_id=mentor.id, first_day=first, last_day=last))  # type: ignore[arg-type]
    session.commit()
    return my_availability(session, actor=mentor)


def _local_start(day: date, minute: int, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of ``minute`` after midnight on ``day`` in ``tz``; None for a wall-clock
    time that does not exist that day (the hour skipped when the clocks go forward)."""
    at = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
    instant = at.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != at.replace(tzinfo=None):
        return None
    return instant


def generate_slots(
    *,
    weekly: Weekly,
    time_zone: str,
    minutes: int,
    away: Iterable[tuple[date, date]],
    busy: Iterable[tuple[datetime, int]],
    now: datetime,
    days: int = WINDOW_DAYS,
    notice: timedelta = NOTICE,
) -> list[Slot]:
    """Free slots of ``minutes`` from the weekly hours (wall-clock in ``time_zone``), from ``now``
    plus the notice for ``days`` days: none on a day away (the mentor's calendar), none that
    overlaps a ``busy`` (start UTC, minutes) meeting, none in the past. Soonest first."""
    tz = timefmt.zone(time_zone)
    away = list(away)
    busy_spans = [(start, start + timedelta(minutes=length)) for start, length in busy]
    earliest, today = now + notice, timefmt.local(now, time_zone).date()
    found: list[Slot] = []
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        if any(first <= day <= last for first, last in away):
            continue
        for start_minute, end_minute in weekly.get(day.weekday(), ()):
            minute = start_minute
            while minute + minutes <= end_minute:
                starts = _local_start(day, minute, tz)
                minute += minutes
                if starts is None or starts < earliest or starts > now + timedelta(days=days):
                    continue
                ends = starts + timedelta(minutes=minutes)
                if any(b_start < ends and starts < b_end for b_start, b_end in busy_spans):
                    continue
                found.append(Slot(starts_at=starts, minutes=minutes))
    found.sort(key=lambda s: s.starts_at)
    return found


def mentor_busy(
    session: Session, mentor_id: int, start: datetime, end: datetime, *, leave_out: int | None = None
) -> list[tuple[datetime, int]]:
    """Planned meetings of the mentor in any of their relationships (as mentor or mentee) that
    start between ``start`` - 1 day and ``end``: (start UTC, minutes). ``leave_out``: a meeting
    being moved, which does not block its own new time."""
    query = (
        select(Meeting.starts_at, Meeting.duration_minutes)
        .join(Relationship, Relationship.id == Meeting.relationship_id)  # type: ignore[arg-type]
        .where(
            or_(Relationship.mentor_id == mentor_id, Relationship.mentee_id == mentor_id),  # type: ignore[arg-type]
            Meeting.status == PLANNED,
            Meeting.starts_at >= start - timedelta(days=1),  # type: ignore[operator]
            Meeting.starts_at <= end,  # type: ignore[operator]
        )
    )
    if leave_out is not None:
        query = query.where(Meeting.id != leave_out)
    return [(s, m) for s, m in session.exec(query).all() if s is not None]


def mentor_slots(
    session: Session, mentor_id: int, *, now: datetime, leave_out: int | None = None
) -> tuple[MentorAvailability | None, list[Slot]]:
    """The mentor's availability row and their free slots now (none if they set no hours)."""
    row = session.get(MentorAvailability, mentor_id)
    if row is None or not row.weekly:
        return row, []
    away = session.exec(
        select(AwayPeriod.first_day, AwayPeriod.last_day).where(AwayPeriod.mentor_id == mentor_id)
    ).all()
    busy = mentor_busy(session, mentor_id, now, now + timedelta(days=WINDOW_DAYS + 1), leave_out=leave_out)
    return row, generate_slots(
        weekly=decode_weekly(row.weekly),
        time_zone=row.time_zone,
        minutes=row.meeting_minutes,
        away=list(away),  # type: ignore[arg-type]
        busy=busy,
        now=now,
    )
