"""SMART goals and milestones: the tool's checks, who may move a goal where, progress, read-only
goals, and ids guessed from another relationship."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import Goal, Journey, Milestone, Notification
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.mentoring import goals
from tests.unit.pairs import GOAL, NOW, TODAY, accepted_pair


def test_the_smart_tool_explains_and_checks() -> None:
    assert [p.letter for p in goals.SMART] == ["S", "M", "A", "R", "T"]
    assert all(p.explanation and p.example for p in goals.SMART)
    errors = goals.validate_goal(
        specific="Clients", measurable="I will feel better about it", achievable="x" * 600,
        relevant="It matters to me a lot", target_date=TODAY, today=TODAY,
    )  # fmt: skip
    assert set(errors) == {"specific", "measurable", "achievable", "target_date"}
    # The messages say what is missing, not the guidance shown beside the fields again.
    assert errors["specific"] == (
        "Add more detail: what exactly, for whom or where. (At least 10 characters; this has 7.)"
    )
    assert errors["measurable"].startswith("Add a number or a date to show success")
    assert not any(p.explanation in m or p.example in m for p in goals.SMART for m in errors.values())
    assert errors["target_date"] == "Choose a target date in the future."
    assert goals.validate_goal(**{**GOAL, "target_date": "not a date"}, today=TODAY) == {
        "target_date": "Choose a target date."
    }
    assert goals.validate_goal(**GOAL, today=TODAY) == {}
    empty = goals.validate_goal(
        specific=" ", measurable="", achievable="", relevant="", target_date=None, today=TODAY
    )
    assert empty == {
        "specific": "Add what you want to achieve.",
        "measurable": goals.NO_EVIDENCE,
        "achievable": "Add why this is within reach.",
        "relevant": "Add why this goal matters for your work.",
        "target_date": "Choose a target date.",
    }
    assert (
        goals.validate_goal(**{**GOAL, "measurable": "When the first contract is signed"}, today=TODAY) == {}
    )


def test_propose_agree_progress_achieve(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    goal = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    assert (goal.status, goal.journey_number, goal.proposed_by_me, goal.percent) == ("proposed", 1, True, 0)
    assert goal.next_statuses == ("dropped",)  # the proposer cannot agree to their own goal
    assert (
        db.exec(select(Notification.kind).where(Notification.user_id == mentor.id)).all()[-1]
        == "goal_proposed"
    )
    with pytest.raises(NotAllowed, match="your partner agrees"):
        goals.set_goal_status(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, status="agreed")
    with pytest.raises(ServiceError, match="Agree on this goal first"):
        goals.set_goal_status(db, actor=mentor, relationship_id=rel.id, goal_id=goal.id, status="achieved")
    agreed = goals.set_goal_status(
        db, actor=mentor, relationship_id=rel.id, goal_id=goal.id, status="agreed", now=NOW
    )
    assert agreed.status == "agreed" and db.get(Goal, goal.id).agreed_at == NOW

    for title in ("Update CV", "List 30 law firms", "Send ten introductions"):
        view = goals.add_milestone(
            db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, title=title, due_date="2030-04-01"
        )
    assert [m.title for m in view.milestones] == ["Update CV", "List 30 law firms", "Send ten introductions"]
    assert (view.milestones_done, view.milestones_total, view.percent) == (0, 3, 0)
    first = view.milestones[0].id
    view = goals.set_milestone_done(
        db, actor=mentor, relationship_id=rel.id, milestone_id=first, done=True, now=NOW
    )
    assert (view.milestones_done, view.percent, view.status) == (1, 33, "in_progress")  # first step starts it
    assert db.get(Milestone, first).done_at == NOW
    view = goals.set_milestone_done(db, actor=mentor, relationship_id=rel.id, milestone_id=first, done=False)
    assert view.milestones_done == 0 and db.get(Milestone, first).done_at is None
    done = goals.set_goal_status(
        db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, status="achieved", now=NOW
    )
    assert (done.status, done.percent, done.read_only, done.next_statuses) == ("achieved", 100, True, ())
    assert db.get(Goal, goal.id).achieved_at == NOW
    with pytest.raises(NotAllowed, match="achieved, so it is read-only"):
        goals.add_milestone(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, title="More")
    with pytest.raises(NotAllowed):
        goals.set_goal_status(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, status="dropped")


def test_editing_an_agreed_goal_asks_the_other_to_agree_again(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    goal = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, today=TODAY)
    goals.set_goal_status(db, actor=mentor, relationship_id=rel.id, goal_id=goal.id, status="agreed")
    edited = goals.edit_goal(
        db,
        actor=mentor,
        relationship_id=rel.id,
        goal_id=goal.id,
        **{**GOAL, "target_date": date(2030, 9, 30)},
        today=TODAY,
    )
    row = db.get(Goal, goal.id)
    assert (row.status, row.proposed_by, row.target_date, row.agreed_at) == (
        "proposed",
        mentor.id,
        date(2030, 9, 30),
        None,
    )
    assert edited.next_statuses == ("dropped",)
    goals.set_goal_status(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, status="agreed")
    assert db.get(Goal, goal.id).status == "agreed"
    with pytest.raises(ValidationFailed) as failure:
        goals.edit_goal(
            db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, **{**GOAL, "specific": ""}, today=TODAY
        )
    assert set(failure.value.errors) == {"specific"}


def test_dropping_and_illegal_moves(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    goal = goals.propose_goal(db, actor=mentor, relationship_id=rel.id, **GOAL, today=TODAY)
    with pytest.raises(ServiceError, match="cannot go from proposed to in progress"):
        goals.set_goal_status(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, status="in_progress")
    with pytest.raises(ServiceError):
        goals.set_goal_status(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, status="nonsense")
    goals.set_goal_status(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, status="dropped")
    assert db.get(Goal, goal.id).status == "dropped" and db.get(Goal, goal.id).closed_at is not None
    with pytest.raises(NotAllowed, match="dropped"):
        goals.edit_goal(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, **GOAL, today=TODAY)
    listed = goals.goals(db, actor=mentee, relationship_id=rel.id, today=TODAY)
    assert [(g.id, g.status, g.read_only) for g in listed] == [(goal.id, "dropped", True)]


def test_ids_guessed_from_another_relationship_are_not_found(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    _other_mentor, other_mentee, other_rel = accepted_pair(db, make_member)
    theirs = goals.propose_goal(db, actor=other_mentee, relationship_id=other_rel.id, **GOAL, today=TODAY)
    step = goals.add_milestone(
        db, actor=other_mentee, relationship_id=other_rel.id, goal_id=theirs.id, title="Their step"
    ).milestones[0]
    goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, today=TODAY)
    # A member of one pair, naming their own relationship but the other pair's goal or milestone.
    for call in (
        lambda: goals.set_goal_status(
            db, actor=mentor, relationship_id=rel.id, goal_id=theirs.id, status="agreed"
        ),
        lambda: goals.edit_goal(
            db, actor=mentee, relationship_id=rel.id, goal_id=theirs.id, **GOAL, today=TODAY
        ),
        lambda: goals.add_milestone(
            db, actor=mentee, relationship_id=rel.id, goal_id=theirs.id, title="Mine"
        ),
        lambda: goals.set_milestone_done(
            db, actor=mentee, relationship_id=rel.id, milestone_id=step.id, done=True
        ),
        lambda: goals.delete_milestone(db, actor=mentee, relationship_id=rel.id, milestone_id=step.id),
        lambda: goals.goal(db, actor=mentee, relationship_id=rel.id, goal_id=theirs.id),
    ):
        with pytest.raises(NotFound):
            call()
    # Naming the other pair's relationship itself: the same answer as an id that does not exist.
    with pytest.raises(NotFound) as exists:
        goals.goals(db, actor=mentee, relationship_id=other_rel.id)
    with pytest.raises(NotFound) as missing:
        goals.goals(db, actor=mentee, relationship_id=other_rel.id + 1000)
    assert exists.value.message == missing.value.message
    with pytest.raises(NotFound):
        goals.propose_goal(db, actor=mentee, relationship_id=other_rel.id, **GOAL, today=TODAY)
    assert db.exec(select(Milestone).where(Milestone.goal_id == theirs.id)).one().done_at is None
    assert db.get(Goal, theirs.id).status == "proposed"
    assert len(db.exec(select(Journey)).all()) == 2


def test_milestone_checks_and_overdue(db: Session, make_member) -> None:
    _, mentee, rel = accepted_pair(db, make_member)
    goal = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, today=TODAY)
    with pytest.raises(ValidationFailed) as failure:
        goals.add_milestone(
            db,
            actor=mentee,
            relationship_id=rel.id,
            goal_id=goal.id,
            title=" ",
            due_date="31/02",
            note="n" * 1001,
        )
    assert set(failure.value.errors) == {"title", "due_date", "note"}
    view = goals.add_milestone(
        db,
        actor=mentee,
        relationship_id=rel.id,
        goal_id=goal.id,
        title="Step",
        due_date=TODAY - timedelta(days=1),
        now=NOW,
    )
    assert view.milestones[0].overdue is True
    view = goals.update_milestone(
        db,
        actor=mentee,
        relationship_id=rel.id,
        milestone_id=view.milestones[0].id,
        title="Step, renamed",
        due_date=None,
        note="Started",
        now=NOW,
    )
    assert (view.milestones[0].title, view.milestones[0].note, view.milestones[0].overdue) == (
        "Step, renamed",
        "Started",
        False,
    )
    view = goals.delete_milestone(
        db, actor=mentee, relationship_id=rel.id, milestone_id=view.milestones[0].id
    )
    assert view.milestones == () and db.exec(select(Milestone)).all() == []
