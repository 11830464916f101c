"""The relationship dashboard: the member's list of relationships, one relationship's overview,
progress at a glance, and a cheap version number the page polls to show the other member's
changes live.

Only the two members see a dashboard (admins too get NotFound: their views live elsewhere). An
ended or withdrawn relationship keeps its dashboard, read-only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, bindparam, func, or_
from sqlmodel import Session, select

from mentoring_app.models import (
    Goal,
    Journey,
    Meeting,
    Message,
    Milestone,
    Profile,
    Relationship,
    RelationshipEvent,
    Thread,
    User,
)
from mentoring_app.models.journeys import ACHIEVED, DROPPED, HELD, PLANNED
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.discovery import profiles
from mentoring_app.services.mentoring import agreement as agreement_service
from mentoring_app.services.mentoring.relationship_access import (
    DASHBOARD_STATUSES,
    active,
    dashboard_path,
    journeys,
    member_relationship,
    partner_id,
    role_of,
)
from mentoring_app.services.mentoring.status import is_informal, status_label


@dataclass(frozen=True)
class Progress:
    """Progress at a glance, for the pair: the latest journey's goals (dropped ones left out), their
    milestones and the meetings held in it; days since last contact over the whole relationship.
    With one journey (or none yet) every goal and meeting counts."""

    goals_total: int
    goals_achieved: int
    milestones_done: int
    milestones_total: int
    meetings_held: int
    minutes: int
    last_contact: date | None
    days_since_last_contact: int | None
    journey_number: int = 1

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class RelationshipSummary:
    """One line of the member's list of relationships (home page)."""

    relationship_id: int
    path: str
    partner_id: int
    partner_name: str
    partner_photo: str | None
    role: str  # the actor's role: "mentor" or "mentee"
    status: str
    status_label: str
    informal: bool
    since: datetime | None
    ended_at: datetime | None
    goals_total: int
    goals_achieved: int
    meetings_held: int
    next_meeting_at: datetime | None


@dataclass(frozen=True)
class Overview:
    """The Details section and the dashboard's header."""

    relationship_id: int
    path: str
    partner_id: int
    partner_name: str
    partner_photo: str | None
    partner_headline: str
    role: str
    status: str
    status_label: str
    requested_at: datetime
    accepted_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    informal_since: datetime | None
    contact: profiles.ContactView | None  # partner's details, while the relationship is accepted
    journey_number: int
    journeys_count: int
    read_only: bool
    agreement_state: str  # as agreement.AgreementView.state


def _accepted_at(session: Session, rel: Relationship) -> datetime | None:
    at = session.exec(
        select(func.min(RelationshipEvent.at)).where(
            RelationshipEvent.relationship_id == rel.id, RelationshipEvent.to_status == ACCEPTED
        )
    ).one()
    return at or rel.decided_at


def overview(
    session: Session, *, actor: User | None, relationship_id: int, agreement_state: str | None = None
) -> Overview:
    """The partner, the status and its dates, the journey, and the agreement's state (given when
    the caller has read the agreement already)."""
    member, rel = member_relationship(session, actor, relationship_id)
    other_id = partner_id(rel, member.id)  # type: ignore[arg-type]
    other, profile = session.get(User, other_id), session.get(Profile, other_id)
    # The member is one of this accepted pair (member_relationship checked it): the partner's
    # contact details are theirs to see.
    contact = profiles.partner_contact(session, partner=other) if rel.status == ACCEPTED and other else None
    found = journeys(session, rel.id)  # type: ignore[arg-type]
    return Overview(
        relationship_id=rel.id,  # type: ignore[arg-type]
        path=dashboard_path(rel.id),  # type: ignore[arg-type]
        partner_id=other_id,
        partner_name=other.name if other else "",
        partner_photo=profile.photo if profile else None,
        partner_headline=profile.headline if profile else "",
        role=role_of(rel, member.id),  # type: ignore[arg-type]
        status=rel.status,
        status_label=status_label(rel.status, rel.informal_since),
        requested_at=rel.created_at,
        accepted_at=_accepted_at(session, rel),
        ended_at=rel.ended_at,
        end_reason=rel.end_reason or "",
        informal_since=rel.informal_since if is_informal(rel.status, rel.informal_since) else None,
        contact=contact,
        journey_number=found[-1].number if found else 1,
        journeys_count=max(len(found), 1),
        read_only=rel.status != ACCEPTED,
        agreement_state=agreement_state
        if agreement_state is not None
        else agreement_service.agreement(session, actor=member, relationship_id=rel.id).state,  # type: ignore[arg-type]
    )


