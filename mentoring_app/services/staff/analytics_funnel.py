"""The mentoring funnel of the admin dashboard (services/staff/analytics), read from its summary.

The stages: profile complete (the completeness indicator at 100%), sent a request, had one
accepted, a first step (an agreement both sides confirmed, or a meeting held), set a goal (any
goal proposed, even if dropped later), achieved one, and ended a relationship normally (ended,
not withdrawn). A mentee reaches a stage through any of their relationships, at any time up to
now. Each stage counts the mentees who reached it *and every earlier stage*, so the counts only
go down and each conversion is at most 100%: a mentee who ended well without ever achieving a
goal stops at the last stage they reached in order.

So each mentee has one number, the furthest stage reached in order, and a stage's count is the
number of mentees of the range at that stage or further. ``funnel_months`` holds how many mentees
of each registration month stopped at each stage (models/funnel): the chart reads a few rows
however many members there are. Triggers mark the mentees whose stage may have changed, and
``refresh_funnel`` (run first by every read) recomputes those only, from the rows, with the same
rules as ``count_from_rows``, which counts a range from the rows directly (tests and repairs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, case, delete, exists, func, insert, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from mentoring_app.models import (
    FunnelDirty,
    FunnelMentee,
    FunnelMonth,
    Goal,
    Journey,
    Meeting,
    Profile,
    Relationship,
    User,
)
from mentoring_app.models.funnel import MARK_EVERY_MENTEE
from mentoring_app.models.journeys import ACHIEVED, HELD
from mentoring_app.models.relationships import ENDED
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.analytics_common import (
    STARTED,
    Funnel,
    FunnelStage,
    Month,
    count_if,
    month_key,
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


def _relationship_flags() -> list[ColumnElement[int]]:
    """Per mentee (grouped by ``relationships.mentee_id``): accepted, first step, goal set, goal
    achieved, ended well, each 1 when any of their relationships got there; each an indexed
    EXISTS on the relationship's journeys, goals and meetings."""
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
    return [
        _flag(started).label("accepted"),
        _flag(and_(started, or_(confirmed, held))).label("first_step"),
        _flag(and_(started, any_goal)).label("goal_set"),
        _flag(and_(started, achieved)).label("goal_achieved"),
        _flag(Relationship.status == ENDED).label("ended_well"),
    ]


def count_from_rows(session: Session, months: Sequence[Month]) -> list[int]:
    """Each stage's count for the mentees registered in ``months``, from the rows themselves (what
    the summary must always equal; it reads every mentee of the range). Two queries: the cohort
    and its complete profiles; then, for the relationships of the mentees with a complete profile
    only (no later stage counts without it), one row of flags per mentee."""
    cohort = and_(
        User.is_mentee.is_(True),  # type: ignore[attr-defined]
        User.created_at >= months[0].start,  # type: ignore[operator]
        User.created_at < months[-1].end,  # type: ignore[operator]
    )
    complete = func.coalesce(Profile.completeness, 0) >= 100
    registered, profile_complete = session.execute(
        select(func.count(User.id), count_if(complete))
        .select_from(User.__table__.outerjoin(Profile, Profile.user_id == User.id))  # type: ignore[attr-defined]
        .where(cohort)
    ).one()
    complete_mentees = select(User.id).join(Profile, Profile.user_id == User.id).where(cohort, complete)  # type: ignore[arg-type]
    per_mentee = (
        select(*_relationship_flags())
        .where(Relationship.mentee_id.in_(complete_mentees))  # type: ignore[attr-defined]
        .group_by(Relationship.mentee_id)
        .subquery("per_mentee")
    )
    columns: list[ColumnElement] = [func.count()]  # "requested": any relationship at all
    so_far: list[ColumnElement[bool]] = []
    for key, _label in FUNNEL_STAGES[3:]:  # accepted onwards
        so_far.append(per_mentee.c[key] == 1)
        columns.append(count_if(and_(*so_far)))
    later = session.execute(select(*columns).select_from(per_mentee)).one()
    return [int(registered or 0), int(profile_complete or 0), *(int(c or 0) for c in later)]


# ---------------------------------------------------------------- the summary

REFRESH_BATCH = 2_000  # members recounted per statement (well under SQLite's bound parameters)


