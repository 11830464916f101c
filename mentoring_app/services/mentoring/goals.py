"""SMART goals and their milestones.

Either member proposes a goal; the *other* member agrees to it, so every goal is one both have
accepted. Then it is in progress (by hand, or on its first milestone done), achieved or dropped.
Editing the text of an agreed or in-progress goal sends it back to "proposed" with the editor as
proposer: the other member agrees again to what is now written (as with the agreement). Achieved
and dropped goals, and every goal of a closed journey, are read-only: they are the record.
A goal's progress is milestones done / milestones, and 100% once achieved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from mentoring_app.models import Goal, Journey, Milestone, Relationship, User
from mentoring_app.models.journeys import (
    ACHIEVED,
    AGREED,
    DROPPED,
    IN_PROGRESS,
    OPEN_GOAL_STATUSES,
    PROPOSED,
)
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import notifications
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import (
    GOALS_PART,
    bump,
    dashboard_path,
    member_relationship,
    open_journey,
    partner_id,
    writable_relationship,
)
from mentoring_app.services.mentoring.smart import (  # noqa: F401 - the SMART tool, read from here too
    MAX_PART,
    MAX_SPECIFIC,
    MIN_PART,
    NO_EVIDENCE,
    SMART,
    SmartPart,
    parse_date,
    validate_goal,
)

MAX_MILESTONE_TITLE = 200
MAX_MILESTONE_NOTE = 1000
MAX_MILESTONES = 30
GOAL_NOT_FOUND = "That goal could not be found."
MILESTONE_NOT_FOUND = "That milestone could not be found."
STATUS_LABELS = {
    PROPOSED: "Proposed",
    AGREED: "Agreed",
    IN_PROGRESS: "In progress",
    ACHIEVED: "Achieved",
    DROPPED: "Dropped",
}
# The moves a goal may make, (from, to); agreeing is further kept for the member who did not propose.
_MOVES = {
    (PROPOSED, AGREED),
    (AGREED, IN_PROGRESS),
    (AGREED, ACHIEVED),
    (IN_PROGRESS, ACHIEVED),
    (PROPOSED, DROPPED),
    (AGREED, DROPPED),
    (IN_PROGRESS, DROPPED),
}


@dataclass(frozen=True)
class MilestoneView:
    id: int
    goal_id: int
    title: str
    due_date: date | None
    done_at: datetime | None
    note: str
    position: int
    overdue: bool


@dataclass(frozen=True)
class GoalView:
    """A goal as the actor sees it, with what they may do to it now."""

    id: int
    journey_number: int
    specific: str
    measurable: str
    achievable: str
    relevant: str
    target_date: date
    status: str
    status_label: str
    proposed_by_id: int | None
    proposed_by_me: bool
    created_at: datetime
    agreed_at: datetime | None
    achieved_at: datetime | None
    milestones: tuple[MilestoneView, ...]
    milestones_done: int
    milestones_total: int
    percent: int
    overdue: bool
    read_only: bool
    can_edit: bool
    next_statuses: tuple[str, ...]  # the statuses the actor may move this goal to


def percent_done(status: str, done: int, total: int) -> int:
    """A goal's progress: 100 once achieved, else the share of its milestones done."""
    if status == ACHIEVED:
        return 100
    return round(100 * done / total) if total else 0