def _thread_of(session: Session, rel: Relationship) -> int | None:
    low, high = sorted((rel.mentee_id, rel.mentor_id))
    return session.exec(select(Thread.id).where(Thread.low_id == low, Thread.high_id == high)).first()


@functools.cache
def _progress_statements(later_journey: bool) -> tuple[Select, Select]:
    """The goals, and the meetings held with the latest contact of each kind, of a relationship:
    built once per shape (see db.py, "prebuilt"; Home and every dashboard read them).

    Parameters: ``rel``, ``low`` and ``high`` (the pair's member ids, for their thread) and, for a
    later journey, ``journey`` and ``journey_start`` (a date)."""
    rel = bindparam("rel")
    goal_scope = [Journey.relationship_id == rel, Goal.status != DROPPED]
    meeting_scope = [Meeting.relationship_id == rel, Meeting.status == HELD]
    if later_journey:
        # A later journey counts its own goals and meetings; the earlier ones stay on record (Goals,
        # Meetings, the CPD record). A meeting logged outside any journey (while continuing
        # informally) counts if it was held once this journey had started.
        journey = bindparam("journey")
        goal_scope.append(Goal.journey_id == journey)
        meeting_scope.append(
            or_(
                Meeting.journey_id == journey,
                and_(Meeting.journey_id.is_(None), Meeting.held_on >= bindparam("journey_start")),  # type: ignore[union-attr, operator]
            )
        )
    goals = (
        select(Goal.id, Goal.status, Goal.updated_at)
        .join(Journey, Goal.journey_id == Journey.id)  # type: ignore[arg-type]
        .where(*goal_scope)
    )
    # The meetings held, their minutes and the latest contact of each kind, in one statement.
    moments = select(  # type: ignore[call-overload]
        select(func.count()).where(*meeting_scope).scalar_subquery(),
        select(func.coalesce(func.sum(Meeting.duration_minutes), 0)).where(*meeting_scope).scalar_subquery(),
        select(func.max(Meeting.held_on))
        .where(Meeting.relationship_id == rel, Meeting.status == HELD)
        .scalar_subquery(),
        select(func.max(Message.created_at))
        .join(Thread, Thread.id == Message.thread_id)  # type: ignore[arg-type]
        .where(Thread.low_id == bindparam("low"), Thread.high_id == bindparam("high"))
        .scalar_subquery(),
        select(func.max(Goal.updated_at))
        .join(Journey, Goal.journey_id == Journey.id)  # type: ignore[arg-type]
        .where(Journey.relationship_id == rel)
        .scalar_subquery(),
    )
    return goals, moments  # type: ignore[return-value]


def _progress(session: Session, rel: Relationship, today: date) -> Progress:
    found = journeys(session, rel.id)  # type: ignore[arg-type]
    latest = found[-1] if found else None
    later = latest is not None and latest.number > 1
    goals, moments_statement = _progress_statements(later)
    low, high = sorted((rel.mentee_id, rel.mentor_id))
    params: dict[str, object] = {"rel": rel.id, "low": low, "high": high}
    if later:
        params |= {"journey": latest.id, "journey_start": latest.started_at.date()}  # type: ignore[union-attr]
    goal_rows = session.exec(goals, params=params).all()  # type: ignore[call-overload]
    goal_ids = [g for g, _, _ in goal_rows]
    milestones = (
        session.exec(
            select(Milestone.done_at, Milestone.updated_at).where(Milestone.goal_id.in_(goal_ids))
        ).all()  # type: ignore[attr-defined]
        if goal_ids
        else []
    )
    row = session.exec(moments_statement, params=params).one()  # type: ignore[call-overload]
    held = (row[0], row[1])
    last_held, last_message, last_goal_change = row[2], row[3], row[4]
    moments: list[date] = [d for d in (last_held,) if d]
    moments += [t.date() for t in (last_message, last_goal_change) if t]
    moments += [u.date() for _, u in milestones if u]
    last = max(moments) if moments else None
    return Progress(
        goals_total=len(goal_rows),
        goals_achieved=sum(1 for _, status, _ in goal_rows if status == ACHIEVED),
        milestones_done=sum(1 for done, _ in milestones if done is not None),
        milestones_total=len(milestones),
        meetings_held=int(held[0]),
        minutes=int(held[1]),
        last_contact=last,
        days_since_last_contact=max((today - last).days, 0) if last else None,
        journey_number=latest.number if latest else 1,
    )


