"""The weekly digest: members who chose "A weekly digest" for messages or notifications get one
email a week summarising what is still unread from that week, instead of an email for each.

``run_due_digests`` runs in the app's due jobs on every instance. A member's digest is claimed by
a conditional UPDATE moving ``digest_due_at`` a week on (only one instance's UPDATE matches: on
PostgreSQL the second waits for the first to commit and then no longer matches; SQLite has one
writer); the email is queued in the same transaction, so a failure sends nothing and claims
nothing. A week with nothing unread sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, select

from mentoring_app.models import EmailPreference, Message, Notification, Thread, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import people
from mentoring_app.services.conversations import notifications
from mentoring_app.services.outbox import mail, preferences
from mentoring_app.services.outbox.preferences import WEEK

SHOWN = 5  # first lines shown per part; the counts say how many more there are
LINE = 120  # characters of a first line


@dataclass(frozen=True)
class DigestContent:
    """What one member's digest says: unread counts and the first lines of the newest."""

    messages: int
    message_lines: list[str]
    notifications: int
    notification_lines: list[str]

    @property
    def empty(self) -> bool:
        return not self.messages and not self.notifications


def _first_line(text: str) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= LINE else line[: LINE - 1].rstrip() + "…"


def content(session: Session, prefs: EmailPreference, *, since: datetime) -> DigestContent:
    """The member's unread messages (if their messages come weekly) and unread notifications (if
    those do) that arrived since ``since``; a type turned off is left out."""
    uid = prefs.user_id
    message_lines: list[str] = []
    message_count = 0
    if prefs.messages and prefs.message_digest:
        rows = session.exec(
            select(Message.sender_id, Message.body)
            .join(Thread, Thread.id == Message.thread_id)  # type: ignore[arg-type]
            .where(
                or_(Thread.low_id == uid, Thread.high_id == uid),
                Message.sender_id != uid,
                Message.read_at.is_(None),  # type: ignore[union-attr]
                Message.created_at > since,
            )
            .order_by(Message.created_at.desc(), Message.id.desc())  # type: ignore[attr-defined, union-attr]
        ).all()
        message_count = len(rows)
        names = people.names(session, (sender for sender, _ in rows[:SHOWN]))
        message_lines = [
            f"{names.get(sender, people.FORMER_MEMBER)}: {_first_line(body)}" for sender, body in rows[:SHOWN]
        ]
    note_lines: list[str] = []
    note_count = 0
    wanted = [t for t in preferences.NOTIFICATION_TYPES if getattr(prefs, t)]
    if prefs.notification_digest and wanted:
        rows_n = [
            row
            for row in session.exec(
                select(Notification)
                .where(
                    Notification.user_id == uid,
                    Notification.read_at.is_(None),  # type: ignore[union-attr]
                    Notification.created_at > since,
                )
                .order_by(Notification.created_at.desc(), Notification.id.desc())  # type: ignore[attr-defined, union-attr]
            ).all()
            if preferences.email_type(row.kind) in wanted
        ]
        note_count = len(rows_n)
        note_lines = [_first_line(text) for text in notifications.texts(session, rows_n[:SHOWN])]
    return DigestContent(message_count, message_lines, note_count, note_lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def digest_email(name: str, found: DigestContent) -> mail.Email:
    parts = [
        _plural(n, word)
        for n, word in ((found.messages, "unread message"), (found.notifications, "new notification"))
        if n
    ]
    summary = " and ".join(parts)
    paragraphs = [f"This week you have {summary}."]
    if found.messages:
        more = found.messages - len(found.message_lines)
        paragraphs.append(
            "Messages: " + "; ".join(found.message_lines) + (f"; and {more} more." if more else ".")
        )
    if found.notifications:
        more = found.notifications - len(found.notification_lines)
        paragraphs.append(
            "Notifications: " + "; ".join(found.notification_lines) + (f"; and {more} more." if more else ".")
        )
    if found.messages and found.notifications:
        paragraphs.append(f"Your notifications: {mail.link('/notifications')}")
    action = (
        ("Read your messages", mail.link("/messages"))
        if found.messages
        else ("See your notifications", mail.link("/notifications"))
    )
    return mail.compose(
        kind="digest",
        subject=f"Your weekly digest: {summary}",
        greeting_name=name,
        paragraphs=paragraphs,
        action=action,
    )


def run_due_digests(session: Session, *, now: datetime | None = None) -> int:
    """Send the digests that are due; returns how many were queued. Safe to run again, and on
    several instances at once (each member's is claimed by one conditional UPDATE)."""
    now = now or utcnow()
    due = session.exec(
        select(EmailPreference.user_id)
        .join(User, User.id == EmailPreference.user_id)  # type: ignore[arg-type]
        .where(EmailPreference.digest_due_at <= now, User.is_active)  # type: ignore[operator]
        .order_by(EmailPreference.user_id)
    ).all()
    session.rollback()  # the claims below each start from a fresh read
    sent = 0
    for uid in due:
        prefs = session.get(EmailPreference, uid, populate_existing=True)
        if prefs is None or prefs.digest_due_at is None or prefs.digest_due_at > now:
            session.rollback()
            continue
        since = prefs.digest_since or prefs.digest_due_at - WEEK
        claimed = session.exec(
            update(EmailPreference)  # type: ignore[call-overload]
            .where(EmailPreference.user_id == uid, EmailPreference.digest_due_at <= now)  # type: ignore[operator]
            .values(digest_due_at=now + WEEK, digest_since=now)
        )
        if claimed.rowcount != 1:  # another instance has sent this one
            session.rollback()
            continue
        found = content(session, prefs, since=since)
        user = session.get(User, uid)
        if user is not None and not found.empty:
            queued = mail.queue(
                session, to=user.email, recipient_id=uid, email=digest_email(user.name, found)
            )
            sent += queued is not None
        session.commit()
    return sent
