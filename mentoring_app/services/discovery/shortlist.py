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


def _status(
    *,
    is_active: bool,
    is_mentor: bool,
    has_profile: bool,
    available: bool,
    capacity: int,
    matchable: bool,
    accepted: int,
) -> str:
    """Whether a saved mentor may be asked now, in the words the Shortlist shows."""
    if not is_active:
        return GONE
    if not is_mentor:
        return NOT_MENTORING
    if not has_profile or not available:
        return NOT_TAKING
    if accepted >= capacity:
        return FULL
    if not matchable:
        return NOT_LISTED
    return AVAILABLE


@functools.cache
def _shortlist_statement() -> Select:
    """A mentee's saved mentors: the columns the Shortlist shows and decides by, and each mentor's
    accepted count (built once: Find mentor reads it with every search). Columns rather than
    whole members and profiles, and the count per saved mentor (the mentor-and-status index)
    rather than over every accepted relationship on the platform."""
    accepted = (
        select(func.count())
        .where(Relationship.mentor_id == SavedMentor.mentor_id, Relationship.status == ACCEPTED)  # type: ignore[arg-type]
        .correlate(SavedMentor)
        .scalar_subquery()
    )
    return (
        select(
            SavedMentor.saved_at,
            User.id,
            User.name,
            User.is_active,
            User.is_mentor,
            Profile.user_id,
            Profile.headline,
            Profile.photo,
            Profile.available,
            Profile.capacity,
            Profile.mentor_matchable,
            accepted,
        )
        .join(User, User.id == SavedMentor.mentor_id)  # type: ignore[arg-type]
        .outerjoin(Profile, Profile.user_id == SavedMentor.mentor_id)  # type: ignore[arg-type]
        .where(SavedMentor.mentee_id == bindparam("mentee"))  # type: ignore[arg-type]
        .order_by(SavedMentor.saved_at.desc(), SavedMentor.mentor_id)  # type: ignore[attr-defined]
    )


def list_shortlist(session: Session, *, actor: User | None) -> list[SavedView]:
    """The actor's own shortlist, most recently saved first, each with what it says now."""
    mentee = _mentee(actor)
    rows = session.execute(_shortlist_statement(), {"mentee": mentee.id}).all()
    views = []
    for (
        saved_at,
        mentor_id,
        name,
        is_active,
        is_mentor,
        profile_id,
        headline,
        photo,
        available,
        capacity,
        matchable,
        n,
    ) in rows:
        has_profile = profile_id is not None
        status = _status(
            is_active=is_active,
            is_mentor=is_mentor,
            has_profile=has_profile,
            available=bool(available),
            capacity=capacity or 0,
            matchable=bool(matchable),
            accepted=int(n or 0),
        )
        views.append(
            SavedView(
                mentor_id=mentor_id,
                name=name,
                headline=(headline or "") if has_profile and is_active else "",
                photo=photo if has_profile and is_active else None,
                available=status == AVAILABLE,
                status=status,
                visible=is_active,
                saved_at=saved_at,
            )
        )
    return views
