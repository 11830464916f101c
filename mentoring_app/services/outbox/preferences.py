"""Which emails a member gets: a type per email, the member's choices per type, and signed
unsubscribe links that work without logging in.

- Every email kind has a type (``email_type``). Security emails (password reset and changed, email
  confirmation, registration attempt, invitation) are ESSENTIAL: always sent, no unsubscribe.
- The others honour the member's Account choices when queued (``mail.queue`` asks ``sends_now``):
  a type turned off is not sent; messages and notifications chosen as "A weekly digest" are not
  sent one by one (services/outbox/digest sends the week's summary).
- An unsubscribe link names the member and the type and carries an HMAC-SHA256 of both under a
  random secret kept in the database (app_settings, made on first use, shared by every instance),
  so a forged or altered link (another member, another type) is refused, and no link expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mentoring_app.models import EmailPreference, User
from mentoring_app.models.checkins import AppSetting
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotAllowed, ValidationFailed
from mentoring_app.settings import get_settings

ESSENTIAL = "essential"
REQUESTS, MESSAGES, MEETINGS, CHECKINS, NEWS = "requests", "messages", "meetings", "checkins", "news"
DIGEST = "digest"  # the weekly digest itself: unsubscribing stops what it summarises
TYPES = (REQUESTS, MESSAGES, MEETINGS, CHECKINS, NEWS)
# What Account and the unsubscribe page call each type ("You will no longer get <word> emails").
LABELS = {
    REQUESTS: "Requests, answers and your relationships",
    MESSAGES: "Messages",
    MEETINGS: "Meetings",
    CHECKINS: "Check-ins",
    NEWS: "News and mentor alerts",
}
WORDS = {
    REQUESTS: "request and relationship",
    MESSAGES: "message",
    MEETINGS: "meeting",
    CHECKINS: "check-in",
    NEWS: "news and mentor alert",
    DIGEST: "weekly digest",
}
# Notifications that a weekly digest may replace: meeting invites and check-ins (with their one-tap
# buttons) always come as they happen.
NOTIFICATION_TYPES = (REQUESTS, NEWS)
EACH, WEEKLY = "each", "digest"
WEEK = timedelta(days=7)

_ESSENTIAL_KINDS = {
    "password_reset",
    "password_changed",
    "confirm_email",
    "registration_attempt",
    "invitation",
}
_KIND_TYPES = {
    "message": MESSAGES,
    "welcome": NEWS,
    "mentor_alert": NEWS,
    "digest": DIGEST,
}
# Kinds named by prefix, so emails added later (bookings, surveys) are typed without a new entry.
_PREFIXES = (("meeting", MEETINGS), ("checkin", CHECKINS), ("survey", REQUESTS), ("news", NEWS))

SECRET_KEY = "unsubscribe_secret"  # noqa: S105 - the name of the app_settings row
UNSUBSCRIBE_PAGE = "/unsubscribe"
ONE_CLICK_PATH = "/_email/unsubscribe"
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


def email_type(kind: str) -> str:
    """The type of an email kind: ESSENTIAL, DIGEST or one of TYPES (requests by default: the
    request, decision and relationship emails)."""
    if kind in _ESSENTIAL_KINDS:
        return ESSENTIAL
    if kind in _KIND_TYPES:
        return _KIND_TYPES[kind]
    for prefix, kind_type in _PREFIXES:
        if kind.startswith(prefix):
            return kind_type
    return REQUESTS


def current(session: Session, user_id: int) -> EmailPreference:
    """The member's choices (the defaults, not saved, when they never chose)."""
    return session.get(EmailPreference, user_id) or EmailPreference(user_id=user_id)


def in_digest(prefs: EmailPreference, kind_type: str) -> bool:
    """Whether emails of this type wait for the weekly digest instead of going one by one."""
    if kind_type == MESSAGES:
        return prefs.message_digest
    return kind_type in NOTIFICATION_TYPES and prefs.notification_digest


def sends_now(prefs: EmailPreference, kind_type: str) -> bool:
    """Whether an email of this type is queued now for the member with these choices."""
    if kind_type == ESSENTIAL:
        return True
    if kind_type == DIGEST:
        return any(getattr(prefs, t) for t in covered(prefs, DIGEST))
    return bool(getattr(prefs, kind_type)) and not in_digest(prefs, kind_type)


def covered(prefs: EmailPreference, kind_type: str) -> tuple[str, ...]:
    """The types an unsubscribe link of this type turns off: itself, or for the digest the types
    the member chose to get weekly."""
    if kind_type != DIGEST:
        return (kind_type,)
    return ((MESSAGES,) if prefs.message_digest else ()) + (
        NOTIFICATION_TYPES if prefs.notification_digest else ()
    )


@dataclass(frozen=True)
class Choices:
    """What the Account form shows."""

    enabled: Mapping[str, bool]
    message_frequency: str  # EACH or WEEKLY
    notification_frequency: str


def choices(session: Session, *, actor: User | None) -> Choices:
    member = _active(actor)
    prefs = current(session, member.id)  # type: ignore[arg-type]
    return Choices(
        {t: bool(getattr(prefs, t)) for t in TYPES},
        WEEKLY if prefs.message_digest else EACH,
        WEEKLY if prefs.notification_digest else EACH,
    )


