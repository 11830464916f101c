"""Accounts and log-in sessions: register, log in (throttled), sessions, password reset.

Session and reset keys are random (``secrets.token_urlsafe(32)``); only their SHA-256 digests are
stored, so a copy of the database does not let anyone log in. Each public function commits its own
transaction, because a refused log-in must still be recorded for throttling.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app.models import LoginAttempt, LoginSession, PasswordReset, SessionHandoff, User
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits, mail
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.passwords import (
    burn_verification_time,
    hash_password,
    password_problem,
    verify_password,
)
from mentoring_app.settings import get_settings

ROLES: dict[str, tuple[bool, bool]] = {
    "mentor": (True, False),
    "mentee": (False, True),
    "both": (True, True),
}
MAX_NAME = 100
BAD_CREDENTIALS = "That email and password do not match an account."
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class LoginRefused(ServiceError):
    """Wrong email or password (one message for both), or a deactivated account."""


class LoginThrottled(ServiceError):
    """Too many recent failures for this account or this address."""


def digest(value: str) -> str:
    """SHA-256 hex digest: how keys and addresses are stored."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def email_key(email: str) -> str:
    """The form of an email used for uniqueness and look-up: trimmed and case-folded."""
    return email.strip().casefold()


def clean_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ValueError("Enter your name.")
    if len(name) > MAX_NAME:
        raise ValueError(f"Use at most {MAX_NAME} characters.")
    return name


