"""Accounts and log-in sessions: sign up (confirmed by email), log in (throttled), sessions, resets.

Signing up answers the same whether or not the email has an account: a new address gets a link
to confirm it, the owner of an existing one an email saying someone tried. Only a confirmed
member can log in.

Session and reset keys are random (``secrets.token_urlsafe(32)``); only their SHA-256 digests are
stored, so a copy of the database does not let anyone log in. Each public function commits its own
transaction, because a refused log-in must still be recorded for throttling.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app import routes
from mentoring_app.models import LoginAttempt, LoginSession, PasswordReset, SessionHandoff, User
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits
from mentoring_app.services.accounts import login_throttle
from mentoring_app.services.accounts.passwords import (
    burn_verification_time,
    hash_password,
    password_problem,
    verify_password,
)
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.outbox import mail
from mentoring_app.settings import get_settings

ROLES: dict[str, tuple[bool, bool]] = {
    "mentor": (True, False),
    "mentee": (False, True),
    "both": (True, True),
}
MAX_NAME = 100
BAD_CREDENTIALS = "That email and password do not match an account."
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
UNUSABLE_PASSWORD = "!"  # noqa: S105 - not a bcrypt hash: no log-in until a password is chosen


UNCONFIRMED = (
    "Please confirm your email address first: open the link in the latest email we sent you. "
    "Logging in sends a new link (at most one every 5 minutes)."
)
ALREADY_REGISTERED = "An account with this email already exists. Log in, or use Forgot password."


class LoginRefused(ServiceError):
    """Wrong email or password (one message for both), or a deactivated account."""


class LoginUnconfirmed(LoginRefused):
    """The right password for an account whose email is not confirmed yet."""


class LoginThrottled(ServiceError):
    """Too many recent failures for this account, this address or the pair."""


def digest(value: str) -> str:
    """SHA-256 hex digest: how keys and addresses are stored."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def email_key(email: str) -> str:
    """The form of an email used for uniqueness and look-up: trimmed and case-folded."""
    return email.strip().casefold()


def account_digest(email: str) -> str:
    """How log-in attempts name an account: a digest of the case-folded email, never the email."""
    return digest(email_key(email))


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


def _checked_fields(*, name: str, email: str, password: str, role: str) -> tuple[str, str]:
    """The cleaned name and email, or ValidationFailed with a message per field."""
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
    if errors:
        raise ValidationFailed(errors)
    return name_ok, email_ok


def register(
    session: Session, *, name: str, email: str, password: str, role: str, now: datetime | None = None
) -> User:
    """Create a confirmed member at once (and queue a welcome email), or say what is wrong.

    For trusted callers only (demo data, tests, operators): it says when an email is taken and
    skips the emailed confirmation. The public Register form uses ``sign_up``.
    """
    now = now or utcnow()
    name_ok, email_ok = _checked_fields(name=name, email=email, password=password, role=role)
    if _find_by_email(session, email_ok) is not None:
        raise ValidationFailed({"email": ALREADY_REGISTERED})
    user = _new_user(name=name_ok, email=email_ok, password_hash=hash_password(password), role=role, now=now)
    user.email_verified_at = now
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent registration with the same email won the race
        session.rollback()
        raise ValidationFailed({"email": ALREADY_REGISTERED}) from error
    mail.queue(
        session, to=user.email, recipient_id=user.id, email=mail.welcome_email(user.name, user.role_label)
    )
    session.commit()
    return user


def _new_user(*, name: str, email: str, password_hash: str, role: str, now: datetime) -> User:
    is_mentor, is_mentee = ROLES[role]
    return User(
        name=name,
        email=email,
        email_key=email_key(email),
        password_hash=password_hash,
        is_mentor=is_mentor,
        is_mentee=is_mentee,
        created_at=now,
        password_changed_at=now,
        last_active_at=now,
    )


def sign_up(
    session: Session, *, name: str, email: str, password: str, role: str, now: datetime | None = None
) -> None:
    """The public Register form: the same answer (nothing, or per-field problems) for every email.

    A new address gets an unconfirmed account and a link to confirm it. An address waiting for
    confirmation belongs to nobody yet: the latest sign-up replaces its details and earlier links.
    The owner of a confirmed (or invited) account is told by email that someone tried, and nothing
    changes. Each path hashes the password once, so the timing says nothing either.
    """
    now = now or utcnow()
    name_ok, email_ok = _checked_fields(name=name, email=email, password=password, role=role)
    password_hash = hash_password(password)
    existing = _find_by_email(session, email_ok)
    if existing is None:
        user = _new_user(name=name_ok, email=email_ok, password_hash=password_hash, role=role, now=now)
        session.add(user)
        try:
            session.flush()
        except IntegrityError:  # a concurrent sign-up with the same email won the race
            session.rollback()
            existing = _find_by_email(session, email_ok)
            if existing is not None:
                _tell_owner_of_attempt(session, existing)
            session.commit()
            return
        _send_confirmation(session, user=user, now=now)
    elif _awaits_confirmation(existing):
        existing.name = name_ok
        existing.is_mentor, existing.is_mentee = ROLES[role]
        existing.password_hash = password_hash
        existing.password_changed_at = existing.created_at = now
        session.add(existing)
        _use_up_links(session, user_id=existing.id, purposes=("verify",), now=now)  # type: ignore[arg-type]
        _send_confirmation(session, user=existing, now=now)
    else:
        _tell_owner_of_attempt(session, existing)
    session.commit()