def _stages_of(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """Registration month and furthest stage of the members ``ids`` who are mentees (others have
    none), by the rules of ``count_from_rows``."""
    mentees = session.execute(
        select(User.id, User.created_at, func.coalesce(Profile.completeness, 0))
        .select_from(User.__table__.outerjoin(Profile, Profile.user_id == User.id))  # type: ignore[attr-defined]
        .where(User.id.in_(ids), User.is_mentee.is_(True))  # type: ignore[union-attr, attr-defined]
    ).all()
    complete = [uid for uid, _created, completeness in mentees if completeness >= 100]
    flags = {
        row[0]: row[1:]
        for row in session.execute(
            select(Relationship.mentee_id, *_relationship_flags())
            .where(Relationship.mentee_id.in_(complete))  # type: ignore[attr-defined]
            .group_by(Relationship.mentee_id)
        ).all()
    }
    stages: dict[int, tuple[str, int]] = {}
    for uid, created, completeness in mentees:
        stage = 0  # registered
        if completeness >= 100:
            stage = 1
            reached = flags.get(uid)
            if reached is not None:  # requested: any relationship at all
                stage = 2
                for flag in reached:  # accepted, first step, goal set, goal achieved, ended well
                    if not flag:
                        break
                    stage += 1
        stages[uid] = (month_key(created), stage)
    return stages


def _add_to_months(session: Session, changes: dict[tuple[str, int], int]) -> None:
    """Add ``changes`` to the monthly counts, in key order (two refreshes never lock in opposite
    orders), creating rows on first use (an upsert: safe when concurrent)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for (month, stage), change in sorted(changes.items()):
        if change:
            statement = dialect.insert(FunnelMonth).values(month=month, stage=stage, mentees=change)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["month", "stage"],
                    set_={"mentees": FunnelMonth.mentees + statement.excluded.mentees},
                )
            )


def refresh_funnel(session: Session) -> int:
    """Recount the mentees marked since the last refresh and move them between the monthly counts;
    commits each batch. Returns how many members were recounted (0, one query, when none were).

    A batch is claimed with ``DELETE ... RETURNING``, so concurrent refreshes never recount one
    member twice, and a change made meanwhile marks the member again (models/funnel). On
    PostgreSQL the claim skips the marks of writers still in their transaction (``SKIP LOCKED``):
    a refresh never waits for a writer, so it cannot deadlock with one, and what it skips is not
    committed yet (the next refresh counts it)."""
    recounted = 0
    while True:
        candidates = (
            session.execute(
                select(FunnelDirty.user_id)
                .order_by(FunnelDirty.user_id)
                .limit(REFRESH_BATCH)
                .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer at a time
            )
            .scalars()
            .all()
        )
        if not candidates:
            return recounted
        ids = sorted(
            session.execute(
                delete(FunnelDirty).where(FunnelDirty.user_id.in_(candidates)).returning(FunnelDirty.user_id)  # type: ignore[attr-defined]
            ).scalars()
        )
        now = _stages_of(session, ids)
        before = {
            uid: (month, stage)
            for uid, month, stage in session.execute(
                select(FunnelMentee.user_id, FunnelMentee.month, FunnelMentee.stage).where(
                    FunnelMentee.user_id.in_(ids)  # type: ignore[attr-defined]
                )
            ).all()
        }
        changes: dict[tuple[str, int], int] = defaultdict(int)
        moved = [uid for uid in ids if before.get(uid) != now.get(uid)]
        for uid in moved:
            if uid in before:
                changes[before[uid]] -= 1
            if uid in now:
                changes[now[uid]] += 1
        gone = [uid for uid in moved if uid in before]
        if gone:
            session.execute(delete(FunnelMentee).where(FunnelMentee.user_id.in_(gone)))  # type: ignore[attr-defined]
        fresh = [{"user_id": uid, "month": now[uid][0], "stage": now[uid][1]} for uid in moved if uid in now]
        if fresh:
            session.execute(insert(FunnelMentee), fresh)
        _add_to_months(session, changes)
        session.commit()
        recounted += len(ids)


def rebuild_funnel(session: Session) -> int:
    """Recount every mentee from the rows (a repair, or after a bulk load that bypassed the
    triggers); commits. Returns how many members were recounted."""
    session.execute(delete(FunnelMonth))
    session.execute(delete(FunnelMentee))
    session.execute(text(MARK_EVERY_MENTEE))
    session.commit()
    return refresh_funnel(session)


def funnel(session: Session, *, actor: User | None, start: date, end: date) -> Funnel:
    """The mentoring funnel of the mentees who registered in the range (months inclusive).

    Brings the summary up to date first (``refresh_funnel``: one query when no member changed
    since the last read; otherwise it recounts them and commits), then sums the monthly counts of
    the range by stage."""
    require_admin(actor)
    months = months_between(start, end)
    refresh_funnel(session)
    at_stage = dict(
        session.execute(
            select(FunnelMonth.stage, func.sum(FunnelMonth.mentees))
            .where(FunnelMonth.month >= months[0].key, FunnelMonth.month <= months[-1].key)  # type: ignore[arg-type]
            .group_by(FunnelMonth.stage)
        ).all()
    )
    # A stage counts the mentees who stopped there or went further.
    counts = [
        sum(int(at_stage.get(later, 0) or 0) for later in range(n, len(FUNNEL_STAGES)))
        for n in range(len(FUNNEL_STAGES))
    ]
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