def register(
    session: Session, *, name: str, email: str, password: str, role: str, now: datetime | None = None
) -> User:
    """Create a member account (and queue a welcome email), or say what is wrong per field."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    name_ok = email_ok = ""
    try:
        name_ok = clean_name(name)
    except ValueError as error:
        errors["name"] = str(error)
    try:
        email_ok = clean_email(email)
    except ValueError as error:
        errors["email"] = str(error) if email.strip() else "Enter your email address."
    if role not in ROLES:
        errors["role"] = "Choose Mentor, Mentee or Both."
    problem = password_problem(password, user_inputs=[name_ok, email_ok])
    if problem:
        errors["password"] = problem
    if "email" not in errors and _find_by_email(session, email_ok) is not None:
        errors["email"] = "An account with this email already exists. Log in, or use Forgot password."
    if errors:
        raise ValidationFailed(errors)
    is_mentor, is_mentee = ROLES[role]
    user = User(
        name=name_ok,
        email=email_ok,
        email_key=email_key(email_ok),
        password_hash=hash_password(password),
        is_mentor=is_mentor,
        is_mentee=is_mentee,
        created_at=now,
        password_changed_at=now,
        last_active_at=now,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent registration with the same email won the race
        session.rollback()
        raise ValidationFailed(
            {"email": "An account with this email already exists. Log in, or use Forgot password."}
        ) from error
    mail.queue(session, to=user.email, email=mail.welcome_email(user.name, user.role_label))
    session.commit()
    return user


def _find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email_key == email_key(email))).first()


def _throttle_wait(session: Session, *, key: str, address: str, now: datetime) -> int | None:
    """Minutes to wait before another attempt, or None when attempts are allowed."""
    settings = get_settings()
    window_start = now - timedelta(minutes=settings.login_window_minutes)
    checks = (
        (LoginAttempt.email_key == key, settings.login_max_failures_per_account),
        (LoginAttempt.address_digest == address, settings.login_max_failures_per_address),
    )
    wait: int | None = None
    for condition, limit in checks:
        failures = session.exec(
            select(LoginAttempt.attempted_at)
            .where(condition, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= window_start)  # type: ignore[attr-defined]
            .order_by(LoginAttempt.attempted_at.desc())  # type: ignore[attr-defined]
            .limit(limit)
        ).all()
        if len(failures) >= limit:
            # Attempts are allowed again once the oldest of the last `limit` failures leaves the window.
            free_at = failures[-1] + timedelta(minutes=settings.login_window_minutes)
            minutes = max(1, math.ceil((free_at - now).total_seconds() / 60))
            wait = max(wait or 0, minutes)
    return wait


def authenticate(
    session: Session, *, email: str, password: str, address: str, now: datetime | None = None
) -> User:
    """The member with this email and password, or LoginRefused / LoginThrottled."""
    now = now or utcnow()
    key = email_key(email)
    address_key = digest(address or "unknown")
    wait = _throttle_wait(session, key=key, address=address_key, now=now)
    if wait is not None:
        unit = "minute" if wait == 1 else "minutes"
        raise LoginThrottled(
            f"Too many failed log-in attempts. Please wait {wait} {unit} before trying again, "
            "or use Forgot password."
        )
    user = session.exec(select(User).where(User.email_key == key)).first() if key else None
    if user is None:
        burn_verification_time(password)
        ok = False
    else:
        ok = verify_password(password, user.password_hash)
    session.add(LoginAttempt(email_key=key, address_digest=address_key, attempted_at=now, succeeded=ok))
    session.commit()
    if not ok or user is None:
        raise LoginRefused(BAD_CREDENTIALS)
    if not user.is_active:
        raise LoginRefused("This account has been deactivated. Please contact the staff team.")
    return user


def open_session(session: Session, *, user_id: int, replacing: str = "", now: datetime | None = None) -> str:
    """Start a log-in session and return its key for the browser. A key it replaces is deleted."""
    now = now or utcnow()
    settings = get_settings()
    if replacing:
        session.exec(delete(LoginSession).where(LoginSession.key_digest == digest(replacing)))  # type: ignore[call-overload]
    key = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user_id=user_id,
            key_digest=digest(key),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=settings.session_absolute_days),
        )
    )
    session.exec(update(User).where(User.id == user_id).values(last_active_at=now))  # type: ignore[call-overload]
    session.commit()
    return key


def resolve_session(session: Session, key: str, *, now: datetime | None = None) -> User | None:
    """The active member this session key belongs to, or None (unknown, idle too long, expired)."""
    if not key:
        return None
    now = now or utcnow()
    row = session.exec(select(LoginSession).where(LoginSession.key_digest == digest(key))).first()
    if row is None:
        return None
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    if row.expires_at <= now or row.last_seen_at + idle_limit <= now:
        session.delete(row)
        session.commit()
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        user.last_active_at = now
        session.commit()
    return user


def close_session(session: Session, key: str) -> None:
    """Log out this browser: its session stops working at once."""
    if key:
        session.exec(delete(LoginSession).where(LoginSession.key_digest == digest(key)))  # type: ignore[call-overload]
        session.commit()


def close_all_sessions(session: Session, *, user_id: int) -> int:
    """End every session of a member (password change, reset, deactivation). Does not commit."""
    result = session.exec(delete(LoginSession).where(LoginSession.user_id == user_id))  # type: ignore[call-overload]
    return int(result.rowcount or 0)


def request_password_reset(session: Session, *, email: str, now: datetime | None = None) -> timedelta | None:
    """Email a one-time reset link if the address belongs to an active member; silent otherwise.

    At most a few requests per address an hour are acted on (services/limits.py), counted for
    every address, member or not, so the answer (None, or how long until another can be asked
    for) is the same for all and tells nobody who has an account.
    """
    now = now or utcnow()
    if not email.strip():
        return None
    wait = limits.take(session, "password_reset", f"email:{email_key(email)}", now=now)
    user = _find_by_email(session, email) if wait is None else None
    if user is None or not user.is_active:
        session.commit()  # the use is counted for addresses without an account too
        return wait
    minutes = get_settings().reset_link_minutes
    reset_url = _password_link(
        session, user=user, purpose="reset", lifetime=timedelta(minutes=minutes), now=now
    )
    mail.queue(session, to=user.email, email=mail.password_reset_email(user.name, reset_url, minutes))
    session.commit()
    return None


def _password_link(session: Session, *, user: User, purpose: str, lifetime: timedelta, now: datetime) -> str:
    """A new single-use link to choose a password; only the digest of its key is stored."""
    key = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            user_id=user.id,
            key_digest=digest(key),
            created_at=now,
            expires_at=now + lifetime,
            purpose=purpose,
        )
    )
    return mail.link(f"/reset-password?key={key}")


INVITATION_DAYS = 7
UNUSABLE_PASSWORD = "!"  # noqa: S105 - not a bcrypt hash: no log-in until a password is chosen


def create_invitation(session: Session, *, user: User, now: datetime | None = None) -> None:
    """Queue an invitation email with a single-use link (7 days) to choose a first password."""
    now = now or utcnow()
    link = _password_link(
        session, user=user, purpose="invite", lifetime=timedelta(days=INVITATION_DAYS), now=now
    )
    mail.queue(session, to=user.email, email=mail.invitation_email(user.name, link, INVITATION_DAYS))


INVALID_RESET = (
    "This reset link is not valid any more: it was used already or has expired. Ask for a new one."
)


def _usable_reset(session: Session, key: str, now: datetime) -> PasswordReset | None:
    if not key:
        return None
    row = session.exec(select(PasswordReset).where(PasswordReset.key_digest == digest(key))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def reset_link_is_usable(session: Session, key: str, *, now: datetime | None = None) -> bool:
    """Whether a reset link can still be used (to tell the member before they type a password)."""
    return reset_link_purpose(session, key, now=now) is not None


def reset_link_purpose(session: Session, key: str, *, now: datetime | None = None) -> str | None:
    """ "reset" or "invite" for a usable link, None for one that is used up or expired."""
    row = _usable_reset(session, key, now or utcnow())
    return row.purpose if row else None


def reset_password(session: Session, *, key: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password through a reset link, use the link up, and end every session."""
    now = now or utcnow()
    row = _usable_reset(session, key, now)
    user = session.get(User, row.user_id) if row else None
    if row is None or user is None or not user.is_active:
        raise ServiceError(INVALID_RESET)
    problem = password_problem(new_password, user_inputs=[user.name, user.email])
    if problem:
        raise ValidationFailed({"password": problem})
    # Claim the link with a conditional update so two tabs cannot both use it.
    claimed = session.exec(
        update(PasswordReset)  # type: ignore[call-overload]
        .where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise ServiceError(INVALID_RESET)
    session.exec(
        update(PasswordReset)  # type: ignore[call-overload]
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=now)
    )
    _set_password(session, user, new_password, now)
    session.commit()
    return user