def save(
    session: Session,
    *,
    actor: User | None,
    enabled: Mapping[str, bool],
    message_frequency: str,
    notification_frequency: str,
) -> Choices:
    """Save the member's choices (commits). Choosing a digest starts its week now; the first one
    comes a week later (services/outbox/digest)."""
    member = _active(actor)
    errors = {
        name: "Choose “Each one as it happens” or “A weekly digest”."
        for name, value in (
            ("message_frequency", message_frequency),
            ("notification_frequency", notification_frequency),
        )
        if value not in (EACH, WEEKLY)
    }
    if errors:
        raise ValidationFailed(errors)
    prefs = session.get(EmailPreference, member.id) or EmailPreference(user_id=member.id)  # type: ignore[arg-type]
    for kind_type in TYPES:
        setattr(prefs, kind_type, bool(enabled.get(kind_type, False)))
    prefs.message_digest = message_frequency == WEEKLY
    prefs.notification_digest = notification_frequency == WEEKLY
    now = utcnow()
    if prefs.message_digest or prefs.notification_digest:
        if prefs.digest_due_at is None:
            prefs.digest_since, prefs.digest_due_at = now, now + WEEK
    else:
        prefs.digest_since = prefs.digest_due_at = None
    prefs.updated_at = now
    session.add(prefs)
    session.commit()
    return choices(session, actor=member)


def turn_all_off(session: Session, user_id: int) -> None:
    """Account deletion: nothing more is sent to this member (in the caller's transaction)."""
    prefs = session.get(EmailPreference, user_id) or EmailPreference(user_id=user_id)
    for kind_type in TYPES:
        setattr(prefs, kind_type, False)
    prefs.message_digest = prefs.notification_digest = False
    prefs.digest_since = prefs.digest_due_at = None
    session.add(prefs)


def export(session: Session, user_id: int) -> dict[str, object]:
    """The member's choices, for Download my data."""
    prefs = current(session, user_id)
    return {t: bool(getattr(prefs, t)) for t in TYPES} | {
        "messages_as": WEEKLY if prefs.message_digest else EACH,
        "notifications_as": WEEKLY if prefs.notification_digest else EACH,
    }


def _active(actor: User | None) -> User:
    if actor is None or not actor.is_active or actor.id is None:
        raise NotAllowed("Please log in again.")
    return actor


# Signed links.


def _secret(session: Session) -> bytes:
    """The signing secret, made on first use (a savepoint: a racing instance's row wins)."""
    row = session.get(AppSetting, SECRET_KEY)
    if row is None:
        try:
            with session.begin_nested():
                session.add(AppSetting(key=SECRET_KEY, value=secrets.token_urlsafe(48)))
        except IntegrityError:
            pass
        row = session.get(AppSetting, SECRET_KEY, populate_existing=True)
        assert row is not None
    return row.value.encode()


def signature(session: Session, user_id: int, kind_type: str) -> str:
    mac = hmac.new(_secret(session), f"unsubscribe:{user_id}:{kind_type}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def _query(session: Session, user_id: int, kind_type: str) -> str:
    return urlencode({"m": user_id, "t": kind_type, "s": signature(session, user_id, kind_type)})


def unsubscribe_links(session: Session, user_id: int, kind_type: str) -> tuple[str, str]:
    """The page a member opens from the email, and the one-click URL for ``List-Unsubscribe``."""
    query = _query(session, user_id, kind_type)
    base = get_settings().app_url
    return f"{base}{UNSUBSCRIBE_PAGE}?{query}", f"{base}{ONE_CLICK_PATH}?{query}"


@dataclass(frozen=True)
class LinkResult:
    """What a signed link did: ``ok`` False means it was refused (forged or altered)."""

    ok: bool
    kind_type: str = ""
    words: str = ""


def _checked(session: Session, params: Mapping[str, str]) -> tuple[EmailPreference, str] | None:
    raw_id, kind_type, sig = (str(params.get(k, ""))[:200] for k in ("m", "t", "s"))
    if not raw_id.isdigit() or len(raw_id) > 12 or (kind_type not in TYPES and kind_type != DIGEST):
        return None
    user = session.get(User, int(raw_id))
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(signature(session, user.id, kind_type), sig):  # type: ignore[arg-type]
        return None
    return current(session, user.id), kind_type  # type: ignore[arg-type]


def set_by_link(session: Session, *, params: Mapping[str, str], on: bool) -> LinkResult:
    """Turn the link's type off (``on`` False) or back on, without a log-in: the signature is the
    proof. Commits; refuses forged links and deactivated members."""
    checked = _checked(session, params)
    if checked is None:
        session.rollback()
        return LinkResult(False)
    prefs, kind_type = checked
    for name in covered(prefs, kind_type):
        setattr(prefs, name, on)
    prefs.updated_at = utcnow()
    session.add(prefs)
    session.commit()
    return LinkResult(True, kind_type, WORDS[kind_type])
