"""Who may read and write a relationship's dashboard, shared by the dashboard services.

Only the two members of a relationship see its dashboard: anyone else, admins included, gets the
same NotFound whether the id exists or not, so guessing ids reveals nothing. Only accepted
relationships take writes; an ended or withdrawn one is kept read-only, as a record. Every write
bumps ``relationships.revision`` with a conditional UPDATE (status still accepted), which both
tells the other member's page that something changed and serialises writes per relationship.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Select, bindparam, update
from sqlmodel import Session, select

from mentoring_app import live
from mentoring_app.models import Journey, Meeting, Relationship, User
from mentoring_app.models.journeys import CANCELLED, PLANNED
from mentoring_app.models.relationships import ACCEPTED, ENDED, WITHDRAWN
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotAllowed, NotFound

DASHBOARD_STATUSES = (ACCEPTED, ENDED, WITHDRAWN)
NOT_FOUND = "That relationship could not be found."
READ_ONLY = "This relationship has ended, so it is read-only."
INFORMAL = "You are continuing informally. Start a new journey to set goals and an agreement again."
MENTOR, MENTEE = "mentor", "mentee"


def dashboard_path(relationship_id: int) -> str:
    """The dashboard's route, used in notifications, emails and calendar invites."""
    return f"/relationships/{relationship_id}"


def active(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    return actor


def member_relationship(
    session: Session, actor: User | None, relationship_id: int
) -> tuple[User, Relationship]:
    """The actor and the relationship, if the actor is one of its pair and it has a dashboard."""
    member = active(actor)
    rel = session.get(Relationship, relationship_id)
    if rel is None or member.id not in (rel.mentee_id, rel.mentor_id) or rel.status not in DASHBOARD_STATUSES:
        raise NotFound(NOT_FOUND)
    memo: dict[object, object] | None = session.info.get(_READ_MEMO)
    if memo is not None:
        memo[("relationship", rel.id)] = rel  # held for the pass: read once
    return member, rel


def writable_relationship(
    session: Session, actor: User | None, relationship_id: int
) -> tuple[User, Relationship]:
    """As ``member_relationship``, and refuse if the relationship is no longer accepted."""
    member, rel = member_relationship(session, actor, relationship_id)
    if rel.status != ACCEPTED:
        raise NotAllowed(READ_ONLY)
    return member, rel


# The dashboard's parts a change can name (live topic ``relationship:<id>:<part>``), so that open
# dashboards re-read that part only; a change that names none reloads the whole dashboard.
GOALS_PART, MEETINGS_PART, AGREEMENT_PART, ENDING_PART = "goals", "meetings", "agreement", "ending"


def bump(session: Session, rel: Relationship, *, now: datetime | None = None, part: str = "") -> None:
    """Claim the write: bump the revision while the relationship is still accepted (else refuse).

    Also sets ``updated_at`` to ``now``: the relationship's last dashboard change, which the admin
    dashboard reads to find pairs with no activity. Call it after validating input and before
    changing rows, in the transaction that changes them.
    """
    result = session.exec(
        update(Relationship)  # type: ignore[call-overload]
        .where(Relationship.id == rel.id, Relationship.status == ACCEPTED)
        .values(revision=Relationship.revision + 1, updated_at=now or utcnow())
    )
    if result.rowcount != 1:
        session.rollback()
        raise NotAllowed(READ_ONLY)
    # Both members' open dashboards show it once the caller commits (``part``: what changed).
    live.publish_after_commit(
        session,
        [rel.mentor_id, rel.mentee_id],
        live.relationship_topic(rel.id, part),  # type: ignore[arg-type]
    )


def partner_id(rel: Relationship, member_id: int) -> int:
    return rel.mentor_id if member_id == rel.mentee_id else rel.mentee_id


def role_of(rel: Relationship, member_id: int) -> str:
    """The member's role in this relationship: "mentor" or "mentee"."""
    return MENTOR if member_id == rel.mentor_id else MENTEE


_READ_MEMO = "relationship_read_pass"  # Session.info key: what one read-only pass has read


@contextmanager
def read_pass(session: Session) -> Iterator[None]:
    """A read-only pass over dashboards (nothing is written inside it): each relationship's
    journeys are read once, however many parts ask for them, and each relationship read stays in
    the session for the pass (SQLAlchemy forgets objects nobody holds, and would read them again)."""
    outer = _READ_MEMO in session.info
    if not outer:
        session.info[_READ_MEMO] = {}
    try:
        yield
    finally:
        if not outer:
            session.info.pop(_READ_MEMO, None)


@functools.cache
def _journeys_statement() -> Select:
    """Built once (see db.py, "prebuilt"): Home and every dashboard read a relationship's journeys."""
    return (
        select(Journey)  # type: ignore[return-value]
        .where(Journey.relationship_id == bindparam("rel"))
        .order_by(Journey.number)  # type: ignore[arg-type]
        .execution_options(populate_existing=True)
    )


def journeys(session: Session, relationship_id: int) -> list[Journey]:
    """The relationship's journeys, first to latest."""
    memo: dict[object, object] | None = session.info.get(_READ_MEMO)
    if memo is not None and ("journeys", relationship_id) in memo:
        return list(memo[("journeys", relationship_id)])  # type: ignore[call-overload]
    found = list(session.exec(_journeys_statement(), params={"rel": relationship_id}).all())  # type: ignore[call-overload]
    if memo is not None:
        memo[("journeys", relationship_id)] = tuple(found)
    return found


def latest_journey(session: Session, relationship_id: int) -> Journey | None:
    found = journeys(session, relationship_id)
    return found[-1] if found else None


def open_journey(session: Session, rel: Relationship, now: datetime) -> Journey:
    """The open journey, creating journey 1 on first use. Call after ``bump`` (which serialises
    concurrent first writes, so two tabs cannot both create journey 1)."""
    latest = latest_journey(session, rel.id)  # type: ignore[arg-type]
    if latest is not None and latest.closed_at is None:
        return latest
    if rel.informal_since is not None or latest is not None:
        raise NotAllowed(INFORMAL)
    journey = Journey(relationship_id=rel.id, number=1, started_at=rel.decided_at or now)  # type: ignore[arg-type]
    session.add(journey)
    session.flush()
    return journey


def wind_down(session: Session, rel: Relationship, *, reason: str, now: datetime) -> None:
    """When a relationship ends or is withdrawn: close its open journey and call off planned
    meetings, so nothing on the read-only record looks as if it were still going on."""
    live.publish_after_commit(
        session,
        [rel.mentor_id, rel.mentee_id],
        live.REQUEST,
        live.relationship_topic(rel.id),  # type: ignore[arg-type]
    )
    latest = latest_journey(session, rel.id)  # type: ignore[arg-type]
    if latest is not None and latest.closed_at is None:
        latest.closed_at, latest.closed_reason = now, reason
        session.add(latest)
    session.exec(
        update(Meeting)  # type: ignore[call-overload]
        .where(Meeting.relationship_id == rel.id, Meeting.status == PLANNED)
        .values(status=CANCELLED, updated_at=now)
    )
