"""The dashboard: who sees it, the overview and list, the agreement and its confirmations,
progress at a glance, the polled version, and the three ways to close (read-only afterwards)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import (
    AgreementRecord,
    Goal,
    Journey,
    Meeting,
    Notification,
    OutboxEmail,
    Reflection,
    Relationship,
    RelationshipEvent,
)
from mentoring_app.services.conversations import messaging
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.mentoring import (
    agreement,
    dashboard,
    dashboard_snapshot,
    ending,
    goals,
    meetings,
    relationships,
)
from tests.unit.pairs import GOAL, NOW, TODAY, accepted_pair
from tests.unit.test_relationships import TEXT

AGREEMENT = {
    "ground_rules": "We come prepared; the mentee proposes the agenda.",
    "confidentiality": "What we discuss stays between us.",
    "meeting_frequency": "One hour online every three weeks for six months.",
    "feedback": "Honestly and specifically; we review every third meeting.",
}


def test_only_the_pair_see_the_dashboard(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    outsider = make_member(role="mentee")
    admin = make_member(role="mentor")
    admin.is_admin = True
    db.add(admin)
    db.commit()
    pending = relationships.send_request(db, actor=outsider, mentor_id=mentor.id, text=TEXT)
    messages = set()
    for actor, rel_id in (
        (outsider, rel.id),
        (admin, rel.id),
        (mentee, rel.id + 999),
        (outsider, pending.id),
    ):
        for call in (
            dashboard.overview,
            dashboard.progress,
            dashboard.version,
            agreement.agreement,
            ending.ending,
        ):
            with pytest.raises(NotFound) as failure:
                call(db, actor=actor, relationship_id=rel_id)
            messages.add(failure.value.message)
    assert messages == {"That relationship could not be found."}  # no hint whether the id exists
    with pytest.raises(NotAllowed):
        dashboard.overview(db, actor=None, relationship_id=rel.id)


def test_overview_and_list(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    view = dashboard.overview(db, actor=mentee, relationship_id=rel.id)
    assert (view.partner_id, view.partner_name, view.role, view.status_label) == (
        mentor.id,
        mentor.name,
        "mentee",
        "Active",
    )
    assert view.contact is not None and view.contact.email == mentor.email
    assert view.accepted_at is not None and view.read_only is False and view.journey_number == 1
    assert view.path == f"/relationships/{rel.id}" and view.agreement_state == "not started"
    assert dashboard.overview(db, actor=mentor, relationship_id=rel.id).role == "mentor"
    # A second mentee of the same mentor, whose relationship then ends: listed after the active one.
    other = make_member(role="mentee")
    second = relationships.send_request(db, actor=other, mentor_id=mentor.id, text=TEXT)
    relationships.accept_request(db, actor=mentor, request_id=second.id)
    ending.end_relationship(db, actor=other, relationship_id=second.id)
    listed = dashboard.my_relationships(db, actor=mentor)
    assert [(s.relationship_id, s.partner_name, s.role, s.status) for s in listed] == [
        (rel.id, mentee.name, "mentor", "accepted"),
        (second.id, other.name, "mentor", "ended"),
    ]
    ended = dashboard.overview(db, actor=mentor, relationship_id=second.id)
    assert ended.read_only is True and ended.contact is None and ended.ended_at is not None


def test_agreement_confirmations_and_resets(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    view = agreement.update_agreement(
        db, actor=mentee, relationship_id=rel.id, changes={"topics": "Our backgrounds"}, now=NOW
    )
    with pytest.raises(ValidationFailed) as failure:
        agreement.confirm_agreement(db, actor=mentor, relationship_id=rel.id, version=view.version)
    assert set(failure.value.errors) == {"ground_rules", "confidentiality", "meeting_frequency", "feedback"}
    view = agreement.update_agreement(db, actor=mentee, relationship_id=rel.id, changes=AGREEMENT, now=NOW)
    assert view.version == 2 and view.value("ground_rules") == AGREEMENT["ground_rules"]
    confirmed = agreement.confirm_agreement(db, actor=mentor, relationship_id=rel.id, version=2, now=NOW)
    assert (confirmed.confirmed_by_me, confirmed.confirmed_by_partner, confirmed.state) == (
        True,
        False,
        "waiting for your partner",
    )
    assert agreement.agreement(db, actor=mentee, relationship_id=rel.id).state == "waiting for you"
    later = NOW + timedelta(days=1)
    both = agreement.confirm_agreement(db, actor=mentee, relationship_id=rel.id, version=2, now=later)
    assert both.fully_confirmed and both.state == "confirmed"
    journey = db.exec(select(Journey).where(Journey.relationship_id == rel.id)).one()
    assert (journey.mentor_confirmed_at, journey.mentee_confirmed_at) == (NOW, later)
    kinds = db.exec(select(Notification.kind).where(Notification.user_id == mentee.id)).all()
    assert "agreement_confirmed" in kinds
    # Editing after confirmation resets both; a page still showing version 2 cannot confirm.
    edited = agreement.update_agreement(
        db, actor=mentor, relationship_id=rel.id, changes={"feedback": "At the end of every meeting."}
    )
    assert edited.version == 3 and not edited.confirmed_by_me and not edited.confirmed_by_partner
    db.refresh(journey)
    assert journey.mentor_confirmed_at is None and journey.mentee_confirmed_at is None
    with pytest.raises(ServiceError, match="has changed since you opened it"):
        agreement.confirm_agreement(db, actor=mentee, relationship_id=rel.id, version=2)
    records = db.exec(select(AgreementRecord).order_by(AgreementRecord.id)).all()
    assert [(r.action, r.version, r.confirmations_reset) for r in records] == [
        ("edited", 1, False),
        ("edited", 2, False),
        ("confirmed", 2, False),
        ("confirmed", 2, False),
        ("edited", 3, True),
    ]
    # Saving the same text again changes nothing, and says so.
    with pytest.raises(ValidationFailed) as unchanged:
        agreement.update_agreement(
            db, actor=mentor, relationship_id=rel.id, changes={"feedback": "At the end of every meeting."}
        )
    assert unchanged.value.errors == {"agreement": agreement.NOTHING_CHANGED}
    assert agreement.agreement(db, actor=mentor, relationship_id=rel.id).version == 3
    with pytest.raises(ValidationFailed):
        agreement.update_agreement(db, actor=mentor, relationship_id=rel.id, changes={"is_admin": "yes"})


def test_saving_an_empty_agreement_says_why_nothing_was_saved(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    revision = db.get(Relationship, rel.id).revision
    empty = {key: "  " for key in ("topics", "ground_rules", "confidentiality", "feedback")}
    with pytest.raises(ValidationFailed) as failure:
        agreement.update_agreement(db, actor=mentee, relationship_id=rel.id, changes=empty, now=NOW)
    assert failure.value.errors == {"agreement": agreement.NOTHING_TO_SAVE}
    assert failure.value.errors["agreement"].startswith("Nothing was saved: the agreement is empty.")
    # Nothing was written: no journey, no record, and the partner's dashboard is not woken.
    assert db.exec(select(Journey).where(Journey.relationship_id == rel.id)).all() == []
    assert db.exec(select(AgreementRecord)).all() == []
    assert db.get(Relationship, rel.id, populate_existing=True).revision == revision
    assert agreement.agreement(db, actor=mentor, relationship_id=rel.id).state == "not started"


def test_progress_at_a_glance_and_version(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    empty = dashboard.progress(db, actor=mentee, relationship_id=rel.id, today=TODAY)
    assert (empty.goals_total, empty.meetings_held, empty.days_since_last_contact) == (0, 0, None)
    before = dashboard.version(db, actor=mentee, relationship_id=rel.id)
    goal = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    after_goal = dashboard.version(db, actor=mentor, relationship_id=rel.id)
    assert after_goal != before
    goals.add_milestone(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, title="Step one", now=NOW)
    view = goals.add_milestone(
        db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, title="Two", now=NOW
    )
    goals.set_milestone_done(
        db, actor=mentee, relationship_id=rel.id, milestone_id=view.milestones[0].id, done=True, now=NOW
    )
    meetings.log_meeting(
        db,
        actor=mentee,
        relationship_id=rel.id,
        held_on=TODAY - timedelta(days=2),
        duration_minutes=90,
        now=NOW,
    )
    dropped = goals.propose_goal(db, actor=mentor, relationship_id=rel.id, **GOAL, now=NOW)
    goals.set_goal_status(
        db, actor=mentee, relationship_id=rel.id, goal_id=dropped.id, status="dropped", now=NOW
    )
    glance = dashboard.progress(db, actor=mentor, relationship_id=rel.id, today=TODAY + timedelta(days=5))
    assert (glance.goals_total, glance.goals_achieved, glance.milestones_done, glance.milestones_total) == (
        1,
        0,
        1,
        2,
    )
    assert (glance.meetings_held, glance.hours, glance.last_contact, glance.days_since_last_contact) == (
        1,
        1.5,
        TODAY,
        5,
    )
    # A message between the pair counts as contact and changes the polled version too.
    polled = dashboard.version(db, actor=mentor, relationship_id=rel.id)
    messaging.send_message(
        db, actor=mentor, other_id=mentee.id, body="See you soon", now=NOW + timedelta(days=3)
    )
    assert dashboard.version(db, actor=mentee, relationship_id=rel.id) != polled
    glance = dashboard.progress(db, actor=mentor, relationship_id=rel.id, today=TODAY + timedelta(days=5))
    assert glance.days_since_last_contact == 2


def test_reflections_and_ending(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    goal = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    later = NOW + timedelta(days=30)
    planned = meetings.schedule_meeting(db, actor=mentor, relationship_id=rel.id, starts_at=later, now=NOW)
    with pytest.raises(ValidationFailed):
        ending.write_reflection(db, actor=mentee, relationship_id=rel.id, text="  ")
    ending.write_reflection(
        db, actor=mentee, relationship_id=rel.id, text="I learnt to price my work.", now=NOW
    )
    ending.write_reflection(
        db, actor=mentee, relationship_id=rel.id, text="I learnt to value my work.", now=NOW
    )
    ending.write_reflection(db, actor=mentor, relationship_id=rel.id, text="A pleasure to mentor.", now=NOW)
    seen = ending.ending(db, actor=mentee, relationship_id=rel.id)
    assert seen.my_reflection.text == "I learnt to value my work."
    assert seen.partner_reflection.text == "A pleasure to mentor." and seen.can_end
    assert len(db.exec(select(Reflection)).all()) == 2

    ending.end_relationship(db, actor=mentee, relationship_id=rel.id, reason="Goals reached", now=later)
    row = db.get(Relationship, rel.id)
    assert (row.status, row.ended_at, row.end_reason) == ("ended", later, "Goals reached")
    event = db.exec(select(RelationshipEvent).where(RelationshipEvent.to_status == "ended")).one()
    assert (event.from_status, event.actor_id) == ("accepted", mentee.id)
    assert db.exec(select(OutboxEmail.to_address).where(OutboxEmail.kind == "relationship_ended")).all() == [
        mentor.email
    ]
    assert db.get(Meeting, planned.id).status == "cancelled"
    assert db.exec(select(Journey)).one().closed_reason == "ended"
    # Read-only from now on, for both; reading still works.
    for call in (
        lambda: goals.propose_goal(db, actor=mentor, relationship_id=rel.id, **GOAL, today=TODAY),
        lambda: goals.set_goal_status(
            db, actor=mentor, relationship_id=rel.id, goal_id=goal.id, status="agreed"
        ),
        lambda: agreement.update_agreement(db, actor=mentor, relationship_id=rel.id, changes=AGREEMENT),
        lambda: meetings.log_meeting(
            db, actor=mentee, relationship_id=rel.id, held_on=TODAY, duration_minutes=60, today=TODAY
        ),
        lambda: ending.write_reflection(db, actor=mentor, relationship_id=rel.id, text="Another thought"),
        lambda: ending.end_relationship(db, actor=mentor, relationship_id=rel.id),
        lambda: ending.start_new_journey(db, actor=mentor, relationship_id=rel.id),
    ):
        with pytest.raises(NotAllowed, match=r"This relationship has ended, so it is read-only\."):
            call()
    assert [g.read_only for g in goals.goals(db, actor=mentor, relationship_id=rel.id)] == [True]
    assert ending.ending(db, actor=mentor, relationship_id=rel.id).can_write is False


def test_continue_informally_then_new_journey(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    first = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    goals.set_goal_status(
        db, actor=mentor, relationship_id=rel.id, goal_id=first.id, status="agreed", now=NOW
    )
    ending.continue_informally(db, actor=mentor, relationship_id=rel.id, now=NOW)
    row = db.get(Relationship, rel.id)
    assert (row.status, row.informal_since) == ("accepted", NOW)
    assert db.get(Goal, first.id).status == "agreed"  # closed as it stood
    assert db.exec(select(Notification.kind).where(Notification.user_id == mentee.id)).all()[-1] == (
        "continue_informally"
    )
    with pytest.raises(NotAllowed, match="continuing informally"):
        goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, today=TODAY)
    with pytest.raises(NotAllowed):
        goals.set_goal_status(db, actor=mentee, relationship_id=rel.id, goal_id=first.id, status="achieved")
    with pytest.raises(ServiceError, match="already continuing"):
        ending.continue_informally(db, actor=mentee, relationship_id=rel.id)
    # Contact is kept: meetings can still be logged, contact details still shown.
    meetings.log_meeting(
        db, actor=mentee, relationship_id=rel.id, held_on=TODAY, duration_minutes=30, today=TODAY
    )
    assert dashboard.overview(db, actor=mentee, relationship_id=rel.id).contact is not None

    number = ending.start_new_journey(db, actor=mentee, relationship_id=rel.id, now=NOW + timedelta(days=1))
    assert number == 2 and db.get(Relationship, rel.id).informal_since is None
    second = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    listed = goals.goals(db, actor=mentor, relationship_id=rel.id, today=TODAY)
    assert [(g.id, g.journey_number, g.read_only) for g in listed] == [
        (second.id, 2, False),
        (first.id, 1, True),
    ]
    journeys = db.exec(select(Journey).order_by(Journey.number)).all()
    assert [(j.number, j.closed_reason) for j in journeys] == [(1, "informal"), (2, None)]
    assert dashboard.overview(db, actor=mentor, relationship_id=rel.id).journey_number == 2
    assert ending.start_new_journey(db, actor=mentor, relationship_id=rel.id) == 3  # journey 2 closes
    assert db.get(Goal, second.id).status == "proposed"
    with pytest.raises(NotAllowed, match="earlier journey"):
        goals.set_goal_status(db, actor=mentor, relationship_id=rel.id, goal_id=second.id, status="agreed")
    notes = [
        e.note for e in db.exec(select(RelationshipEvent).where(RelationshipEvent.from_status == "accepted"))
    ]
    assert notes == ["Continue informally", "New journey 2", "New journey 3"]


def test_deactivated_member_cannot_write(db: Session, make_member) -> None:
    _mentor, mentee, rel = accepted_pair(db, make_member)
    mentee.is_active = False
    with pytest.raises(NotAllowed, match="log in"):
        goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, today=date(2030, 1, 1))
    assert db.exec(select(Goal)).all() == []


def test_withdrawing_winds_the_dashboard_down(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    planned = meetings.schedule_meeting(
        db, actor=mentee, relationship_id=rel.id, starts_at=NOW + timedelta(days=7), now=NOW
    )
    before = dashboard.version(db, actor=mentor, relationship_id=rel.id)
    relationships.withdraw(db, actor=mentor, relationship_id=rel.id, reason="No time", now=NOW)
    assert dashboard.version(db, actor=mentee, relationship_id=rel.id) != before
    assert db.get(Meeting, planned.id).status == "cancelled"
    assert db.exec(select(Journey)).one().closed_reason == "withdrawn"
    view = dashboard.overview(db, actor=mentee, relationship_id=rel.id)
    assert (view.status_label, view.read_only, view.contact) == ("Withdrawn", True, None)
    assert dashboard.my_relationships(db, actor=mentee)[0].next_meeting_at is None


def test_a_change_to_one_part_reads_back_that_part_and_what_shows_it(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    outsider = make_member(role="mentee")
    assert dashboard_snapshot.parts_after(["goals"]) == {"goals", "progress"}
    assert dashboard_snapshot.parts_after(["meetings"]) == {"meetings", "progress"}
    assert dashboard_snapshot.parts_after(["agreement"]) == {"agreement", "overview"}
    assert dashboard_snapshot.parts_after(["goals", "ending"]) == {"goals", "progress", "ending"}
    # Nothing named, or a part it does not know: the whole dashboard.
    assert dashboard_snapshot.parts_after([]) == dashboard_snapshot.EVERY_PART
    assert dashboard_snapshot.parts_after(["status"]) == dashboard_snapshot.EVERY_PART
    goal = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    goals.add_milestone(db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, title="Step one", now=NOW)
    found = dashboard_snapshot.snapshot(
        db,
        actor=mentor,
        relationship_id=rel.id,
        section="goals",
        today=TODAY,
        parts=dashboard_snapshot.parts_after(["goals"]),
    )
    assert [g.id for g in found.goals] == [goal.id] and found.progress.milestones_total == 1
    assert (found.overview, found.agreement, found.meetings, found.ending, found.shelf) == (None,) * 5
    whole = dashboard_snapshot.snapshot(
        db, actor=mentee, relationship_id=rel.id, section="goals", today=TODAY
    )
    read = (whole.overview, whole.progress, whole.agreement, whole.goals, whole.meetings, whole.ending)
    assert None not in (*read, whole.shelf)
    # Whatever parts are asked for, only the pair may read them.
    for parts in (dashboard_snapshot.EVERY_PART, frozenset({"goals"}), frozenset({"meetings", "progress"})):
        with pytest.raises(NotFound):
            dashboard_snapshot.snapshot(
                db, actor=outsider, relationship_id=rel.id, section="goals", today=TODAY, parts=parts
            )


def test_opening_the_dashboard_reads_messages_only_on_the_messages_section(db: Session, make_member) -> None:
    """Messages are marked read when the member sees them: opening the dashboard on Details
    neither reads nor marks them (the header still counts them); on Messages it does both."""
    from mentoring_app.services.conversations import attention, messaging
    from mentoring_app.state.dashboard import _dashboard_page

    mentor, mentee, rel = accepted_pair(db, make_member)
    messaging.send_message(db, actor=mentor, other_id=mentee.id, body="Shall we meet on Tuesday?")
    snapshot, thread = _dashboard_page(db, mentee, relationship_id=rel.id, section="details", today=TODAY)
    assert snapshot.overview is not None and thread is None
    assert attention.nav_counts(db, actor=mentee).messages == 1
    _, thread = _dashboard_page(db, mentee, relationship_id=rel.id, section="messages", today=TODAY)
    assert [m.body for m in thread] == ["Shall we meet on Tuesday?"]
    assert attention.nav_counts(db, actor=mentee).messages == 0