def _awaits_confirmation(user: User) -> bool:
    """A self-service sign-up not confirmed yet (invited members have no password: not these)."""
    return user.is_active and user.email_verified_at is None and user.password_hash != UNUSABLE_PASSWORD


def _tell_owner_of_attempt(session: Session, user: User) -> None:
    if user.is_active:
        mail.queue(session, to=user.email, email=mail.registration_attempt_email(user.name))


def _send_confirmation(session: Session, *, user: User, now: datetime) -> None:
    hours = get_settings().verify_link_hours
    link = _one_time_link(
        session, user=user, purpose="verify", lifetime=timedelta(hours=hours), now=now, path=VERIFY_PATH
    )
    mail.queue(session, to=user.email, email=mail.confirm_email(user.name, link, hours))


INVALID_VERIFY = (
    "This confirmation link is not valid any more: it was used already, replaced by a newer one, "
    "or has expired. Log in to get a new one."
)
RESEND_AFTER = timedelta(minutes=5)


def confirm_email(session: Session, *, key: str, now: datetime | None = None) -> User:
    """Confirm a member's email through the emailed link (single use), and welcome them."""
    now = now or utcnow()
    row = _usable_link(session, key, now, purposes=("verify",))
    user = session.get(User, row.user_id) if row else None
    if row is None or user is None or not user.is_active:
        raise ServiceError(INVALID_VERIFY)
    claimed = session.exec(
        update(PasswordReset)  # type: ignore[call-overload]
        .where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise ServiceError(INVALID_VERIFY)
    _use_up_links(session, user_id=user.id, purposes=("verify",), now=now)  # type: ignore[arg-type]
    if user.email_verified_at is None:
        user.email_verified_at = now
        session.add(user)
        mail.queue(
            session, to=user.email, recipient_id=user.id, email=mail.welcome_email(user.name, user.role_label)
        )
    session.commit()
    return user


def _resend_confirmation(session: Session, *, user: User, now: datetime) -> None:
    """A fresh link for an unconfirmed member who logged in, unless one was sent moments ago."""
    latest = session.exec(
        select(PasswordReset.created_at)
        .where(PasswordReset.user_id == user.id, PasswordReset.purpose == "verify")
        .order_by(PasswordReset.created_at.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    if latest is not None and latest > now - RESEND_AFTER:
        return
    _send_confirmation(session, user=user, now=now)


def _find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email_key == email_key(email))).first()


def authenticate(
    session: Session, *, email: str, password: str, address: str, now: datetime | None = None
) -> User:
    """The member with this email and password, or LoginRefused / LoginUnconfirmed / LoginThrottled.

    Every path (unknown email, wrong or over-long password, deactivated, unconfirmed, throttled)
    costs exactly one bcrypt check, so timing tells nobody whether an account exists.
    """
    now = now or utcnow()
    key = email_key(email)
    keys = login_throttle.Keys(account=digest(key), address=digest(address or "unknown"))
    wait = login_throttle.wait_seconds(session, keys=keys, now=now)
    if wait:
        burn_verification_time(password)
        raise LoginThrottled(
            f"Too many failed log-in attempts. Please wait {login_throttle.describe_wait(wait)} "
            "before trying again, or use Forgot password."
        )
    user = session.exec(select(User).where(User.email_key == key)).first() if key else None
    ok = verify_password(password, user.password_hash if user else None)
    login_throttle.record(session, keys=keys, succeeded=ok, now=now)
    if not ok or user is None:
        session.commit()
        raise LoginRefused(BAD_CREDENTIALS)
    if not user.is_active:
        session.commit()
        raise LoginRefused("This account has been deactivated. Please contact the staff team.")
    if user.email_verified_at is None:
        _resend_confirmation(session, user=user, now=now)
        session.commit()
        raise LoginUnconfirmed(UNCONFIRMED)
    session.commit()
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
    # The session and its member in one query (every event of every tab runs this).
    found = session.exec(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)  # type: ignore[arg-type]
        .where(LoginSession.key_digest == digest(key))
    ).first()
    if found is None:
        return None
    row, user = found
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    if row.expires_at <= now or row.last_seen_at + idle_limit <= now:
        session.delete(row)
        session.commit()
        return None
    if not user.is_active:
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
    reset_url = _one_time_link(
        session, user=user, purpose="reset", lifetime=timedelta(minutes=minutes), now=now
    )
    mail.queue(session, to=user.email, email=mail.password_reset_email(user.name, reset_url, minutes))
    session.commit()
    return None


