"""Issue 11, items 3 and 5 (and log-in attempts kept as digests, item 9), at the service level.

Item 3: every log-in answer costs exactly one bcrypt check, counted, not timed.
Item 5: throttles slow a guesser without locking the owner out, and the client address comes from
X-Forwarded-For only through a trusted proxy.
"""

from __future__ import annotations

from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from mentoring_app.client_address import client_address
from mentoring_app.models import LoginAttempt, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth, login_throttle
from mentoring_app.settings import get_settings

PASSWORD = "violet-harbour-lantern-42"
OWNER = "owner@example.org"


@pytest.fixture
def owner(db: Session) -> User:
    return auth.register(db, name="Olive Owner", email=OWNER, password=PASSWORD, role="mentee")


@pytest.fixture
def checkpw_calls(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every bcrypt.checkpw call, by the password bytes it checked (the real check still runs)."""
    calls: list[bytes] = []
    real = bcrypt.checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        calls.append(password)
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting)
    return calls


def _attempt(db: Session, *, email: str, password: str, address: str = "198.51.100.7", now=None) -> str:
    try:
        auth.authenticate(db, email=email, password=password, address=address, now=now)
    except auth.LoginThrottled:
        return "throttled"
    except auth.LoginUnconfirmed:
        return "unconfirmed"
    except auth.LoginRefused as refusal:
        return "deactivated" if "deactivated" in refusal.message else "refused"
    return "ok"


# Item 3: the same work on every path.


def _deactivated(db: Session, owner: User) -> None:
    owner.is_active = False
    db.add(owner)
    db.commit()


def _unconfirmed(db: Session, owner: User) -> None:
    owner.email_verified_at = None
    db.add(owner)
    db.commit()


def _invited(db: Session, owner: User) -> None:
    owner.password_hash = auth.UNUSABLE_PASSWORD
    db.add(owner)
    db.commit()


@pytest.mark.parametrize(
    ("prepare", "email", "password", "expected"),
    [
        (None, OWNER, PASSWORD, "ok"),
        (None, "nobody@example.org", PASSWORD, "refused"),
        (None, OWNER, "not-the-password-1", "refused"),
        (None, OWNER, "x" * 100, "refused"),  # over 72 bytes
        (None, "nobody@example.org", "é" * 60, "refused"),  # over 72 bytes, unknown email
        (_deactivated, OWNER, PASSWORD, "deactivated"),
        (_unconfirmed, OWNER, PASSWORD, "unconfirmed"),
        (_invited, OWNER, "", "refused"),  # no password chosen yet
    ],
    ids=[
        "right",
        "unknown",
        "wrong",
        "over-long",
        "over-long-unknown",
        "deactivated",
        "unconfirmed",
        "invited",
    ],
)
def test_every_log_in_path_costs_one_bcrypt_check(
    db: Session, owner: User, checkpw_calls: list[bytes], prepare, email: str, password: str, expected: str
) -> None:
    if prepare:
        prepare(db, owner)
    checkpw_calls.clear()
    assert _attempt(db, email=email, password=password) == expected
    assert len(checkpw_calls) == 1
    assert all(len(checked) <= 72 for checked in checkpw_calls)


def test_throttled_attempt_costs_one_bcrypt_check(
    db: Session, owner: User, checkpw_calls: list[bytes]
) -> None:
    now = utcnow()
    for _ in range(get_settings().login_free_failures_per_pair + 1):
        assert _attempt(db, email=OWNER, password="not-the-password-1", now=now) == "refused"
    checkpw_calls.clear()
    assert _attempt(db, email=OWNER, password=PASSWORD, now=now) == "throttled"
    assert len(checkpw_calls) == 1


def test_over_long_password_never_matches_its_first_72_bytes(db: Session) -> None:
    prefix = "x7-Qz" * 14 + "ab"  # exactly 72 bytes, a valid password
    auth.register(db, name="Pat Prefix", email="prefix@example.org", password=prefix, role="mentee")
    assert _attempt(db, email="prefix@example.org", password=prefix + "tail") == "refused"
    assert _attempt(db, email="prefix@example.org", password=prefix) == "ok"


# Item 5: a guesser is slowed, the owner is not locked out.


def test_guesser_slowed_while_owner_elsewhere_logs_in(db: Session, owner: User) -> None:
    now = utcnow()
    guesser = "203.0.113.66"
    for _ in range(20):  # twice the old per-account wall
        _attempt(db, email=OWNER, password="guess-guess-guess", address=guesser, now=now)
    assert _attempt(db, email=OWNER, password="guess-guess-guess", address=guesser, now=now) == "throttled"
    assert _attempt(db, email=OWNER, password=PASSWORD, address="192.0.2.10", now=now) == "ok"


def test_delays_grow_with_each_failure_and_success_clears_the_pair(db: Session, owner: User) -> None:
    address = "203.0.113.5"
    keys = login_throttle.Keys(account=auth.account_digest(OWNER), address=auth.digest(address))
    now = utcnow()
    free = get_settings().login_free_failures_per_pair
    waits: list[int] = []
    for _ in range(free + 5):
        wait = login_throttle.wait_seconds(db, keys=keys, now=now)
        now += timedelta(seconds=wait)  # the guesser waits exactly as long as told, then tries
        assert _attempt(db, email=OWNER, password="guess-guess-guess", address=address, now=now) == "refused"
        waits.append(login_throttle.wait_seconds(db, keys=keys, now=now))
    assert waits[:free] == [0] * free
    growing = waits[free:]
    assert growing == sorted(growing) and len(set(growing)) == len(growing) and growing[0] > 0, waits
    assert growing[-1] == 2 * growing[-2]
    # A wait is a wait, not a wall: once it has passed, the owner's right password works here too.
    now += timedelta(seconds=waits[-1])
    assert _attempt(db, email=OWNER, password=PASSWORD, address=address, now=now) == "ok"
    assert login_throttle.wait_seconds(db, keys=keys, now=now) == 0
    assert _attempt(db, email=OWNER, password="one-typo-here", address=address, now=now) == "refused"
    assert login_throttle.wait_seconds(db, keys=keys, now=now) == 0


def test_delay_is_capped() -> None:
    settings = get_settings()
    assert login_throttle.delay_after(1000, 5) == timedelta(seconds=settings.login_max_delay_seconds)


def test_forwarded_for_ignored_from_untrusted_peer() -> None:
    assert client_address("203.0.113.9", "1.2.3.4", ()) == "203.0.113.9"
    assert client_address("203.0.113.9", "1.2.3.4", ("10.0.0.0/8",)) == "203.0.113.9"


def test_forwarded_for_honoured_from_trusted_proxy_right_most_untrusted() -> None:
    proxies = ("10.0.0.0/8", "192.0.2.1")
    # The client forged "6.6.6.6"; our outer proxy saw 198.51.100.20, our inner proxy 10.1.2.3.
    assert client_address("10.0.0.5", "6.6.6.6, 198.51.100.20, 10.1.2.3", proxies) == "198.51.100.20"
    assert client_address("192.0.2.1", "198.51.100.21", proxies) == "198.51.100.21"
    assert client_address("::ffff:10.0.0.5", "198.51.100.22", proxies) == "198.51.100.22"
    assert client_address("10.0.0.5", "", proxies) == "10.0.0.5"


def test_forged_forwarded_for_cannot_dodge_the_throttle(db: Session, owner: User) -> None:
    now = utcnow()
    outcomes = []
    for i in range(10):
        address = client_address("203.0.113.77", f"10.9.{i}.1", get_settings().trusted_proxies)
        outcomes.append(_attempt(db, email=OWNER, password="guess-guess-guess", address=address, now=now))
    assert outcomes[-1] == "throttled"


# Item 9 (this part): no email in clear in login_attempts.


def test_log_in_attempts_keep_no_email_in_clear(db: Session, owner: User) -> None:
    for email in (OWNER.upper(), "stranger@example.org"):
        _attempt(db, email=email, password="guess-guess-guess")
    rows = db.exec(select(LoginAttempt)).all()
    assert {row.account_digest for row in rows} == {
        auth.account_digest(OWNER),
        auth.account_digest("stranger@example.org"),
    }
    assert auth.account_digest(" Owner@Example.ORG ") == auth.account_digest(OWNER)
    columns = [c["name"] for c in inspect(db.get_bind()).get_columns("login_attempts")]
    for column in columns:
        values = db.execute(text(f'SELECT "{column}" FROM login_attempts')).scalars().all()
        assert not any("@" in str(value) for value in values), column
