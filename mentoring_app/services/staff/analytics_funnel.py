"""The mentoring funnel of the admin dashboard (services/staff/analytics)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from mentoring_app.models import Goal, Journey, Meeting, Profile, Relationship, User
from mentoring_app.models.journeys import ACHIEVED, HELD
from mentoring_app.models.relationships import ENDED
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.analytics_common import (
    STARTED,
    Funnel,
    FunnelStage,
    _count_if,
    months_between,
)

FUNNEL_STAGES = (
    ("registered", "Registered"),
    ("profile_complete", "Profile complete"),
    ("requested", "Requested a mentor"),
    ("accepted", "Accepted"),
    ("first_step", "Agreement confirmed or first meeting"),
    ("goal_set", "Goal set"),
    ("goal_achieved", "Goal achieved"),
    ("ended_well", "Ended well"),
)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def funnel(session: Session, *, actor: User | None, start: date, end: date) -> Funnel:
    """The mentoring funnel of the mentees who registered in the range (months inclusive).

    The stages: profile complete (the completeness indicator at 100%), sent a request, had one
    accepted, a first step (an agreement both sides confirmed, or a meeting held), set a goal (any
    goal proposed, even if dropped later), achieved one, and ended a relationship normally (ended,
    not withdrawn). A mentee reaches a stage through any of their relationships, at any time up to
    now. Each stage counts the mentees who reached it *and every earlier stage*, so the counts only
    go down and each conversion is at most 100%: a mentee who ended well without ever achieving a
    goal stops at the last stage they reached in order.

    Two queries: the cohort and its complete profiles; then, for the relationships of the mentees
    with a complete profile only (no later stage counts without it), one row of flags per mentee,
    each flag an indexed EXISTS on the relationship's journeys, goals and meetings.
    """
    require_admin(actor)
    months = months_between(start, end)
    cohort = and_(
        User.is_mentee.is_(True),  # type: ignore[attr-defined]
        User.created_at >= months[0].start,  # type: ignore[operator]
        User.created_at < months[-1].end,  # type: ignore[operator]
    )
    complete = func.coalesce(Profile.completeness, 0) >= 100
    registered, profile_complete = session.execute(
        select(func.count(User.id), _count_if(complete))
        .select_from(User.__table__.outerjoin(Profile, Profile.user_id == User.id))  # type: ignore[attr-defined]
        .where(cohort)
    ).one()
    complete_mentees = select(User.id).join(Profile, Profile.user_id == User.id).where(cohort, complete)  # type: ignore[arg-type]
    of_relationship = Journey.relationship_id == Relationship.id
    confirmed = exists().where(
        of_relationship,
        Journey.mentee_confirmed_at.is_not(None),  # type: ignore[union-attr]
        Journey.mentor_confirmed_at.is_not(None),  # type: ignore[union-attr]
    )
    held = exists().where(Meeting.relationship_id == Relationship.id, Meeting.status == HELD)
    any_goal = exists().where(of_relationship, Goal.journey_id == Journey.id)
    achieved = exists().where(of_relationship, Goal.journey_id == Journey.id, Goal.status == ACHIEVED)
    started = Relationship.status.in_(STARTED)  # type: ignore[attr-defined]
    per_mentee = (
        select(
            _flag(started).label("accepted"),
            _flag(and_(started, or_(confirmed, held))).label("first_step"),
            _flag(and_(started, any_goal)).label("goal_set"),
            _flag(and_(started, achieved)).label("goal_achieved"),
            _flag(Relationship.status == ENDED).label("ended_well"),
        )
        .where(Relationship.mentee_id.in_(complete_mentees))  # type: ignore[attr-defined]
        .group_by(Relationship.mentee_id)
        .subquery("per_mentee")
    )
    columns: list[ColumnElement] = [func.count()]  # "requested": any relationship at all
    so_far: list[ColumnElement[bool]] = []
    for key, _label in FUNNEL_STAGES[3:]:  # accepted onwards
        so_far.append(per_mentee.c[key] == 1)
        columns.append(_count_if(and_(*so_far)))
    later = session.execute(select(*columns).select_from(per_mentee)).one()
    counts = [int(registered or 0), int(profile_complete or 0), *(int(c or 0) for c in later)]
    first = counts[0]
    stages: list[FunnelStage] = []
    previous: int | None = None
    for (key, label), count in zip(FUNNEL_STAGES, counts, strict=True):
        stages.append(
            FunnelStage(
                key=key,
                label=label,
                count=count,
                from_previous=count / previous if previous else None,
                from_first=count / first if first else None,
            )
        )
        previous = count
    return Funnel(start=months[0].key, end=months[-1].key, stages=tuple(stages))