def _goal_views(
    session: Session, rel: Relationship, member: User, goals: list[tuple[Goal, Journey]], today: date
) -> list[GoalView]:
    ids = [g.id for g, _ in goals]
    milestones: dict[int, list[Milestone]] = {i: [] for i in ids}  # type: ignore[misc]
    if ids:
        for m in session.exec(
            select(Milestone)
            .where(Milestone.goal_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(Milestone.position, Milestone.id)  # type: ignore[arg-type]
        ).all():
            milestones[m.goal_id].append(m)
    writable = rel.status == ACCEPTED
    views = []
    for goal, journey in goals:
        steps = milestones[goal.id]  # type: ignore[index]
        done = sum(1 for m in steps if m.done_at is not None)
        open_goal = writable and journey.closed_at is None and goal.status in OPEN_GOAL_STATUSES
        views.append(
            GoalView(
                id=goal.id,  # type: ignore[arg-type]
                journey_number=journey.number,
                specific=goal.specific,
                measurable=goal.measurable,
                achievable=goal.achievable,
                relevant=goal.relevant,
                target_date=goal.target_date,
                status=goal.status,
                status_label=STATUS_LABELS[goal.status],
                proposed_by_id=goal.proposed_by,
                proposed_by_me=goal.proposed_by == member.id,
                created_at=goal.created_at,
                agreed_at=goal.agreed_at,
                achieved_at=goal.achieved_at,
                milestones=tuple(
                    MilestoneView(
                        id=m.id,  # type: ignore[arg-type]
                        goal_id=m.goal_id,
                        title=m.title,
                        due_date=m.due_date,
                        done_at=m.done_at,
                        note=m.note,
                        position=m.position,
                        overdue=m.done_at is None and m.due_date is not None and m.due_date < today,
                    )
                    for m in steps
                ),
                milestones_done=done,
                milestones_total=len(steps),
                percent=percent_done(goal.status, done, len(steps)),
                overdue=goal.status in OPEN_GOAL_STATUSES and goal.target_date < today,
                read_only=not open_goal,
                can_edit=open_goal,
                next_statuses=tuple(
                    after
                    for before, after in sorted(_MOVES)
                    if open_goal and before == goal.status and _may_move(goal, member, after)
                ),
            )
        )
    return views


def _may_move(goal: Goal, member: User, after: str) -> bool:
    return not (after == AGREED and goal.proposed_by == member.id)


def goals(
    session: Session, *, actor: User | None, relationship_id: int, today: date | None = None
) -> list[GoalView]:
    """Every goal of the relationship: latest journey first, then oldest goal first."""
    member, rel = member_relationship(session, actor, relationship_id)
    rows = session.exec(
        select(Goal, Journey)
        .join(Journey, Goal.journey_id == Journey.id)  # type: ignore[arg-type]
        .where(Journey.relationship_id == rel.id)
        .order_by(Journey.number.desc(), Goal.created_at, Goal.id)  # type: ignore[attr-defined, arg-type]
    ).all()
    return _goal_views(session, rel, member, list(rows), today or utcnow().date())


def goal(
    session: Session, *, actor: User | None, relationship_id: int, goal_id: int, today: date | None = None
) -> GoalView:
    member, rel = member_relationship(session, actor, relationship_id)
    found, journey = _find_goal(session, rel, goal_id)
    return _goal_views(session, rel, member, [(found, journey)], today or utcnow().date())[0]


def _find_goal(session: Session, rel: Relationship, goal_id: int) -> tuple[Goal, Journey]:
    """The goal, if it belongs to this relationship (a guessed id of another pair's goal: NotFound)."""
    row = session.exec(
        select(Goal, Journey)
        .join(Journey, Goal.journey_id == Journey.id)  # type: ignore[arg-type]
        .where(Goal.id == goal_id, Journey.relationship_id == rel.id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFound(GOAL_NOT_FOUND)
    return row[0], row[1]


def _open_goal(session: Session, rel: Relationship, goal_id: int) -> tuple[Goal, Journey]:
    found, journey = _find_goal(session, rel, goal_id)
    if journey.closed_at is not None:
        raise NotAllowed("This goal belongs to an earlier journey, so it is read-only.")
    if found.status not in OPEN_GOAL_STATUSES:
        raise NotAllowed(f"This goal is {STATUS_LABELS[found.status].lower()}, so it is read-only.")
    return found, journey


def _tell_partner(
    session: Session, rel: Relationship, member: User, kind: str, template: str, goal: str = ""
) -> None:
    """Tell the partner; ``template`` names the member as ``{actor}`` and the goal as ``{goal}``."""
    notifications.notify(
        session,
        user_id=partner_id(rel, member.id),  # type: ignore[arg-type]
        kind=kind,
        template=template,
        actor_id=member.id,
        params={"goal": goal} if goal else None,
        link=dashboard_path(rel.id),  # type: ignore[arg-type]
    )


def _checked_parts(
    specific: str,
    measurable: str,
    achievable: str,
    relevant: str,
    target_date: date | str | None,
    today: date,
) -> dict[str, Any]:
    """The five SMART parts, checked (ValidationFailed with a message per part) and tidied."""
    errors = validate_goal(
        specific=specific,
        measurable=measurable,
        achievable=achievable,
        relevant=relevant,
        target_date=target_date,
        today=today,
    )
    if errors:
        raise ValidationFailed(errors)
    return {
        "specific": specific.strip(),
        "measurable": measurable.strip(),
        "achievable": achievable.strip(),
        "relevant": relevant.strip(),
        "target_date": parse_date(target_date),
    }


def propose_goal(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    specific: str,
    measurable: str,
    achievable: str,
    relevant: str,
    target_date: date | str | None,
    today: date | None = None,
    now: datetime | None = None,
) -> GoalView:
    """Either member proposes a goal in the current journey; the partner is asked to agree."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    today = today or now.date()
    values = _checked_parts(specific, measurable, achievable, relevant, target_date, today)
    bump(session, rel, now=now, part=GOALS_PART)
    journey = open_journey(session, rel, now)
    new = Goal(
        journey_id=journey.id,  # type: ignore[arg-type]
        proposed_by=member.id,
        **values,
        created_at=now,
        updated_at=now,
    )
    session.add(new)
    session.flush()
    _tell_partner(session, rel, member, "goal_proposed", "{actor} proposed a goal: {goal}", new.specific)
    session.commit()
    return _goal_views(session, rel, member, [(new, journey)], today)[0]


def edit_goal(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    goal_id: int,
    specific: str,
    measurable: str,
    achievable: str,
    relevant: str,
    target_date: date | str | None,
    today: date | None = None,
    now: datetime | None = None,
) -> GoalView:
    """Change an open goal. If it was agreed, it goes back to "proposed" for the other to agree."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    today = today or now.date()
    found, journey = _open_goal(session, rel, goal_id)
    values = _checked_parts(specific, measurable, achievable, relevant, target_date, today)
    if all(getattr(found, key) == value for key, value in values.items()):
        return _goal_views(session, rel, member, [(found, journey)], today)[0]
    bump(session, rel, now=now, part=GOALS_PART)
    result = session.exec(
        update(Goal)  # type: ignore[call-overload]
        .where(Goal.id == found.id, Goal.status == found.status)
        .values(**values, status=PROPOSED, proposed_by=member.id, agreed_at=None, updated_at=now)
    )
    if result.rowcount != 1:
        session.rollback()
        raise ServiceError("This goal changed meanwhile: nothing was saved. Look again, then edit it.")
    if found.status != PROPOSED or found.proposed_by != member.id:
        _tell_partner(
            session, rel, member, "goal_proposed", "{actor} changed a goal; please agree to it again"
        )
    session.commit()
    found, journey = _find_goal(session, rel, goal_id)
    return _goal_views(session, rel, member, [(found, journey)], today)[0]


def set_goal_status(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    goal_id: int,
    status: str,
    now: datetime | None = None,
) -> GoalView:
    """Agree (only the member who did not propose it), start, achieve (once agreed) or drop a goal."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    found, _ = _open_goal(session, rel, goal_id)
    before = found.status
    if (before, status) not in _MOVES:
        if status == ACHIEVED and before == PROPOSED:
            raise ServiceError("Agree on this goal first: only an agreed goal can be achieved.")
        raise ServiceError(
            f"A goal cannot go from {STATUS_LABELS[before].lower()} to "
            f"{STATUS_LABELS.get(status, status).lower()}."
        )
    if not _may_move(found, member, status):
        raise NotAllowed("You proposed this goal, so your partner agrees to it.")
    values: dict[str, object] = {"status": status, "updated_at": now}
    if status == AGREED:
        values["agreed_at"] = now
    if status == ACHIEVED:
        values["achieved_at"] = values["closed_at"] = now
    if status == DROPPED:
        values["closed_at"] = now
    bump(session, rel, now=now, part=GOALS_PART)
    result = session.exec(
        update(Goal).where(Goal.id == found.id, Goal.status == before).values(**values)  # type: ignore[call-overload]
    )
    if result.rowcount != 1:
        session.rollback()
        raise ServiceError("This goal changed meanwhile: nothing was saved.")
    if status == AGREED:
        _tell_partner(
            session, rel, member, "goal_agreed", "{actor} agreed to the goal: {goal}", found.specific
        )
    elif status == ACHIEVED:
        _tell_partner(session, rel, member, "goal_achieved", "Goal achieved: {goal}", found.specific)
    session.commit()
    return goal(session, actor=member, relationship_id=rel.id, goal_id=goal_id, today=now.date())  # type: ignore[arg-type]


def _check_milestone(title: str, note: str, due_date: date | str | None) -> tuple[str, str, date | None]:
    errors = {}
    title, note = title.strip(), note.strip()
    if not title:
        errors["title"] = "Say what this step is, e.g. Send my CV to five law firms."
    elif len(title) > MAX_MILESTONE_TITLE:
        errors["title"] = f"Use at most {MAX_MILESTONE_TITLE} characters."
    if len(note) > MAX_MILESTONE_NOTE:
        errors["note"] = f"Use at most {MAX_MILESTONE_NOTE:,} characters."
    due = parse_date(due_date) if due_date not in (None, "") else None
    if due_date not in (None, "") and due is None:
        errors["due_date"] = "Enter a date, or leave it empty."
    if errors:
        raise ValidationFailed(errors)
    return title, note, due


def _find_milestone(session: Session, rel: Relationship, milestone_id: int) -> tuple[Milestone, Goal]:
    row = session.exec(
        select(Milestone, Goal)
        .join(Goal, Milestone.goal_id == Goal.id)  # type: ignore[arg-type]
        .join(Journey, Goal.journey_id == Journey.id)  # type: ignore[arg-type]
        .where(Milestone.id == milestone_id, Journey.relationship_id == rel.id)
    ).first()
    if row is None:
        raise NotFound(MILESTONE_NOT_FOUND)
    return row[0], row[1]


def add_milestone(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    goal_id: int,
    title: str,
    due_date: date | str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> GoalView:
    """Add a step to an open goal; returns the goal with its milestones."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    found, _ = _open_goal(session, rel, goal_id)
    title, note, due = _check_milestone(title, note, due_date)
    count, last = session.exec(
        select(func.count(), func.max(Milestone.position)).where(Milestone.goal_id == found.id)
    ).one()
    if count >= MAX_MILESTONES:
        raise ServiceError(f"A goal can have at most {MAX_MILESTONES} milestones.")
    bump(session, rel, now=now, part=GOALS_PART)
    session.add(
        Milestone(
            goal_id=found.id,  # type: ignore[arg-type]
            title=title,
            due_date=due,
            note=note,
            position=(last or 0) + 1,
            created_at=now,
            updated_at=now,
        )
    )
    _touch_goal(session, found, now)
    session.commit()
    return goal(session, actor=member, relationship_id=rel.id, goal_id=goal_id, today=now.date())  # type: ignore[arg-type]


def _touch_goal(session: Session, found: Goal, now: datetime) -> None:
    session.exec(update(Goal).where(Goal.id == found.id).values(updated_at=now))  # type: ignore[call-overload]


def update_milestone(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    milestone_id: int,
    title: str,
    due_date: date | str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> GoalView:
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    milestone, owner = _find_milestone(session, rel, milestone_id)
    found, _ = _open_goal(session, rel, owner.id)  # type: ignore[arg-type]
    title, note, due = _check_milestone(title, note, due_date)
    bump(session, rel, now=now, part=GOALS_PART)
    milestone.title, milestone.note, milestone.due_date, milestone.updated_at = title, note, due, now
    session.add(milestone)
    _touch_goal(session, found, now)
    session.commit()
    return goal(session, actor=member, relationship_id=rel.id, goal_id=found.id, today=now.date())  # type: ignore[arg-type]


def set_milestone_done(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    milestone_id: int,
    done: bool,
    now: datetime | None = None,
) -> GoalView:
    """Tick a milestone off (or untick it). The first one done starts an agreed goal."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    milestone, owner = _find_milestone(session, rel, milestone_id)
    found, _ = _open_goal(session, rel, owner.id)  # type: ignore[arg-type]
    bump(session, rel, now=now, part=GOALS_PART)
    milestone.done_at = (milestone.done_at or now) if done else None
    milestone.updated_at = now
    session.add(milestone)
    _touch_goal(session, found, now)
    if done and found.status == AGREED:
        session.exec(
            update(Goal)  # type: ignore[call-overload]
            .where(Goal.id == found.id, Goal.status == AGREED)
            .values(status=IN_PROGRESS)
        )
    session.commit()
    return goal(session, actor=member, relationship_id=rel.id, goal_id=found.id, today=now.date())  # type: ignore[arg-type]


def delete_milestone(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    milestone_id: int,
    now: datetime | None = None,
) -> GoalView:
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    milestone, owner = _find_milestone(session, rel, milestone_id)
    found, _ = _open_goal(session, rel, owner.id)  # type: ignore[arg-type]
    bump(session, rel, now=now, part=GOALS_PART)
    session.delete(milestone)
    _touch_goal(session, found, now)
    session.commit()
    return goal(session, actor=member, relationship_id=rel.id, goal_id=found.id, today=now.date())  # type: ignore[arg-type]
