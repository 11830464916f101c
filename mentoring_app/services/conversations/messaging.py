"""Messages between two members: one thread per pair, plain text, only the two can read it.

A mentee may ask any active mentor a question; after that, and between members with a request or
relationship, either side may write. The other member gets an in-app notification, and at most
one email per thread per hour, held MESSAGE_EMAIL_DELAY_SECONDS (2 minutes by default) and dropped
by the relay if the member has read the message in the app by then. Messages to a member one is not
connected with (no open request or live relationship, and they have not written back) are limited
per sender (services/limits.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app import live
from mentoring_app.models import Message, Relationship, Thread, User
from mentoring_app.models.relationships import ACCEPTED, REQUESTED
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits
from mentoring_app.services.conversations import notifications
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed
from mentoring_app.services.outbox import mail
from mentoring_app.settings import get_settings

MAX_BODY = 5000
EMAIL_GAP = timedelta(hours=1)
LATEST = 200  # messages a thread opens with (the latest ones)
NEWER_AT_MOST = 500  # messages read at once after the last one shown


@dataclass(frozen=True)
class MessageView:
    id: int
    mine: bool
    sender_name: str
    body: str
    sent_at: datetime


@dataclass(frozen=True)
class ThreadSummary:
    other_id: int
    other_name: str
    last_message_at: datetime
    unread: int


def _active(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    return actor


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _find_thread(session: Session, a: int, b: int) -> Thread | None:
    low, high = _pair(a, b)
    return session.exec(select(Thread).where(Thread.low_id == low, Thread.high_id == high)).first()


def _connected(session: Session, a: int, b: int) -> bool:
    """A request or relationship, in any state, links the two members."""
    return (
        session.exec(
            select(Relationship.id).where(
                or_(
                    (Relationship.mentee_id == a) & (Relationship.mentor_id == b),
                    (Relationship.mentee_id == b) & (Relationship.mentor_id == a),
                )
            )
        ).first()
        is not None
    )


def _unsolicited(session: Session, sender_id: int, other_id: int, thread: Thread | None) -> bool:
    """Whether a message would go to someone the sender is not connected with.

    Connected: an open request or a live (accepted) relationship between the two, or the other
    member has written to the sender. A former partner or a declined mentee is not connected.
    """
    live = session.exec(
        select(Relationship.id).where(
            or_(
                (Relationship.mentee_id == sender_id) & (Relationship.mentor_id == other_id),
                (Relationship.mentee_id == other_id) & (Relationship.mentor_id == sender_id),
            ),
            Relationship.status.in_([REQUESTED, ACCEPTED]),  # type: ignore[attr-defined]
        )
    ).first()
    if live is not None:
        return False
    if thread is None:
        return True
    answered = session.exec(
        select(Message.id).where(Message.thread_id == thread.id, Message.sender_id == other_id).limit(1)
    ).first()
    return answered is None


def may_write(session: Session, sender: User, other: User | None) -> bool:
    """Whether ``sender`` may write to ``other`` (start a thread, or answer in one)."""
    if other is None or not other.is_active or other.id == sender.id:
        return False
    if _find_thread(session, sender.id, other.id) is not None:  # type: ignore[arg-type]
        return True
    if sender.is_mentee and other.is_mentor:  # Ask a question
        return True
    return _connected(session, sender.id, other.id)  # type: ignore[arg-type]


def send_message(
    session: Session, *, actor: User | None, other_id: int, body: str, now: datetime | None = None
) -> Message:
    sender = _active(actor)
    now = now or utcnow()
    other = session.get(User, other_id)
    if not may_write(session, sender, other):
        raise NotFound("You cannot write to that member.")
    assert other is not None
    text = body.strip()
    if not text:
        raise ValidationFailed({"body": "Write a message first."})
    if len(text) > MAX_BODY:
        raise ValidationFailed({"body": f"Use at most {MAX_BODY:,} characters (this has {len(text):,})."})
    thread = _find_thread(session, sender.id, other.id)  # type: ignore[arg-type]
    unsolicited = _unsolicited(session, sender.id, other.id, thread)  # type: ignore[arg-type]
    if thread is None:
        low, high = _pair(sender.id, other.id)  # type: ignore[arg-type]
        thread = Thread(low_id=low, high_id=high, created_at=now, last_message_at=now)
        session.add(thread)
        try:
            session.flush()
        except IntegrityError:  # both wrote first at once: use the other thread
            session.rollback()
            thread = _find_thread(session, sender.id, other.id)  # type: ignore[arg-type]
            assert thread is not None
    if unsolicited:  # after the thread's own write, so a refusal's rollback takes that back too
        limits.enforce(session, "message_unconnected", f"user:{sender.id}", now=now)
    message = Message(thread_id=thread.id, sender_id=sender.id, body=text, created_at=now)  # type: ignore[arg-type]
    session.add(message)
    session.flush()  # its id, for the email (skipped if the member reads it in the app first)
    thread.last_message_at = now
    path = f"/messages/{sender.id}"
    notifications.notify(
        session,
        user_id=other.id,  # type: ignore[arg-type]
        kind="message",
        template="New message from {actor}",
        actor_id=sender.id,
        link=path,
    )
    emailed_field = "last_email_low_at" if other.id == thread.low_id else "last_email_high_at"
    last_emailed = getattr(thread, emailed_field)
    if last_emailed is None or now - last_emailed >= EMAIL_GAP:
        queued = mail.queue(
            session,
            to=other.email,
            recipient_id=other.id,
            email=mail.compose(
                kind="message",
                subject=f"New message from {sender.name}",
                greeting_name=other.name,
                paragraphs=[f"{sender.name} wrote to you:", text[:1000]],
                action=("Read and answer", mail.link(path)),
            ),
            message_id=message.id,
            not_before=now + timedelta(seconds=get_settings().message_email_delay_seconds),
        )
        if queued is not None:  # not when the member turned message emails off or gets a digest
            setattr(thread, emailed_field, now)
    session.add(thread)
    live.publish_after_commit(session, [sender.id, other.id], live.MESSAGE)
    session.commit()
    return message


def read_thread(
    session: Session, *, actor: User | None, other_id: int, after_id: int = 0, now: datetime | None = None
) -> list[MessageView]:
    """The messages between the actor and another member, oldest first: the latest ``LATEST``
    (``after_id`` 0; ``earlier_messages`` reads back from there), or those newer than ``after_id``;
    marks the thread read."""
    member = _active(actor)
    thread = _find_thread(session, member.id, other_id)  # type: ignore[arg-type]
    if thread is None:
        return []
    if after_id:
        rows = session.exec(
            select(Message)
            .where(Message.thread_id == thread.id, Message.id > after_id)
            .order_by(Message.id)
            .limit(NEWER_AT_MOST)  # type: ignore[arg-type]
        ).all()
    else:
        latest = (
            select(Message)
            .where(Message.thread_id == thread.id)
            .order_by(Message.id.desc())  # type: ignore[union-attr]
            .limit(LATEST)
        )
        rows = list(reversed(session.exec(latest).all()))  # type: ignore[call-overload]
    marked = session.exec(
        update(Message)  # type: ignore[call-overload]
        .where(Message.thread_id == thread.id, Message.sender_id != member.id, Message.read_at.is_(None))  # type: ignore[union-attr]
        .values(read_at=now or utcnow())
    )
    if marked.rowcount:  # the member's other tabs update their unread count
        live.publish_after_commit(session, [member.id], live.READ)
        # Reading the messages (in the thread or on the dashboard) reads their notifications too.
        notifications.mark_read_for_path(session, actor=member, path=f"/messages/{other_id}", commit=False)
    session.commit()
    return _views(session, thread, member, rows)


def earlier_messages(
    session: Session, *, actor: User | None, other_id: int, before_id: int
) -> tuple[list[MessageView], bool]:
    """Show earlier messages: up to ``LATEST`` of the thread's messages before ``before_id``, oldest
    first, and whether there are more before those."""
    member = _active(actor)
    thread = _find_thread(session, member.id, other_id)  # type: ignore[arg-type]
    if thread is None or before_id <= 0:
        return [], False
    rows = session.exec(
        select(Message)
        .where(Message.thread_id == thread.id, Message.id < before_id)
        .order_by(Message.id.desc())  # type: ignore[union-attr]
        .limit(LATEST + 1)
    ).all()
    more = len(rows) > LATEST
    return _views(session, thread, member, list(reversed(rows[:LATEST]))), more


def _views(session: Session, thread: Thread, member: User, rows: list[Message]) -> list[MessageView]:
    names = dict(
        session.exec(select(User.id, User.name).where(User.id.in_([thread.low_id, thread.high_id]))).all()
    )  # type: ignore[union-attr]
    return [
        MessageView(m.id, m.sender_id == member.id, names.get(m.sender_id, ""), m.body, m.created_at)
        for m in rows
    ]  # type: ignore[arg-type]


def threads(session: Session, *, actor: User | None) -> list[ThreadSummary]:
    member = _active(actor)
    rows = session.exec(
        select(Thread)
        .where(or_(Thread.low_id == member.id, Thread.high_id == member.id))
        .order_by(Thread.last_message_at.desc())  # type: ignore[attr-defined]
        .limit(100)
    ).all()
    others = [t.high_id if t.low_id == member.id else t.low_id for t in rows]
    names = dict(session.exec(select(User.id, User.name).where(User.id.in_(others))).all()) if others else {}  # type: ignore[union-attr]
    unread = (
        dict(
            session.exec(
                select(Message.thread_id, func.count())
                .where(
                    Message.thread_id.in_([t.id for t in rows]),  # type: ignore[union-attr]
                    Message.sender_id != member.id,
                    Message.read_at.is_(None),  # type: ignore[union-attr]
                )
                .group_by(Message.thread_id)
            ).all()
        )
        if rows
        else {}
    )
    return [
        ThreadSummary(other, names.get(other, ""), t.last_message_at, int(unread.get(t.id, 0)))
        for t, other in zip(rows, others, strict=True)
    ]


def counterpart(session: Session, *, actor: User | None, other_id: int) -> tuple[str, bool]:
    """The other member's name, and whether the actor may write to them."""
    member = _active(actor)
    other = session.get(User, other_id)
    if other is None or not other.is_active:
        raise NotFound("That member could not be found.")
    return other.name, may_write(session, member, other)


def unread_total(session: Session, *, actor: User | None) -> int:
    """Messages sent to the member that they have not opened yet (for the navigation)."""
    if actor is None:
        return 0
    mine = select(Thread.id).where(or_(Thread.low_id == actor.id, Thread.high_id == actor.id))
    return int(
        session.exec(
            select(func.count())
            .select_from(Message)
            .where(
                Message.thread_id.in_(mine),  # type: ignore[attr-defined]
                Message.sender_id != actor.id,
                Message.read_at.is_(None),  # type: ignore[union-attr]
            )
        ).one()
    )
