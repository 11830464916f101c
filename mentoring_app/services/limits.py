"""Per-member limits on what one member can send, in one table, shared by every worker.

Each use of a limited action is a row in ``rate_events`` (limit name, digest of the subject's key,
time), counted over a sliding window. The database is the one store every worker shares, and the
row is written in the same transaction as the action it counts, so a refused or failed action uses
no slot and a slot is never taken by an action that did not happen. (Redis could hold the counts
too, but not inside the action's transaction, so the database is used with or without Redis.)

Atomicity: ``take`` inserts its row first, then counts the subject's rows in the window.
- PostgreSQL: a transaction-scoped advisory lock on (limit, key) is taken before the insert, so
  two workers using the same subject's last slot queue on the lock; under READ COMMITTED the second
  one's count, run after the first commits, sees the first one's row. Other subjects never wait.
- SQLite: the insert takes the database's single write lock, held until commit, and a writer
  always reads the newest committed data (WAL refuses a write from an older snapshot), so the
  count after the insert sees every committed use and no other use commits before ours.
A refused ``take`` deletes its own row; ``enforce`` also rolls the caller's transaction back.

Numbers can be changed without code through the ``RATE_LIMITS`` setting, for example
``RATE_LIMITS="report=10/1d,password_reset=5/1h"``.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, text
from sqlmodel import Session, select

from mentoring_app.models import RateEvent
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import ServiceError
from mentoring_app.settings import get_settings

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    """At most ``most`` uses per ``window``; ``message`` is what a refused member reads."""

    most: int
    window: timedelta
    message: str = ""


# Numbers a normal journey never reaches; only a member who sends in bulk meets them.
LIMITS: dict[str, Limit] = {
    # Messages to a member with no open request or live relationship with the sender, who has not
    # written to the sender either (questions to mentors included): per sender.
    "message_unconnected": Limit(
        10,
        HOUR,
        "You have sent {most} messages to members you are not connected with in the last {period}. "
        "You can send more in {wait}.",
    ),
    # Reports, per reporter (and at most one open report per reporter about one profile or message).
    "report": Limit(
        5,
        DAY,
        "You have sent {most} reports in the last {period}: an admin will look at them. "
        "You can send another in {wait}.",
    ),
    # Mentoring requests, per mentee; and per mentee and mentor, which bounds send-and-cancel cycles.
    "request": Limit(
        10,
        DAY,
        "You have sent {most} mentoring requests in the last {period}. You can send another in {wait}.",
    ),
    "request_same_mentor": Limit(
        3,
        DAY,
        "You have sent this mentor {most} requests in the last {period}. You can send another in {wait}.",
    ),
    # Forgot password, per email address (silent: the form says the same for every address).
    "password_reset": Limit(3, HOUR),
    # An admin's "Resend invitation", per invited member.
    "invitation_resend": Limit(
        3,
        DAY,
        "This member has been sent {most} invitations in the last {period}. You can send another in {wait}.",
    ),
    # One email per mentee and mentor a day about a new request, and one about a cancelled one:
    # repeats are told in the app only.
    "request_email": Limit(1, DAY),
    "cancel_email": Limit(1, DAY),
    # One email a day per mentee and mentor about edits to a waiting request (each edit is told in
    # the app, and the Requests page shows the latest text).
    "edit_email": Limit(1, DAY),
    # An admin's "Nudge this pair" (check-ins), per relationship: a double click sends once.
    "checkin_nudge": Limit(
        1,
        DAY,
        "This pair was already nudged in the last {period}. You can nudge them again in {wait}.",
    ),
}


class LimitReached(ServiceError):
    """A member reached one of the limits; the message says which and when they can go on."""

    def __init__(self, message: str, wait: timedelta) -> None:
        super().__init__(message)
        self.wait = wait


def _parse_window(raw: str) -> timedelta:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    raw = raw.strip().lower()
    if raw and raw[-1] in units:
        return timedelta(seconds=float(raw[:-1] or 1) * units[raw[-1]])
    return timedelta(seconds=float(raw))


@functools.cache
def _overrides(raw: str) -> dict[str, tuple[int, timedelta]]:
    """``name=most/window`` pairs, comma separated (window in seconds, or with s, m, h or d)."""
    found: dict[str, tuple[int, timedelta]] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, _, value = part.partition("=")
        most, _, window = value.partition("/")
        if name.strip() not in LIMITS:
            raise ValueError(f"RATE_LIMITS names an unknown limit: {name.strip()!r}")
        found[name.strip()] = (int(most), _parse_window(window or "1h"))
    return found


def limit(name: str) -> Limit:
    """The limit called ``name``, with any override from the settings."""
    base = LIMITS[name]
    override = _overrides(get_settings().rate_limits).get(name)
    return replace(base, most=override[0], window=override[1]) if override else base


def _duration(delta: timedelta) -> str:
    """'23 minutes', '1 minute', '5 hours', rounded up so the member never comes back too early."""
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    if minutes <= 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def _period(window: timedelta) -> str:
    for size, word in ((DAY, "day"), (HOUR, "hour"), (timedelta(minutes=1), "minute")):
        if window == size:
            return word
    return _duration(window)


def _digest(name: str, key: str) -> str:
    return hashlib.sha256(f"{name}|{key}".encode()).hexdigest()


def _lock(session: Session, digest: str) -> None:
    """PostgreSQL: serialise uses of one (limit, key) until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        lock_id = int.from_bytes(bytes.fromhex(digest[:16]), "big", signed=True)
        session.exec(text("SELECT pg_advisory_xact_lock(:id)").bindparams(id=lock_id))  # type: ignore[call-overload]


