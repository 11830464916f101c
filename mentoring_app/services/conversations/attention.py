"""What needs the member now: the header's counts and the top of Home.

``nav_counts`` is the navigation's three numbers (unread notifications, unread messages, requests
waiting for this member's answer) in one SELECT, read in the same trip as the session check.
``needs_you`` is Home's "what needs you now": for mentors, waiting requests with the days left
before they expire and questions not yet answered; for mentees, the answers to their requests and
the next meeting; for both, unread messages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, Select, bindparam, func, or_
from sqlmodel import Session, select

from mentoring_app.models import Meeting, Message, Notification, Relationship, Thread, User
from mentoring_app.models.journeys import PLANNED
from mentoring_app.models.relationships import ACCEPTED, DECLINED, EXPIRED, REQUESTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.mentoring.relationship_access import dashboard_path
from mentoring_app.services.mentoring.relationships import EXPIRE_AFTER

ANSWERS_SHOWN_FOR = timedelta(days=14)  # an answer to a request stays on Home this long
MAX_LINES = 5


@dataclass(frozen=True)
class NavCounts:
    notifications: int = 0
    messages: int = 0
    requests: int = 0


@dataclass(frozen=True)
class WaitingRequest:
    relationship_id: int
    mentee_name: str
    sent_at: datetime
    days_left: int


@dataclass(frozen=True)
class Unanswered:
    other_id: int
    other_name: str
    since: datetime


@dataclass(frozen=True)
class Answer:
    relationship_id: int
    mentor_name: str
    status: str  # accepted, declined, expired
    at: datetime
    path: str


@dataclass(frozen=True)
class NextMeeting:
    relationship_id: int
    partner_name: str
    starts_at: datetime
    path: str


@dataclass(frozen=True)
class NeedsYou:
    waiting_requests: list[WaitingRequest] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    next_meeting: NextMeeting | None = None
    # A mentee with an accepted (live) relationship: Home stops leading with Find a mentor.
    matched_mentee: bool = False

    @property
    def empty(self) -> bool:
        return not (self.waiting_requests or self.unanswered or self.answers or self.next_meeting)


def _my_threads(member_id: int | BindParameter[int]):  # type: ignore[no-untyped-def]
    return select(Thread.id).where(or_(Thread.low_id == member_id, Thread.high_id == member_id))


@functools.cache
def _nav_counts_statement() -> Select:
    """Built once: building this three-subquery statement and its cache key cost about four times
    what running it does, and every page a member opens runs it (see db.py, "prebuilt")."""
    member = bindparam("member")
    notes = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == member, Notification.read_at.is_(None))  # type: ignore[union-attr]
        .scalar_subquery()
    )
    messages = (
        select(func.count())
        .select_from(Message)
        .where(
            Message.thread_id.in_(_my_threads(member)),  # type: ignore[attr-defined, arg-type]
            Message.sender_id != member,
            Message.read_at.is_(None),  # type: ignore[union-attr]
        )
        .scalar_subquery()
    )
    requests = (
        select(func.count())
        .select_from(Relationship)
        .where(Relationship.mentor_id == member, Relationship.status == REQUESTED)
        .scalar_subquery()
    )
    return select(notes, messages, requests)  # type: ignore[call-overload, no-any-return]


def nav_counts(session: Session, *, actor: User | None) -> NavCounts:
    """Unread notifications, unread messages and requests waiting for the member's answer: one query."""
    if actor is None:
        return NavCounts()
    row = session.exec(_nav_counts_statement(), params={"member": actor.id}).one()  # type: ignore[call-overload]
    return NavCounts(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


@functools.cache
def _needs_you_statements() -> dict[str, Select]:
    """Home's reads for "what needs you now", built once (see db.py, "prebuilt"). Parameters:
    ``member``, ``ids`` (expanding), ``since`` and ``now``."""
    member = bindparam("member")
    latest = (
        select(Message.thread_id, func.max(Message.id).label("last_id"))
        .where(Message.thread_id.in_(_my_threads(member)))  # type: ignore[attr-defined, arg-type]
        .group_by(Message.thread_id)
        .subquery()
    )
    return {
        "names": select(User.id, User.name).where(User.id.in_(bindparam("ids", expanding=True))),  # type: ignore[union-attr]
        "waiting": select(Relationship.id, Relationship.mentee_id, Relationship.created_at)
        .where(Relationship.mentor_id == member, Relationship.status == REQUESTED)
        .order_by(Relationship.created_at, Relationship.id)  # type: ignore[arg-type]
        .limit(MAX_LINES),
        "unanswered": select(Message.sender_id, Message.created_at)
        .join(latest, Message.id == latest.c.last_id)  # type: ignore[arg-type]
        .where(Message.sender_id != member)
        .order_by(Message.created_at)  # type: ignore[arg-type]
        .limit(MAX_LINES),
        "answers": select(
            Relationship.id, Relationship.mentor_id, Relationship.status, Relationship.decided_at
        )
        .where(
            Relationship.mentee_id == member,
            Relationship.status.in_([ACCEPTED, DECLINED, EXPIRED]),  # type: ignore[attr-defined]
            Relationship.decided_at >= bindparam("since"),  # type: ignore[operator]
        )
        .order_by(Relationship.decided_at.desc())  # type: ignore[union-attr]
        .limit(MAX_LINES),
        "matched": select(Relationship.id)
        .where(Relationship.mentee_id == member, Relationship.status == ACCEPTED)
        .limit(1),
        "next_meeting": select(
            Meeting.relationship_id, Meeting.starts_at, Relationship.mentor_id, Relationship.mentee_id
        )
        .join(Relationship, Relationship.id == Meeting.relationship_id)  # type: ignore[arg-type]
        .where(
            or_(Relationship.mentee_id == member, Relationship.mentor_id == member),
            Relationship.status == ACCEPTED,
            Meeting.status == PLANNED,
            Meeting.starts_at >= bindparam("now"),  # type: ignore[operator]
        )
        .order_by(Meeting.starts_at)  # type: ignore[arg-type]
        .limit(1),
    }


def _read(session: Session, name: str, **params: object) -> list:  # type: ignore[type-arg]
    return list(session.exec(_needs_you_statements()[name], params=params).all())  # type: ignore[call-overload]


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(_read(session, "names", ids=sorted(ids)))


def _unanswered(session: Session, member_id: int) -> list[Unanswered]:
    """Threads whose latest message is from the other member: they wait for this member's answer."""
    rows = _read(session, "unanswered", member=member_id)
    names = _names(session, {r[0] for r in rows})
    return [Unanswered(sender, names.get(sender, ""), at) for sender, at in rows]


def needs_you(session: Session, *, actor: User | None, now: datetime | None = None) -> NeedsYou:
    """Home's "what needs you now" for the member (empty for an admin who is neither role). Unread
    messages are not here: Home shows the header's count, read with every page."""
    if actor is None or not actor.is_active or not actor.id:
        return NeedsYou()
    now = now or utcnow()
    me = actor.id
    waiting: list[WaitingRequest] = []
    unanswered: list[Unanswered] = []
    answers: list[Answer] = []
    next_meeting: NextMeeting | None = None
    matched = False
    if actor.is_mentor:
        rows = _read(session, "waiting", member=me)
        names = _names(session, {r[1] for r in rows})
        for rid, mentee_id, sent_at in rows:
            left = sent_at + EXPIRE_AFTER - now
            days = max(0, left.days + (1 if left.seconds or left.microseconds else 0))
            waiting.append(WaitingRequest(rid, names.get(mentee_id, ""), sent_at, days))  # type: ignore[arg-type]
        unanswered = _unanswered(session, me)
    if actor.is_mentee:
        rows = _read(session, "answers", member=me, since=now - ANSWERS_SHOWN_FOR)
        names = _names(session, {r[1] for r in rows})
        answers = [
            Answer(
                rid,  # type: ignore[arg-type]
                names.get(mentor_id, ""),
                status,
                decided_at,  # type: ignore[arg-type]
                dashboard_path(rid) if status == ACCEPTED else "/requests",  # type: ignore[arg-type]
            )
            for rid, mentor_id, status, decided_at in rows
        ]
        matched = bool(_read(session, "matched", member=me))
    if actor.is_mentee or actor.is_mentor:
        found = _read(session, "next_meeting", member=me, now=now)
        if found:
            rid, starts_at, mentor_id, mentee_id = found[0]
            partner = mentor_id if mentee_id == me else mentee_id
            next_meeting = NextMeeting(
                rid,
                _names(session, {partner}).get(partner, ""),
                starts_at,
                dashboard_path(rid) + "?section=meetings",
            )
    return NeedsYou(
        waiting_requests=waiting,
        unanswered=unanswered,
        answers=answers,
        next_meeting=next_meeting,
        matched_mentee=matched,
    )