VERIFY_PATH = routes.CONFIRM_EMAIL
PASSWORD_PATH = routes.RESET_PASSWORD
PASSWORD_PURPOSES = ("reset", "invite")


def _one_time_link(
    session: Session,
    *,
    user: User,
    purpose: str,
    lifetime: timedelta,
    now: datetime,
    path: str = PASSWORD_PATH,
) -> str:
    """A new single-use emailed link (choose a password, or confirm the email); only the digest of
    its key is stored."""
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
    return mail.link(f"{path}?key={key}")


INVITATION_DAYS = 7


def create_invitation(session: Session, *, user: User, now: datetime | None = None) -> None:
    """Queue an invitation email with a single-use link (7 days) to choose a first password."""
    now = now or utcnow()
    link = _one_time_link(
        session, user=user, purpose="invite", lifetime=timedelta(days=INVITATION_DAYS), now=now
    )
    mail.queue(session, to=user.email, email=mail.invitation_email(user.name, link, INVITATION_DAYS))


INVALID_RESET = (
    "This reset link is not valid any more: it was used already or has expired. Ask for a new one."
)


def _usable_link(
    session: Session, key: str, now: datetime, *, purposes: tuple[str, ...] = PASSWORD_PURPOSES
) -> PasswordReset | None:
    """An unused, unexpired link of one of these purposes (a confirm link never sets a password)."""
    if not key:
        return None
    row = session.exec(select(PasswordReset).where(PasswordReset.key_digest == digest(key))).first()
    if row is None or row.used_at is not None or row.expires_at <= now or row.purpose not in purposes:
        return None
    return row


def _use_up_links(session: Session, *, user_id: int, purposes: tuple[str, ...], now: datetime) -> None:
    session.exec(
        update(PasswordReset)  # type: ignore[call-overload]
        .where(
            PasswordReset.user_id == user_id,
            PasswordReset.used_at.is_(None),  # type: ignore[union-attr]
            PasswordReset.purpose.in_(purposes),  # type: ignore[attr-defined]
        )
        .values(used_at=now)
    )


def reset_link_is_usable(session: Session, key: str, *, now: datetime | None = None) -> bool:
    """Whether a reset link can still be used (to tell the member before they type a password)."""
    return reset_link_purpose(session, key, now=now) is not None


def reset_link_purpose(session: Session, key: str, *, now: datetime | None = None) -> str | None:
    """ "reset" or "invite" for a usable password link, None for one that is used up or expired."""
    row = _usable_link(session, key, now or utcnow())
    return row.purpose if row else None


def reset_password(session: Session, *, key: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password through a reset link, use the link up, and end every session."""
    now = now or utcnow()
    row = _usable_link(session, key, now)
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
    _use_up_links(session, user_id=user.id, purposes=(*PASSWORD_PURPOSES, "verify"), now=now)  # type: ignore[arg-type]
    if user.email_verified_at is None:  # the link came by email: the address is theirs
        user.email_verified_at = now
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
    session.exec(delete(LoginAttempt).where(LoginAttempt.account_digest == account_digest(email)))  # type: ignore[call-overload]


UNCONFIRMED_KEPT = timedelta(days=7)


def purge_stale(session: Session, *, now: datetime | None = None) -> None:
    """Housekeeping: drop expired sessions, spent links, old log-in attempts and week-old sign-ups
    that were never confirmed."""
    now = now or utcnow()
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    session.exec(
        delete(LoginSession).where(  # type: ignore[call-overload]
            (LoginSession.expires_at <= now) | (LoginSession.last_seen_at <= now - idle_limit)
        )
    )
    session.exec(delete(PasswordReset).where(PasswordReset.expires_at <= now - timedelta(days=1)))  # type: ignore[call-overload]
    window = timedelta(minutes=get_settings().login_window_minutes)
    session.exec(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - window))  # type: ignore[call-overload]
    # Sign-ups nobody confirmed: the address was never proved to be theirs, so it is not kept.
    session.exec(
        delete(User).where(  # type: ignore[call-overload]
            User.email_verified_at.is_(None),  # type: ignore[union-attr]
            User.password_hash != UNUSABLE_PASSWORD,
            User.created_at <= now - UNCONFIRMED_KEPT,
        )
    )
    session.exec(delete(SessionHandoff).where(SessionHandoff.expires_at <= now))  # type: ignore[call-overload]
    session.commit()
