"""Times for people: stored in UTC, shown in the member's own time zone.

The browser reports its IANA time zone (a cookie set by a tiny script in every page's head, see
``mentoring_app.mentoring_app``); anything unknown falls back to UTC rather than failing.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DAY = "%d %b %Y"
MOMENT = "%d %b %Y, %H:%M"
SHORT = "%d %b, %H:%M"


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


@functools.lru_cache(maxsize=256)
def zone(name: str | None) -> ZoneInfo:
    """The named zone if it is a real IANA zone, else UTC."""
    if name and name in _known():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


def zone_name(name: str | None) -> str:
    return zone(name).key


def local(moment: datetime, tz: str | None) -> datetime:
    """``moment`` (UTC, or naive meaning UTC) in the zone ``tz``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(tz))


def show(moment: datetime | None, tz: str | None, fmt: str = MOMENT, empty: str = "") -> str:
    """A time as a member reads it, in their zone (``empty`` when there is none)."""
    return local(moment, tz).strftime(fmt) if moment else empty


def to_utc(day: date, at: time, tz: str | None) -> datetime:
    """A wall-clock date and time the member typed, in their zone, as a UTC datetime."""
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def ago(moment: datetime | None, now: datetime) -> str:
    """How long ago, in words a person uses: "today", "yesterday", "3 days ago", "2 months ago"."""
    if moment is None:
        return "never"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    days = (now - moment).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"{days // 30} months ago"
    return "over a year ago"


def within(hours: float) -> str:
    """A typical wait, rounded up the way people say it: "within a few hours", "within 3 days"."""
    if hours < 6:
        return "within a few hours"
    if hours <= 24:
        return "within a day"
    days = -(-hours // 24)
    return f"within {int(days)} days"


def length(minutes: float | None) -> str:
    """A length of time as people read it: "45 min", "1 h", "1 h 30 min" (never "0.8 hours").

    The one format for meeting lengths and totals of time (dashboard, meetings, CPD record, admin
    figures); rounded to the nearest minute, nothing below zero."""
    total = max(0, round(minutes or 0))
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