def change_password(
    session: Session, *, user_id: int, current_password: str, new_password: str, now: datetime | None = None
) -> User:
    """Change a password, knowing the current one. Every session ends; the caller opens a new one."""
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise ServiceError("Please log in again.")
    if not verify_password(current_password, user.password_hash):
        raise ValidationFailed({"current_password": "That is not your current password."})
    problem = password_problem(new_password, user_inputs=[user.name, user.email])
    if problem:
        raise ValidationFailed({"new_password": problem})
    _set_password(session, user, new_password, now)
    session.commit()
    return user


def _set_password(session: Session, user: User, new_password: str, now: datetime) -> None:
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    session.add(user)
    close_all_sessions(session, user_id=user.id)  # type: ignore[arg-type]
    mail.queue(session, to=user.email, email=mail.password_changed_email(user.name))


def forget_login_attempts(session: Session, *, email: str) -> None:
    """Drop the log-in attempts made with this address (a deleted account); the caller commits."""
    session.exec(delete(LoginAttempt).where(LoginAttempt.email_key == email_key(email)))  # type: ignore[call-overload]


def purge_stale(session: Session, *, now: datetime | None = None) -> None:
    """Housekeeping: drop expired sessions, spent reset links and old log-in attempts."""
    now = now or utcnow()
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    session.exec(
        delete(LoginSession).where(  # type: ignore[call-overload]
            (LoginSession.expires_at <= now) | (LoginSession.last_seen_at <= now - idle_limit)
        )
    )
    session.exec(delete(PasswordReset).where(PasswordReset.expires_at <= now - timedelta(days=1)))  # type: ignore[call-overload]
    session.exec(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - timedelta(days=1)))  # type: ignore[call-overload]
    session.exec(delete(SessionHandoff).where(SessionHandoff.expires_at <= now))  # type: ignore[call-overload]
    session.commit()
