"""Whether a mentor may be offered in Find mentor now, kept on their rows, and announced.

Its own module because it builds on both the search (``matching.is_offered``) and Notify me
(``mentor_alerts``), which itself builds on the search: so neither of those imports the other
back.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlmodel import Session

from mentoring_app.models import MemberCriterion, Profile, Relationship, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.services.discovery.matching import is_offered


def sync_offer(session: Session, user_id: int) -> None:
    """Copy whether a mentor may be offered onto their criteria rows (after any change to that:
    profile, availability, capacity, activation, or a relationship starting or ending).

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
        session.add(profile)
    session.execute(
        update(MemberCriterion)
        .where(MemberCriterion.user_id == user_id, MemberCriterion.side == MENTOR_SIDE)  # type: ignore[arg-type]
        .values(offered=flag)
    )
    if flag and not was_offered:
        from mentoring_app.services.discovery import mentor_alerts

        mentor_alerts.notify_matching_alerts(session, mentor_id=user_id)
