"""Requests and relationships: every transition, who may make it, the limits, the clock, the
emails, and concurrency (many accepts of one request, many identical requests)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import (
    MemberCriterion,
    Notification,
    OutboxEmail,
    Relationship,
    RelationshipEvent,
    User,
)
from mentoring_app.models.types import utcnow
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.mentoring import relationships, request_expiry, request_lists

TEXT = "I am starting as a freelance legal translator and would like help with rates and contracts."


def make_mentor(db: Session, make_member, *, capacity: int = 2, available: bool = True) -> User:
    mentor = make_member(role="mentor")
    fields = {f.key: f for f in load_fields(db)}
    profiles.update_profile(
        db,
        actor=mentor,
        user_id=mentor.id,
        changes=profiles.ProfileChanges(
            name=mentor.name,
            headline="Legal translator",
            capacity=str(capacity),
            available=available,
            contact_email=mentor.email,
            mentor_criteria={
                "region": [fields["region"].find("London").id],
                "languages": [fields["languages"].find("French").id],
                "specialisms": [fields["specialisms"].find("Legal translation").id],
            },
        ),
    )
    return db.get(User, mentor.id)  # type: ignore[return-value]


def emails(db: Session, kind: str) -> list[str]:
    return list(db.exec(select(OutboxEmail.to_address).where(OutboxEmail.kind == kind)).all())


def test_send_accept_then_withdraw(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    assert emails(db, "new_request") == [mentor.email]
    assert db.exec(select(Notification).where(Notification.user_id == mentor.id)).one().kind == "new_request"
    incoming, outgoing = request_lists.list_requests(db, actor=mentor)
    assert [r.id for r in incoming] == [rel.id] and outgoing == []
    relationships.accept_request(db, actor=mentor, request_id=rel.id)
    assert db.get(Relationship, rel.id).status == "accepted"
    assert emails(db, "accepted") == [mentee.email]
    relationships.withdraw(db, actor=mentee, relationship_id=rel.id, reason="Moving abroad")
    assert db.get(Relationship, rel.id).status == "withdrawn"
    assert emails(db, "withdrawn") == [mentor.email]
    events = db.exec(select(RelationshipEvent).where(RelationshipEvent.relationship_id == rel.id)).all()
    assert [(e.from_status, e.to_status, e.actor_id) for e in events] == [
        (None, "requested", mentee.id),
        ("requested", "accepted", mentor.id),
        ("accepted", "withdrawn", mentee.id),
    ]


def test_illegal_transitions_are_refused(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    relationships.decline_request(
        db, actor=mentor, request_id=rel.id, reason="no_time", note="Busy until June"
    )
    assert emails(db, "declined") == [mentee.email]
    with pytest.raises(ServiceError, match="already declined"):
        relationships.accept_request(db, actor=mentor, request_id=rel.id)
    with pytest.raises(ServiceError, match="already declined"):
        relationships.cancel_request(db, actor=mentee, request_id=rel.id)
    with pytest.raises(ServiceError):
        relationships.withdraw(db, actor=mentee, relationship_id=rel.id)
    assert db.get(Relationship, rel.id).status == "declined"


def test_only_the_right_side_acts(db: Session, make_member) -> None:
    mentor, mentee, stranger = (
        make_mentor(db, make_member),
        make_member(role="mentee"),
        make_member(role="both"),
    )
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    with pytest.raises(NotFound):
        relationships.accept_request(db, actor=mentee, request_id=rel.id)  # a mentee cannot accept
    with pytest.raises(NotFound):
        relationships.accept_request(db, actor=stranger, request_id=rel.id)  # guessing ids finds nothing
    with pytest.raises(NotFound):
        relationships.cancel_request(db, actor=mentor, request_id=rel.id)
    with pytest.raises(NotFound):
        relationships.edit_request(db, actor=stranger, request_id=rel.id, text="mine now")
    with pytest.raises(NotAllowed):
        relationships.send_request(db, actor=mentor, mentor_id=mentor.id, text=TEXT)
    assert request_lists.list_requests(db, actor=stranger) == ([], [])


def test_limits_template_and_edit(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    mentors = [make_mentor(db, make_member) for _ in range(4)]
    with pytest.raises(relationships.TemplateUnchanged):
        relationships.send_request(
            db, actor=mentee, mentor_id=mentors[0].id, text=relationships.REQUEST_TEMPLATE
        )
    first = relationships.send_request(
        db, actor=mentee, mentor_id=mentors[0].id, text=relationships.REQUEST_TEMPLATE, confirm_template=True
    )
    with pytest.raises(ServiceError, match="already have a request waiting"):
        relationships.send_request(db, actor=mentee, mentor_id=mentors[0].id, text=TEXT)
    relationships.send_request(db, actor=mentee, mentor_id=mentors[1].id, text=TEXT)
    relationships.send_request(db, actor=mentee, mentor_id=mentors[2].id, text=TEXT)
    with pytest.raises(ServiceError, match="at most 3 requests"):
        relationships.send_request(db, actor=mentee, mentor_id=mentors[3].id, text=TEXT)
    with pytest.raises(ValidationFailed):
        relationships.send_request(db, actor=mentee, mentor_id=mentors[3].id, text="x" * 3001)
    relationships.edit_request(
        db, actor=mentee, request_id=first.id, text="Edited: help with exam preparation."
    )
    assert db.get(Relationship, first.id).request_text.startswith("Edited")
    relationships.cancel_request(db, actor=mentee, request_id=first.id)
    assert emails(db, "cancelled") == [mentors[0].email]
    relationships.send_request(db, actor=mentee, mentor_id=mentors[3].id, text=TEXT)  # room again


def test_capacity_and_availability(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member, capacity=1)
    first, second = make_member(role="mentee"), make_member(role="mentee")
    a = relationships.send_request(db, actor=first, mentor_id=mentor.id, text=TEXT)
    b = relationships.send_request(db, actor=second, mentor_id=mentor.id, text=TEXT)
    relationships.accept_request(db, actor=mentor, request_id=a.id)
    with pytest.raises(ServiceError, match="at capacity"):
        relationships.accept_request(db, actor=mentor, request_id=b.id)
    # A full mentor is no longer offered in Find mentor, and is offered again when room appears.
    offered = set(db.exec(select(MemberCriterion.offered).where(MemberCriterion.user_id == mentor.id)).all())
    assert offered == {False}
    with pytest.raises(ServiceError, match="not taking new mentees"):
        relationships.send_request(db, actor=make_member(role="mentee"), mentor_id=mentor.id, text=TEXT)
    relationships.withdraw(db, actor=mentor, relationship_id=a.id)
    offered = set(db.exec(select(MemberCriterion.offered).where(MemberCriterion.user_id == mentor.id)).all())
    assert offered == {True}
    unavailable = make_mentor(db, make_member, available=False)
    with pytest.raises(ServiceError, match="not taking new mentees"):
        relationships.send_request(db, actor=first, mentor_id=unavailable.id, text=TEXT)


def test_reminder_after_7_days_and_expiry_after_14(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    start = utcnow()
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=start)
    assert request_expiry.run_due_jobs(db, now=start + timedelta(days=6)) == (0, 0)
    assert request_expiry.run_due_jobs(db, now=start + timedelta(days=7, minutes=1)) == (1, 0)
    assert request_expiry.run_due_jobs(db, now=start + timedelta(days=8)) == (0, 0)  # once only
    assert emails(db, "reminder") == [mentor.email]
    assert request_expiry.run_due_jobs(db, now=start + timedelta(days=14, minutes=1)) == (0, 1)
    assert request_expiry.run_due_jobs(db, now=start + timedelta(days=15)) == (0, 0)
    assert db.get(Relationship, rel.id).status == "expired"
    assert emails(db, "expired") == [mentee.email]


def test_decline_with_a_suggested_mentor(db: Session, make_member) -> None:
    mentor, other, mentee = (
        make_mentor(db, make_member),
        make_mentor(db, make_member),
        make_member(role="mentee"),
    )
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    with pytest.raises(ValidationFailed):
        relationships.decline_request(db, actor=mentor, request_id=rel.id, reason="because")
    with pytest.raises(ValidationFailed):
        relationships.decline_request(
            db, actor=mentor, request_id=rel.id, reason="other", suggested_mentor_id=mentee.id
        )
    relationships.decline_request(
        db, actor=mentor, request_id=rel.id, reason="better_mentor", suggested_mentor_id=other.id
    )
    _, outgoing = request_lists.list_requests(db, actor=mentee)
    assert outgoing[0].suggested_mentor_name == other.name
    assert outgoing[0].decline_reason == "Another mentor would suit better"


def _race(engine: Engine, attempts: int, action) -> list[str]:
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                action(session)
                result = "ok"
            except ServiceError as refusal:
                result = refusal.message
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_concurrent_accepts_make_one_relationship(engine: Engine, db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member, capacity=5), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    outcomes = _race(engine, 50, lambda s: relationships.accept_request(s, actor=mentor, request_id=rel.id))
    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or "already accepted" in o for o in outcomes)
    db.expire_all()
    assert db.get(Relationship, rel.id).status == "accepted"
    assert emails(db, "accepted") == [mentee.email]


def test_twenty_concurrent_identical_requests_make_one(engine: Engine, db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    outcomes = _race(
        engine, 20, lambda s: relationships.send_request(s, actor=mentee, mentor_id=mentor.id, text=TEXT)
    )
    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or "already have a request waiting" in o for o in outcomes)
    rows = db.exec(select(Relationship).where(Relationship.mentee_id == mentee.id)).all()
    assert len(rows) == 1 and emails(db, "new_request") == [mentor.email]


def test_contact_details_shared_once_accepted(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    with pytest.raises(NotAllowed):
        profiles.contact_details(db, viewer=mentee, user_id=mentor.id)
    relationships.accept_request(db, actor=mentor, request_id=rel.id)
    assert profiles.contact_details(db, viewer=mentee, user_id=mentor.id).email == mentor.email
    assert profiles.contact_details(db, viewer=mentor, user_id=mentee.id).email == mentee.email
    relationships.withdraw(db, actor=mentor, relationship_id=rel.id)
    with pytest.raises(NotAllowed):
        profiles.contact_details(db, viewer=mentee, user_id=mentor.id)


def test_mentor_who_stops_taking_mentees_declines_all_waiting(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member)
    waiting = [
        relationships.send_request(db, actor=make_member(role="mentee"), mentor_id=mentor.id, text=TEXT).id
        for _ in range(2)
    ]
    assert request_lists.pending_count(db, actor=mentor) == 2
    assert relationships.decline_all_pending(db, actor=mentor) == 2
    assert {db.get(Relationship, i).status for i in waiting} == {"declined"}
    assert len(emails(db, "declined")) == 2


def test_a_mentors_profile_shows_how_quickly_they_answer(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member, capacity=5)
    viewer = make_member(role="mentee")
    assert profiles.public_profile(db, viewer=viewer, user_id=mentor.id).answer_hours is None
    start = utcnow() - timedelta(days=10)
    for hours, accept in ((10, True), (30, False), (50, True)):
        mentee = make_member(role="mentee")
        rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=start)
        decided = start + timedelta(hours=hours)
        if accept:
            relationships.accept_request(db, actor=mentor, request_id=rel.id, now=decided)
        else:
            relationships.decline_request(db, actor=mentor, request_id=rel.id, reason="no_time", now=decided)
    cancelled = relationships.send_request(db, actor=viewer, mentor_id=mentor.id, text=TEXT, now=start)
    relationships.cancel_request(db, actor=viewer, request_id=cancelled.id, now=start + timedelta(hours=1))
    shown = profiles.public_profile(db, viewer=viewer, user_id=mentor.id)
    assert (shown.answer_hours, shown.answered) == (30.0, 3)  # a cancelled request is not an answer