def progress(
    session: Session, *, actor: User | None, relationship_id: int, today: date | None = None
) -> Progress:
    """Goals, milestones, meetings and hours, and days since the pair were last in contact (their
    latest message, meeting held, or change to a goal or milestone; None if never)."""
    _, rel = member_relationship(session, actor, relationship_id)
    return _progress(session, rel, today or utcnow().date())


@functools.cache
def _my_relationships_statement() -> Select:
    """Built once (see db.py, "prebuilt"): every Home reads the member's relationships."""
    member = bindparam("member")
    return select(Relationship).where(  # type: ignore[return-value]
        or_(Relationship.mentee_id == member, Relationship.mentor_id == member),
        Relationship.status.in_(DASHBOARD_STATUSES),  # type: ignore[attr-defined]
    )


@functools.cache
def _next_meeting_statement() -> Select:
    return select(func.min(Meeting.starts_at)).where(  # type: ignore[return-value]
        Meeting.relationship_id == bindparam("rel"), Meeting.status == PLANNED
    )


def my_relationships(
    session: Session, *, actor: User | None, today: date | None = None
) -> list[RelationshipSummary]:
    """The member's relationships for the home page: active first (newest first), then the rest."""
    member = active(actor)
    rows = session.exec(_my_relationships_statement(), params={"member": member.id}).all()  # type: ignore[call-overload]
    today = today or utcnow().date()
    summaries = []
    for rel in rows:
        other_id = partner_id(rel, member.id)  # type: ignore[arg-type]
        other, profile = session.get(User, other_id), session.get(Profile, other_id)
        glance = _progress(session, rel, today)
        next_meeting = session.exec(_next_meeting_statement(), params={"rel": rel.id}).one()  # type: ignore[call-overload]
        summaries.append(
            RelationshipSummary(
                relationship_id=rel.id,  # type: ignore[arg-type]
                path=dashboard_path(rel.id),  # type: ignore[arg-type]
                partner_id=other_id,
                partner_name=other.name if other else "",
                partner_photo=profile.photo if profile else None,
                role=role_of(rel, member.id),  # type: ignore[arg-type]
                status=rel.status,
                status_label=status_label(rel.status, rel.informal_since),
                informal=is_informal(rel.status, rel.informal_since),
                since=rel.decided_at,
                ended_at=rel.ended_at,
                goals_total=glance.goals_total,
                goals_achieved=glance.goals_achieved,
                meetings_held=glance.meetings_held,
                next_meeting_at=next_meeting,
            )
        )
    newest = datetime.min.replace(tzinfo=utcnow().tzinfo)
    summaries.sort(key=lambda s: (s.status != ACCEPTED, -(s.since or newest).timestamp(), -s.relationship_id))
    return summaries


def version(session: Session, *, actor: User | None, relationship_id: int) -> tuple[int, int, str]:
    """What the page polls: (dashboard revision, latest message id of the pair, status). It changes
    whenever goals, milestones, meetings, the agreement, reflections, messages or status change."""
    _, rel = member_relationship(session, actor, relationship_id)
    row = session.exec(
        select(Relationship.revision, Relationship.status).where(Relationship.id == rel.id)
    ).one()
    thread_id = _thread_of(session, rel)
    last_message = (
        session.exec(select(func.max(Message.id)).where(Message.thread_id == thread_id)).one()
        if thread_id
        else None
    )
    return int(row[0]), int(last_message or 0), str(row[1])
