"""Log-in throttling that slows a guesser without locking the owner out.

Failures are counted over a window in three scopes: the (account, address) pair, the account from
anywhere, and the address for any account. Each scope has free failures, then a delay that doubles
with every further failure (up to a cap), counted from that scope's latest failure. A guesser at
one address meets the pair's delay after a few tries, while the owner elsewhere is untouched until
the far higher per-account allowance is spent. A success clears the pair's failures.

Accounts are keyed by a digest of the case-folded email, never the email itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from mentoring_app.models import LoginAttempt
from mentoring_app.settings import get_settings


@dataclass(frozen=True)
class Keys:
    """Who is trying, as stored: digests of the case-folded email and of the address."""

    account: str
    address: str


def delay_after(failures: int, free: int) -> timedelta:
    """How long to wait after the latest failure, once ``failures`` have been counted."""
    settings = get_settings()
    extra = failures - free
    if extra <= 0:
        return timedelta(0)
    seconds = settings.login_first_delay_seconds * 2 ** min(extra - 1, 30)
    return timedelta(seconds=min(seconds, settings.login_max_delay_seconds))


def wait_seconds(session: Session, *, keys: Keys, now: datetime) -> int:
    """Seconds before another attempt is allowed (0: allowed now)."""
    settings = get_settings()
    since = now - timedelta(minutes=settings.login_window_minutes)
    scopes = (
        (
            (LoginAttempt.account_digest == keys.account) & (LoginAttempt.address_digest == keys.address),
            settings.login_free_failures_per_pair,
        ),
        (LoginAttempt.account_digest == keys.account, settings.login_free_failures_per_account),
        (LoginAttempt.address_digest == keys.address, settings.login_free_failures_per_address),
    )
    free_at = now
    for condition, free in scopes:
        count, latest = session.exec(
            select(func.count(), func.max(LoginAttempt.attempted_at)).where(
                condition,
                LoginAttempt.succeeded.is_(False),  # type: ignore[attr-defined]
                LoginAttempt.attempted_at >= since,
            )
        ).one()
        if latest is not None and count > free:
            free_at = max(free_at, _aware(latest, now) + delay_after(count, free))
    return max(0, math.ceil((free_at - now).total_seconds()))


def record(session: Session, *, keys: Keys, succeeded: bool, now: datetime) -> None:
    """Count a failure, or clear the pair's failures on a success. Does not commit."""
    if succeeded:
        session.exec(
            delete(LoginAttempt).where(  # type: ignore[call-overload]
                LoginAttempt.account_digest == keys.account, LoginAttempt.address_digest == keys.address
            )
        )
    else:
        session.add(
            LoginAttempt(
                account_digest=keys.account, address_digest=keys.address, attempted_at=now, succeeded=False
            )
        )


def describe_wait(seconds: int) -> str:
    """A wait in the words a person reads: seconds under two minutes, minutes above."""
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def _aware(moment: datetime, like: datetime) -> datetime:
    """max() over a UTC column comes back naive on SQLite: give it the zone of ``like``."""
    return moment.replace(tzinfo=like.tzinfo) if moment.tzinfo is None and like.tzinfo else moment