def take(session: Session, name: str, key: str, *, now: datetime | None = None) -> timedelta | None:
    """Use one slot of ``name`` for ``key``: None when it was free, else how long until one is.

    The slot is recorded in the caller's transaction (it counts once the caller commits); a refused
    use records nothing. Does not commit.
    """
    rule = limit(name)
    now = now or utcnow()
    digest = _digest(name, key)
    _lock(session, digest)
    event = RateEvent(limit_name=name, key_digest=digest, at=now)
    session.add(event)
    session.flush()
    earlier = session.exec(
        select(RateEvent.at)
        .where(
            RateEvent.limit_name == name,
            RateEvent.key_digest == digest,
            RateEvent.at > now - rule.window,
            RateEvent.id != event.id,
        )
        .order_by(RateEvent.at.desc())  # type: ignore[attr-defined]
        .limit(rule.most)
    ).all()
    if len(earlier) < rule.most:
        return None
    session.delete(event)
    session.flush()
    # A slot frees up when the oldest of the last `most` uses leaves the window.
    return max(earlier[-1] + rule.window - now, timedelta(seconds=1))


def enforce(session: Session, name: str, key: str, *, now: datetime | None = None) -> None:
    """Like ``take``, but a refusal rolls the caller's transaction back and raises LimitReached."""
    wait = take(session, name, key, now=now)
    if wait is None:
        return
    session.rollback()
    rule = limit(name)
    raise LimitReached(
        rule.message.format(most=rule.most, period=_period(rule.window), wait=_duration(wait)), wait
    )


def wait_text(wait: timedelta) -> str:
    """How long to wait, in the words the limit messages use ('23 minutes')."""
    return _duration(wait)


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Housekeeping: delete uses older than the longest window (they can no longer count)."""
    now = now or utcnow()
    longest = max(limit(name).window for name in LIMITS)
    result = session.exec(delete(RateEvent).where(RateEvent.at <= now - longest))  # type: ignore[call-overload]
    session.commit()
    return int(result.rowcount or 0)


def used(session: Session, name: str, key: str, *, now: datetime | None = None) -> int:
    """How many uses of ``name`` by ``key`` are in the window now (for tests and admins)."""
    now = now or utcnow()
    return int(
        session.exec(
            select(func.count())
            .select_from(RateEvent)
            .where(
                RateEvent.limit_name == name,
                RateEvent.key_digest == _digest(name, key),
                RateEvent.at > now - limit(name).window,
            )
        ).one()
    )
