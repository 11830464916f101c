"""Endings and the figures around them: one status everywhere (withdrawn after continuing
informally says Withdrawn, never "Continuing informally"), journey 2's progress counts journey 2
only, and journey 1's reflections stay readable on Ending."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlmodel import Session

from mentoring_app.services.mentoring import (
    cpd,
    dashboard,
    ending,
    goals,
    meetings,
    relationships,
    request_lists,
    status,
)
from mentoring_app.services.staff import exports
from tests.unit.pairs import GOAL, NOW, TODAY, accepted_pair


def _labels(db: Session, mentor, mentee, admin, rid: int) -> set[str]:
    """The status as every screen reads it, for both members and an admin."""
    found = {
        dashboard.overview(db, actor=mentee, relationship_id=rid).status_label,
        ending.ending(db, actor=mentor, relationship_id=rid).status_label,
        *(s.status_label for s in dashboard.my_relationships(db, actor=mentee) if s.relationship_id == rid),
        *(v.status_label for v in request_lists.list_requests(db, actor=mentor)[0] if v.id == rid),
        *(r.status_label for r in cpd.record(db, actor=mentee).relationships if r.relationship_id == rid),
    }
    rows = list(csv.DictReader(io.StringIO(exports.relationships_csv(db, actor=admin).decode("utf-8-sig"))))
    found |= {r["status_label"] for r in rows if int(r["id"]) == rid}
    return found


def test_status_label_is_one_function() -> None:
    assert status.status_label("accepted") == "Active"
    assert status.status_label("accepted", NOW) == "Continuing informally"
    assert status.status_label("withdrawn", NOW) == "Withdrawn"  # informal_since is history now
    assert status.status_label("ended", NOW) == "Ended"
    assert status.status_label("requested") == "Waiting for an answer"


def test_withdrawn_after_continuing_informally_says_withdrawn_everywhere(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    admin = make_member(role="mentor")
    admin.is_admin = True
    db.add(admin)
    db.commit()
    assert _labels(db, mentor, mentee, admin, rel.id) == {"Active"}
    ending.continue_informally(db, actor=mentee, relationship_id=rel.id, now=NOW)
    assert _labels(db, mentor, mentee, admin, rel.id) == {"Continuing informally"}
    view = ending.ending(db, actor=mentor, relationship_id=rel.id)
    assert view.informal_since == NOW and view.can_continue_informally is False
    relationships.withdraw(db, actor=mentor, relationship_id=rel.id, now=NOW + timedelta(days=3))
    assert _labels(db, mentor, mentee, admin, rel.id) == {"Withdrawn"}
    view = ending.ending(db, actor=mentee, relationship_id=rel.id)
    assert view.informal_since is None  # the Ending section does not say "Continuing informally since"
    assert dashboard.overview(db, actor=mentee, relationship_id=rel.id).informal_since is None
    assert [s.informal for s in dashboard.my_relationships(db, actor=mentee)] == [False]


def test_journey_two_counts_journey_two_and_keeps_journey_one_reflections(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    first = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    goals.set_goal_status(
        db, actor=mentor, relationship_id=rel.id, goal_id=first.id, status="agreed", now=NOW
    )
    goals.add_milestone(
        db, actor=mentee, relationship_id=rel.id, goal_id=first.id, title="Draft a CV", now=NOW
    )
    meetings.log_meeting(
        db, actor=mentee, relationship_id=rel.id, held_on=TODAY, duration_minutes=90, today=TODAY, now=NOW
    )
    ending.write_reflection(
        db, actor=mentee, relationship_id=rel.id, text="Journey one taught me rates.", now=NOW
    )
    ending.write_reflection(db, actor=mentor, relationship_id=rel.id, text="A committed mentee.", now=NOW)
    glance = dashboard.progress(db, actor=mentee, relationship_id=rel.id, today=TODAY)
    assert (glance.goals_total, glance.milestones_total, glance.meetings_held, glance.journey_number) == (
        1,
        1,
        1,
        1,
    )

    later = NOW + timedelta(days=10)
    assert ending.start_new_journey(db, actor=mentor, relationship_id=rel.id, now=later) == 2
    glance = dashboard.progress(db, actor=mentee, relationship_id=rel.id, today=later.date())
    assert (glance.goals_total, glance.goals_achieved, glance.milestones_total, glance.meetings_held) == (
        0,
        0,
        0,
        0,
    )
    assert (glance.minutes, glance.journey_number, glance.days_since_last_contact) == (0, 2, 10)
    home = dashboard.my_relationships(db, actor=mentee, today=later.date())[0]
    assert (home.goals_total, home.meetings_held) == (0, 0)

    goals.propose_goal(db, actor=mentor, relationship_id=rel.id, **GOAL, now=later)
    meetings.log_meeting(
        db,
        actor=mentor,
        relationship_id=rel.id,
        held_on=later.date(),
        duration_minutes=45,
        today=later.date(),
        now=later,
    )
    glance = dashboard.progress(db, actor=mentee, relationship_id=rel.id, today=later.date())
    assert (glance.goals_total, glance.meetings_held, glance.minutes) == (1, 1, 45)
    # The Meetings section and the CPD record still hold both meetings.
    assert meetings.meetings(db, actor=mentee, relationship_id=rel.id).held_count == 2

    view = ending.ending(db, actor=mentee, relationship_id=rel.id)
    assert (view.journey_number, view.my_reflection, view.partner_reflection) == (2, None, None)
    assert [(j.number, [(r.mine, r.text) for r in j.reflections]) for j in view.earlier] == [
        (1, [(True, "Journey one taught me rates."), (False, "A committed mentee.")])
    ]
    mentor_view = ending.ending(db, actor=mentor, relationship_id=rel.id)
    assert [r.mine for r in mentor_view.earlier[0].reflections] == [True, False]
