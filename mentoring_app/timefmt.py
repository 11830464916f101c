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
