"""Save mentor and the Shortlist: the mentors a mentee keeps an eye on.

Only mentees save; only active mentors can be saved (never oneself); each mentee sees and changes
their own shortlist only (the actor is the owner: no id of a shortlist ever comes from the
browser). A saved mentor who stops being available stays on the list and says why: not taking
new mentees, no places left, no longer mentoring, or no longer on the platform.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from mentoring_app.models import Profile, Relationship, SavedMentor, User
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed

MAX_SAVED = 100
AVAILABLE = "Available for new mentees"
NOT_TAKING = "Not taking new mentees at the moment"
FULL = "No places left at the moment"
NOT_LISTED = "Not offered in Find mentor at the moment"
NOT_MENTORING = "No longer mentoring"
GONE = "No longer on the platform"


@dataclass(frozen=True)
class SavedView:
    mentor_id: int
    name: str
    headline: str
    photo: str | None
    available: bool  # may be asked for mentoring now
    status: str  # AVAILABLE, or why not
    visible: bool  # their profile can be opened
    saved_at: datetime


def _mentee(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    if not actor.is_mentee:
        raise NotAllowed("The shortlist is for mentees. Add the mentee role to save mentors.")
    return actor


def _savable(session: Session, mentee: User, mentor_id: int) -> User:
    mentor = session.get(User, mentor_id) if mentor_id > 0 else None
    if mentor is None or not mentor.is_active or not mentor.is_mentor:
        raise NotFound("That mentor could not be found.")
    if mentor.id == mentee.id:
        raise NotAllowed("You cannot save yourself as a mentor.")
    return mentor


def save_mentor(session: Session, *, actor: User | None, mentor_id: int) -> None:
    """Put a mentor on the actor's shortlist (saving twice, or from two tabs, keeps one row)."""
    mentee = _mentee(actor)
    _savable(session, mentee, mentor_id)
    count = session.execute(
        select(func.count()).select_from(SavedMentor).where(SavedMentor.mentee_id == mentee.id)  # type: ignore[arg-type]
    ).scalar_one()
    if count >= MAX_SAVED and not is_saved(session, actor=mentee, mentor_id=mentor_id):
        raise ValidationFailed(
            {"shortlist": f"Your shortlist holds {MAX_SAVED} mentors. Remove one to save another."}
        )
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(SavedMentor)
        .values(mentee_id=mentee.id, mentor_id=mentor_id, saved_at=utcnow())
        .on_conflict_do_nothing(index_elements=["mentee_id", "mentor_id"])
    )
    session.commit()


def remove_mentor(session: Session, *, actor: User | None, mentor_id: int) -> bool:
    """Take a mentor off the actor's own shortlist; whether they were on it."""
    mentee = _mentee(actor)
    result = session.execute(
        delete(SavedMentor).where(SavedMentor.mentee_id == mentee.id, SavedMentor.mentor_id == mentor_id)  # type: ignore[arg-type]
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def is_saved(session: Session, *, actor: User | None, mentor_id: int) -> bool:
    if actor is None or not actor.is_mentee:
        return False
    return (
        session.execute(
            select(SavedMentor.mentor_id).where(
                SavedMentor.mentee_id == actor.id,  # type: ignore[arg-type]
                SavedMentor.mentor_id == mentor_id,  # type: ignore[arg-type]
            )
        ).first()
        is not None
    )


def status_of(user: User, profile: Profile | None, accepted: int) -> str:
    """Whether a saved mentor may be asked now, in the words the Shortlist shows."""
    if not user.is_active:
        return GONE
    if not user.is_mentor:
        return NOT_MENTORING
    if profile is None or not profile.available:
        return NOT_TAKING
    if accepted >= profile.capacity:
        return FULL
    if not profile.mentor_matchable:
        return NOT_LISTED
    return AVAILABLE


@functools.cache
def _shortlist_statement() -> Select:
    """A mentee's saved mentors with their user, profile and accepted count (built once: Find
    mentor reads it with every search)."""
    accepted = (
        select(Relationship.mentor_id, func.count().label("n"))
        .where(Relationship.status == ACCEPTED)  # type: ignore[arg-type]
        .group_by(Relationship.mentor_id)
        .subquery()
    )
    return (
        select(SavedMentor.saved_at, User, Profile, func.coalesce(accepted.c.n, 0))
        .join(User, User.id == SavedMentor.mentor_id)  # type: ignore[arg-type]
        .outerjoin(Profile, Profile.user_id == SavedMentor.mentor_id)  # type: ignore[arg-type]
        .outerjoin(accepted, accepted.c.mentor_id == SavedMentor.mentor_id)
        .where(SavedMentor.mentee_id == bindparam("mentee"))  # type: ignore[arg-type]
        .order_by(SavedMentor.saved_at.desc(), SavedMentor.mentor_id)  # type: ignore[attr-defined]
    )


def list_shortlist(session: Session, *, actor: User | None) -> list[SavedView]:
    """The actor's own shortlist, most recently saved first, each with what it says now."""
    mentee = _mentee(actor)
    rows = session.execute(_shortlist_statement(), {"mentee": mentee.id}).all()
    views = []
    for saved_at, user, profile, n in rows:
        status = status_of(user, profile, int(n))
        views.append(
            SavedView(
                mentor_id=user.id,
                name=user.name,
                headline=profile.headline if profile and user.is_active else "",
                photo=profile.photo if profile and user.is_active else None,
                available=status == AVAILABLE,
                status=status,
                visible=user.is_active,
                saved_at=saved_at,
            )
        )
    return views
