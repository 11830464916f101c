"""Whether a mentor may be offered in Find mentor now, kept on their rows, and announced.

Its own module because it builds on both the search (``matching.is_offered``) and Notify me
(``mentor_alerts``), which itself builds on the search: so neither of those imports the other
back.
"""

from __future__ import annotations

import statistics

from sqlalchemy import func, select, update
from sqlmodel import Session

from mentoring_app.models import MemberCriterion, Profile, Relationship, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.services.discovery.matching import is_offered


def sync_offer(session: Session, user_id: int) -> None:
    """Copy whether a mentor may be offered onto their criteria rows (after any change to that:
    profile, availability, capacity, activation, a request answered, or a relationship starting or
    ending), with Find mentor's tie-breaks: places left and how quickly they usually answer.

    A mentor who becomes offered (was not, now is) is announced to the mentees whose alerts they
    match, in the caller's transaction: the caller commits, as it does for the flag itself.
    """
    user, profile = session.get(User, user_id), session.get(Profile, user_id)
    accepted = session.execute(
        select(func.count())
        .select_from(Relationship)
        .where(Relationship.mentor_id == user_id, Relationship.status == ACCEPTED)
    ).scalar_one()
    flag = bool(user and profile and is_offered(user, profile, int(accepted)))
    was_offered = bool(profile is not None and profile.offered)
    if profile is not None:
        profile.offered = flag
        profile.places_left = max(profile.capacity - int(accepted), 0)
        profile.answer_hours = answer_hours(session, user_id)
        session.add(profile)
    session.execute(
        update(MemberCriterion)
        .where(MemberCriterion.user_id == user_id, MemberCriterion.side == MENTOR_SIDE)  # type: ignore[arg-type]
        .values(offered=flag)
    )
    if flag and not was_offered:
        from mentoring_app.services.discovery import mentor_alerts

        mentor_alerts.notify_matching_alerts(session, mentor_id=user_id)


def answer_hours(session: Session, mentor_id: int) -> int | None:
    """The median whole hours this mentor took to accept or decline a request (None: never did)."""
    taken = [
        max((decided - created).total_seconds(), 0) / 3600
        for created, decided in session.execute(
            select(Relationship.created_at, Relationship.decided_at).where(
                Relationship.mentor_id == mentor_id,
                Relationship.decided_at.is_not(None),  # type: ignore[union-attr]
            )
        )
    ]
    return int(statistics.median(taken)) if taken else None
