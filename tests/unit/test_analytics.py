"""The dashboard's aggregates on known data with fixed dates, month boundaries included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import Profile, Relationship, RelationshipEvent, Report, Thread, User, Visit
from mentoring_app.services.errors import ValidationFailed
from mentoring_app.services.mentoring import agreement, ending, goals, meetings, relationships
from mentoring_app.services.staff import analytics, visits
from tests.unit.pairs import GOAL
from tests.unit.test_dashboard import AGREEMENT
from tests.unit.test_relationships import TEXT, make_mentor


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def member(
    db: Session,
    name: str,
    created: datetime,
    *,
    mentor=False,
    mentee=False,
    admin=False,
    active=True,
    completeness=50,
) -> User:
    user = User(
        name=name,
        email=f"{name}@example.org",
        email_key=f"{name}@example.org",
        password_hash="!",
        is_mentor=mentor,
        is_mentee=mentee,
        is_admin=admin,
        is_active=active,
        created_at=created,
    )
    db.add(user)
    db.flush()
    db.add(Profile(user_id=user.id, completeness=completeness))
    return user


def relationship(
    db: Session, mentee: User, mentor: User, sent: datetime, *steps: tuple[str, datetime]
) -> Relationship:
    """A request sent at ``sent`` going through ``steps`` (status, when), every transition recorded."""
    rel = Relationship(
        mentee_id=mentee.id, mentor_id=mentor.id, request_text="Hello", created_at=sent, updated_at=sent
    )
    db.add(rel)
    db.flush()
    db.add(RelationshipEvent(relationship_id=rel.id, from_status=None, to_status="requested", at=sent))
    status = "requested"
    for after, when in steps:
        db.add(RelationshipEvent(relationship_id=rel.id, from_status=status, to_status=after, at=when))
        if after in ("accepted", "declined"):
            rel.decided_at = when
        if after in ("withdrawn", "ended"):
            rel.ended_at = when
        rel.status, rel.updated_at, status = after, when, after
    db.add(rel)
    return rel


@pytest.fixture
def world(db: Session) -> dict[str, User]:
    """Members, visits and relationships from December 2024 to March 2025."""
    people = {
        "admin": member(db, "admin", at(2024, 6, 1), admin=True),
        "old": member(db, "old", at(2024, 12, 31, 23, 59, 59), mentor=True, active=False),
        "mentor": member(db, "mentor", at(2025, 1, 5), mentor=True),
        "m1": member(db, "m1", at(2025, 1, 20), mentee=True, completeness=100),
        "b1": member(db, "b1", at(2025, 2, 1), mentor=True, mentee=True, completeness=100),
        "m2": member(db, "m2", at(2025, 2, 28, 23, 59, 59), mentee=True),
        "m3": member(db, "m3", at(2025, 3, 1), mentee=True, completeness=100),
    }
    p = people
    relationship(
        db,
        p["m1"],
        p["mentor"],
        at(2025, 1, 10),
        ("accepted", at(2025, 1, 12)),
        ("withdrawn", at(2025, 3, 5)),
    )
    relationship(db, p["b1"], p["mentor"], at(2025, 1, 20), ("declined", at(2025, 2, 2)))
    relationship(db, p["m2"], p["mentor"], at(2025, 2, 1), ("expired", at(2025, 2, 15)))
    relationship(
        db, p["m1"], p["b1"], at(2025, 2, 10), ("accepted", at(2025, 2, 11)), ("ended", at(2025, 2, 25))
    )
    relationship(db, p["m3"], p["mentor"], at(2025, 3, 1), ("requested", at(2025, 3, 2)))  # an edit
    relationship(db, p["m2"], p["b1"], at(2025, 2, 18), ("accepted", at(2025, 2, 20)))
    for started, user in [
        (at(2025, 1, 31, 23, 59, 59), None),
        (at(2025, 1, 15), p["m1"].id),
        (at(2025, 2, 1), None),
        (at(2025, 2, 1), p["m1"].id),
        (at(2025, 2, 14), p["b1"].id),
        (at(2025, 2, 28, 12), None),
        (at(2025, 3, 1), None),
    ]:
        db.add(
            Visit(
                browser_digest="d" * 64,
                user_id=user,
                started_at=started,
                last_seen_at=started,
                landing_path="/",
            )
        )
    db.commit()
    visits.rebuild_visit_months(db)
    return people


def test_months_between_includes_both_ends_and_refuses_bad_ranges() -> None:
    months = analytics.months_between(date(2024, 11, 30), date(2025, 2, 1))
    assert [m.key for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert months[1].start == at(2024, 12, 1) and months[1].end == at(2025, 1, 1)
    with pytest.raises(ValidationFailed):
        analytics.months_between(date(2025, 2, 1), date(2025, 1, 31))
    with pytest.raises(ValidationFailed):
        analytics.months_between(date(2000, 1, 1), date(2025, 1, 1))


def test_visits_per_month_logged_in_and_anonymous(db: Session, world) -> None:
    chart = analytics.visits_per_month(
        db, actor=world["admin"], start=date(2024, 12, 1), end=date(2025, 4, 30)
    )
    assert chart.months == ("2024-12", "2025-01", "2025-02", "2025-03", "2025-04")
    assert chart.values("total") == (0, 2, 4, 1, 0)
    assert chart.values("logged_in") == (0, 1, 2, 0, 0)
    assert chart.values("anonymous") == (0, 1, 2, 1, 0)


def test_registrations_per_month_by_role(db: Session, world) -> None:
    chart = analytics.registrations_per_month(
        db, actor=world["admin"], start=date(2024, 12, 1), end=date(2025, 3, 1)
    )
    assert chart.values("mentors") == (1, 1, 0, 0)  # the deactivated mentor registered on 31 December
    assert chart.values("mentees") == (0, 1, 1, 1)
    assert chart.values("both") == (0, 0, 1, 0)


def test_requests_per_month_from_transitions(db: Session, world) -> None:
    chart = analytics.requests_per_month(
        db, actor=world["admin"], start=date(2025, 1, 1), end=date(2025, 3, 31)
    )
    assert chart.values("sent") == (2, 3, 1)  # the edit on 2 March is not a new request
    assert chart.values("accepted") == (1, 2, 0)
    assert chart.values("declined") == (0, 1, 0)
    assert chart.values("expired") == (0, 1, 0)


def test_requests_chart_counts_each_acceptance_once(db: Session, make_member) -> None:
    """The history the admin saw in November: 3 requests sent (one edited), 2 accepted, and one of
    those pairs continuing informally then starting a new journey, both stored as accepted ->
    accepted transitions. The chart said 4 accepted for 3 sent; it must say 2, and 3 sent."""
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentor = make_mentor(db, make_member, capacity=10)
    first, second, third = (registered(db, make_member, at(2030, 10, 1)) for _ in range(3))
    informal = accepted(db, first, mentor, at(2030, 11, 2))
    accepted(db, second, mentor, at(2030, 11, 3))
    waiting = relationships.send_request(db, actor=third, mentor_id=mentor.id, text=TEXT, now=at(2030, 11, 4))
    relationships.edit_request(
        db, actor=third, request_id=waiting.id, text=TEXT + " Edited.", now=at(2030, 11, 5)
    )
    ending.continue_informally(db, actor=first, relationship_id=informal.id, now=at(2030, 11, 10))
    ending.start_new_journey(db, actor=mentor, relationship_id=informal.id, now=at(2030, 11, 20))
    transitions = db.exec(
        select(RelationshipEvent.from_status, RelationshipEvent.to_status).where(
            RelationshipEvent.relationship_id == informal.id
        )
    ).all()
    assert sorted(transitions, key=str) == sorted(
        [(None, "requested"), ("requested", "accepted"), ("accepted", "accepted"), ("accepted", "accepted")],
        key=str,
    )
    chart = analytics.requests_per_month(db, actor=admin, start=date(2030, 10, 1), end=date(2030, 12, 31))
    assert chart.values("sent") == (0, 3, 0)
    assert chart.values("accepted") == (0, 2, 0)
    assert chart.values("declined") == (0, 0, 0) and chart.values("expired") == (0, 0, 0)
    # The other figures built on the same relationships agree: 2 active in November, 2 answered.
    active = analytics.active_relationships_per_month(
        db, actor=admin, start=date(2030, 11, 1), end=date(2030, 11, 30)
    )
    assert active.values("active") == (2,)
    answered = analytics.median_answer_time(db, actor=admin, start=date(2030, 11, 1), end=date(2030, 11, 30))
    assert answered == analytics.AnswerTime(median_hours=5.0, answered=2)


def test_active_relationships_per_month(db: Session, world) -> None:
    chart = analytics.active_relationships_per_month(
        db, actor=world["admin"], start=date(2024, 12, 1), end=date(2025, 4, 1)
    )
    # m1+mentor: Jan 12 to Mar 5; m1+b1: Feb 11 to Feb 25; m2+b1: from Feb 20, still going.
    assert chart.values("active") == (0, 1, 3, 2, 1)


def test_median_answer_time_odd_and_even(db: Session, world) -> None:
    admin = world["admin"]
    # Answered in January: 48 h. In February: 312 h (declined), 24 h and 48 h. Expired: no answer.
    assert analytics.median_answer_time(db, actor=admin, start=date(2025, 1, 1), end=date(2025, 1, 31)) == (
        analytics.AnswerTime(median_hours=48.0, answered=1)
    )
    assert (
        analytics.median_answer_time(
            db, actor=admin, start=date(2025, 2, 1), end=date(2025, 2, 1)
        ).median_hours
        == 48.0
    )
    everything = analytics.median_answer_time(db, actor=admin, start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert everything == analytics.AnswerTime(median_hours=48.0, answered=4)  # 24, 48, 48, 312
    db.add(
        Relationship(
            mentee_id=world["m3"].id,
            mentor_id=world["b1"].id,
            request_text="x",
            status="declined",
            created_at=at(2025, 2, 3),
            decided_at=at(2025, 2, 13),
        )
    )  # 240 h
    db.commit()
    # February now: 24, 48, 240, 312 -> (48 + 240) / 2
    assert (
        analytics.median_answer_time(
            db, actor=admin, start=date(2025, 2, 1), end=date(2025, 2, 1)
        ).median_hours
        == 144.0
    )
    assert analytics.median_answer_time(db, actor=admin, start=date(2026, 1, 1), end=date(2026, 1, 1)) == (
        analytics.AnswerTime(median_hours=None, answered=0)
    )


def test_summary_numbers(db: Session, world) -> None:
    result = analytics.summary(db, actor=world["admin"], today=date(2025, 2, 15))
    assert (result.mentors, result.mentees, result.both, result.admins, result.deactivated) == (1, 3, 1, 1, 1)
    assert (result.active_relationships, result.pending_requests) == (1, 1)
    assert (result.visits_this_month, result.visits_last_month) == (4, 2)
    assert result.visits_change_percent == 100.0
    january = analytics.summary(db, actor=world["admin"], today=date(2025, 1, 1))
    assert (january.visits_this_month, january.visits_last_month, january.visits_change_percent) == (
        2,
        0,
        None,
    )


def test_needs_attention(db: Session) -> None:
    now = at(2025, 6, 30, 12)
    admin = member(db, "admin", at(2024, 1, 1), admin=True)
    mentor = member(db, "mentor", at(2024, 1, 1), mentor=True)
    quiet_mentee, chatty_mentee, new_mentee = (
        member(db, n, at(2024, 1, 1), mentee=True) for n in ("quiet", "chatty", "new")
    )
    quiet = relationship(db, quiet_mentee, mentor, at(2025, 5, 1), ("accepted", at(2025, 5, 2)))
    chatty = relationship(db, chatty_mentee, mentor, at(2025, 5, 1), ("accepted", at(2025, 5, 2)))
    relationship(db, new_mentee, mentor, at(2025, 6, 20), ("accepted", now - timedelta(days=20)))
    low, high = sorted((chatty_mentee.id, mentor.id))
    db.add(
        Thread(low_id=low, high_id=high, created_at=at(2025, 5, 1), last_message_at=now - timedelta(days=3))
    )
    low, high = sorted((quiet_mentee.id, mentor.id))
    db.add(
        Thread(
            low_id=low,
            high_id=high,
            created_at=at(2025, 5, 1),
            last_message_at=now - timedelta(days=21, seconds=1),
        )
    )
    close = relationship(
        db, chatty_mentee, member(db, "m2", at(2024, 1, 1), mentor=True), now - timedelta(days=11, seconds=1)
    )
    relationship(db, quiet_mentee, member(db, "m3", at(2024, 1, 1), mentor=True), now - timedelta(days=10))
    db.add(
        Report(
            reporter_id=quiet_mentee.id, subject_user_id=mentor.id, reason="Rude", created_at=at(2025, 6, 1)
        )
    )
    db.add(
        Report(
            reporter_id=quiet_mentee.id, subject_user_id=mentor.id, reason="Old", resolved_at=at(2025, 6, 2)
        )
    )
    db.commit()
    result = analytics.needs_attention(db, actor=admin, now=now)
    assert [p.relationship_id for p in result.quiet_pairs] == [quiet.id] and result.quiet_pairs_total == 1
    pair = result.quiet_pairs[0]
    assert (pair.mentee_name, pair.mentor_name, pair.days_quiet) == ("quiet", "mentor", 21)
    assert pair.last_activity_at == now - timedelta(days=21, seconds=1)
    assert chatty.id not in [p.relationship_id for p in result.quiet_pairs]
    assert [r.relationship_id for r in result.expiring_requests] == [close.id]
    assert result.expiring_requests[0].expires_at == close.created_at + timedelta(days=14)
    assert result.open_reports_total == 1 and result.open_reports[0].reporter_name == "quiet"


# ---------------------------------------------------------------- goals, funnel, quiet pairs from real use


def registered(db: Session, make_member, when: datetime, *, complete: bool = True) -> User:
    """A mentee registered at ``when``, their profile complete (100%) or not."""
    user = make_member(role="mentee")
    user.created_at = when
    db.add(user)
    profile = db.get(Profile, user.id) or Profile(user_id=user.id)  # created on first use
    profile.completeness = 100 if complete else 60
    db.add(profile)
    db.commit()
    return user


def accepted(db: Session, mentee: User, mentor: User, when: datetime) -> Relationship:
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=when)
    relationships.accept_request(db, actor=mentor, request_id=rel.id, now=when + timedelta(hours=5))
    db.refresh(rel)
    return rel


def confirmed_agreement(db: Session, rel: Relationship, mentee: User, mentor: User, when: datetime) -> None:
    view = agreement.update_agreement(db, actor=mentee, relationship_id=rel.id, changes=AGREEMENT, now=when)
    for member_ in (mentor, mentee):
        agreement.confirm_agreement(db, actor=member_, relationship_id=rel.id, version=view.version, now=when)


def goal(db: Session, rel: Relationship, proposer: User, partner: User, when: datetime, *moves: str) -> int:
    """A goal proposed at ``when``, then moved through ``moves`` (agreed by the partner) at ``when``."""
    view = goals.propose_goal(db, actor=proposer, relationship_id=rel.id, **GOAL, now=when)
    for status in moves:
        goals.set_goal_status(
            db,
            actor=partner if status == "agreed" else proposer,
            relationship_id=rel.id,
            goal_id=view.id,
            status=status,
            now=when,
        )
    return view.id


def held_meeting(db: Session, rel: Relationship, by: User, when: datetime) -> None:
    meetings.log_meeting(
        db, actor=by, relationship_id=rel.id, held_on=when.date(), duration_minutes=60, now=when
    )


def test_goals_per_month_set_and_achieved(db: Session, make_member) -> None:
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentor = make_mentor(db, make_member, capacity=5)
    mentee = registered(db, make_member, at(2029, 12, 1))
    rel = accepted(db, mentee, mentor, at(2030, 1, 2))
    goal(db, rel, mentee, mentor, at(2030, 1, 31, 23, 59, 59))  # set in January, still proposed
    achieved = goal(db, rel, mentee, mentor, at(2030, 2, 1), "agreed")
    goal(db, rel, mentor, mentee, at(2030, 2, 12), "dropped")  # set, then dropped: still set in February
    goals.set_goal_status(
        db, actor=mentee, relationship_id=rel.id, goal_id=achieved, status="achieved", now=at(2030, 3, 1)
    )
    other = accepted(db, registered(db, make_member, at(2029, 12, 1)), mentor, at(2030, 1, 5))
    goal(
        db,
        other,
        mentor,
        db.get(User, other.mentee_id),
        at(2030, 2, 28, 23, 59, 59),
        "agreed",
        "in_progress",
        "achieved",
    )

    chart = analytics.goals_per_month(db, actor=admin, start=date(2029, 12, 1), end=date(2030, 4, 30))
    assert chart.months == ("2029-12", "2030-01", "2030-02", "2030-03", "2030-04")
    assert chart.values("set") == (0, 1, 3, 0, 0)
    assert chart.values("achieved") == (0, 0, 1, 1, 0)
    assert analytics.goals_per_month(db, actor=admin, start=date(2030, 3, 1), end=date(2030, 3, 1)).values(
        "achieved"
    ) == (1,)


def test_funnel_counts_each_stage_within_the_previous_ones(db: Session, make_member) -> None:
    """Each mentee registered in February 2030 stops at a different stage; each stage counts the
    mentees who reached it and every stage before it."""
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentor, other_mentor = (
        make_mentor(db, make_member, capacity=10),
        make_mentor(db, make_member, capacity=10),
    )
    feb = at(2030, 2, 10)
    day = timedelta(days=1)

    def mentee(complete: bool = True, when: datetime = feb) -> User:
        return registered(db, make_member, when, complete=complete)

    registered_only = mentee(complete=False)  # noqa: F841 - counted as registered
    complete_only = mentee()  # noqa: F841 - profile complete, nothing else
    declined = mentee()
    rel = relationships.send_request(db, actor=declined, mentor_id=mentor.id, text=TEXT, now=feb + day)
    relationships.decline_request(db, actor=mentor, request_id=rel.id, reason="no_time", now=feb + 2 * day)

    just_accepted = mentee()  # a planned meeting and a one-sided confirmation are no first step
    rel = accepted(db, just_accepted, mentor, feb + day)
    view = agreement.update_agreement(
        db, actor=just_accepted, relationship_id=rel.id, changes=AGREEMENT, now=feb + 2 * day
    )
    agreement.confirm_agreement(
        db, actor=mentor, relationship_id=rel.id, version=view.version, now=feb + 2 * day
    )
    meetings.schedule_meeting(
        db,
        actor=mentor,
        relationship_id=rel.id,
        starts_at=feb + 20 * day,
        duration_minutes=60,
        place="Online",
        now=feb + 2 * day,
    )

    goal_without_first_step = mentee()  # a goal, but neither agreement nor meeting: stops at accepted
    rel = accepted(db, goal_without_first_step, mentor, feb + day)
    goal(db, rel, goal_without_first_step, mentor, feb + 3 * day, "agreed", "achieved")

    agreement_only = mentee()  # first step through the agreement both confirmed
    rel = accepted(db, agreement_only, mentor, feb + day)
    confirmed_agreement(db, rel, agreement_only, mentor, feb + 3 * day)

    dropped_goal = mentee()  # first step through a held meeting; its goal was dropped: still set
    rel = accepted(db, dropped_goal, mentor, feb + day)
    held_meeting(db, rel, mentor, feb + 3 * day)
    goal(db, rel, dropped_goal, mentor, feb + 4 * day, "dropped")

    achieved_then_withdrew = mentee()
    rel = accepted(db, achieved_then_withdrew, mentor, feb + day)
    held_meeting(db, rel, achieved_then_withdrew, feb + 3 * day)
    goal(db, rel, mentor, achieved_then_withdrew, feb + 4 * day, "agreed", "achieved")
    relationships.withdraw(db, actor=achieved_then_withdrew, relationship_id=rel.id, now=feb + 9 * day)

    ended_well = mentee()  # the whole way, across two relationships (goal in one, ended the other)
    first = accepted(db, ended_well, mentor, feb + day)
    confirmed_agreement(db, first, ended_well, mentor, feb + 3 * day)
    goal(db, first, ended_well, mentor, feb + 4 * day, "agreed", "in_progress", "achieved")
    second = accepted(db, ended_well, other_mentor, feb + day)
    ending.end_relationship(db, actor=other_mentor, relationship_id=second.id, now=feb + 10 * day)

    incomplete_but_ended = mentee(complete=False)  # never complete: counts only as registered
    rel = accepted(db, incomplete_but_ended, mentor, feb + day)
    held_meeting(db, rel, mentor, feb + 3 * day)
    goal(db, rel, mentor, incomplete_but_ended, feb + 4 * day, "agreed", "achieved")
    ending.end_relationship(db, actor=mentor, relationship_id=rel.id, now=feb + 10 * day)

    january = mentee(when=at(2030, 1, 31, 23, 59, 59))  # registered before the range: not counted
    rel = accepted(db, january, other_mentor, feb + day)
    held_meeting(db, rel, other_mentor, feb + 3 * day)
    goal(db, rel, january, other_mentor, feb + 4 * day, "agreed", "achieved")
    ending.end_relationship(db, actor=january, relationship_id=rel.id, now=feb + 10 * day)

    result = analytics.funnel(db, actor=admin, start=date(2030, 2, 1), end=date(2030, 2, 28))
    assert (result.start, result.end) == ("2030-02", "2030-02")
    assert [s.key for s in result.stages] == [key for key, _ in analytics.FUNNEL_STAGES]
    counts = {s.key: s.count for s in result.stages}
    assert counts == {
        "registered": 10,
        "profile_complete": 8,
        "requested": 7,  # declined and the six below
        "accepted": 6,  # not the declined one
        "first_step": 4,  # agreement_only, dropped_goal, achieved_then_withdrew, ended_well
        "goal_set": 3,  # dropped_goal, achieved_then_withdrew, ended_well
        "goal_achieved": 2,  # achieved_then_withdrew, ended_well
        "ended_well": 1,  # ended_well (withdrawing is not ending well)
    }
    stages = {s.key: s for s in result.stages}
    assert stages["registered"].from_previous is None and stages["registered"].from_first == 1.0
    assert stages["profile_complete"].from_previous == pytest.approx(8 / 10)
    assert stages["first_step"].from_previous == pytest.approx(4 / 6)
    assert stages["goal_achieved"].from_previous == pytest.approx(2 / 3)
    assert stages["ended_well"].from_previous == pytest.approx(1 / 2)
    assert stages["ended_well"].from_first == pytest.approx(1 / 10)
    january_only = analytics.funnel(db, actor=admin, start=date(2030, 1, 1), end=date(2030, 1, 31))
    assert [s.count for s in january_only.stages] == [1] * 8
    empty = analytics.funnel(db, actor=admin, start=date(2031, 1, 1), end=date(2031, 1, 31))
    assert all(s.count == 0 and s.from_previous is None and s.from_first is None for s in empty.stages)


def test_quiet_pairs_count_every_kind_of_activity(db: Session, make_member) -> None:
    """Messages, transitions and every dashboard change (here a meeting logged, a goal proposed, an
    agreement edited) keep a pair off the quiet list; 21 days without any of them put it on."""
    now = at(2030, 6, 30, 12)
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentor = make_mentor(db, make_member, capacity=10)
    start = now - timedelta(days=60)

    def pair() -> tuple[User, Relationship]:
        mentee = registered(db, make_member, start)
        return mentee, accepted(db, mentee, mentor, start)

    met_mentee, met = pair()
    held_meeting(db, met, met_mentee, now - timedelta(days=5))  # logged 5 days ago
    assert db.get(Relationship, met.id, populate_existing=True).updated_at == now - timedelta(days=5)
    goal_mentee, with_goal = pair()
    goal(db, with_goal, goal_mentee, mentor, now - timedelta(days=20))
    _, with_agreement = pair()
    agreement.update_agreement(
        db,
        actor=mentor,
        relationship_id=with_agreement.id,
        changes={"topics": "Rates"},
        now=now - timedelta(days=2),
    )
    silent_mentee, silent = pair()
    agreement.update_agreement(
        db,
        actor=silent_mentee,
        relationship_id=silent.id,
        changes={"topics": "Rates"},
        now=now - timedelta(days=22),
    )
    _, untouched = pair()  # accepted 60 days ago (and 5 hours), nothing since
    informal_mentee, informal = pair()  # still a pair after continuing informally 30 days ago
    ending.continue_informally(
        db, actor=informal_mentee, relationship_id=informal.id, now=now - timedelta(days=30)
    )
    ended_mentee, ended = pair()  # ended 40 days ago: no longer a pair staff need to watch
    ending.end_relationship(db, actor=ended_mentee, relationship_id=ended.id, now=now - timedelta(days=40))

    result = analytics.needs_attention(db, actor=admin, now=now)
    assert [p.relationship_id for p in result.quiet_pairs] == [untouched.id, informal.id, silent.id]
    assert result.quiet_pairs_total == 3
    days = {p.relationship_id: (p.days_quiet, p.last_activity_at) for p in result.quiet_pairs}
    assert days[silent.id] == (22, now - timedelta(days=22))
    assert days[informal.id] == (30, now - timedelta(days=30))
    assert days[untouched.id] == (59, start + timedelta(hours=5))
    # A message 3 days ago brings the silent pair back.
    low, high = sorted((silent_mentee.id, mentor.id))
    db.add(Thread(low_id=low, high_id=high, created_at=start, last_message_at=now - timedelta(days=3)))
    db.commit()
    later = analytics.needs_attention(db, actor=admin, now=now)
    assert [p.relationship_id for p in later.quiet_pairs] == [untouched.id, informal.id]
