"""What needs the member now (Home and the header counts), notifications that clear themselves,
and message emails that are not sent once the message has been read in the app."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import Notification, OutboxEmail
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import attention, messaging, notifications
from mentoring_app.services.errors import NotFound
from mentoring_app.services.mentoring import meetings, relationships
from mentoring_app.services.outbox import relay
from mentoring_app.settings import get_settings
from tests.unit.test_relationships import TEXT, make_mentor


def test_a_mentor_sees_waiting_requests_with_days_left_and_unanswered_questions(
    db: Session, make_member
) -> None:
    mentor = make_mentor(db, make_member)
    mentee, asker = (
        make_member(role="mentee", name="Wendy Waiting"),
        make_member(role="mentee", name="Quin Asker"),
    )
    sent = utcnow()
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=sent)
    messaging.send_message(db, actor=asker, other_id=mentor.id, body="Do you mentor beginners?")

    needs = attention.needs_you(db, actor=mentor, now=sent + timedelta(days=3, hours=1))
    [waiting] = needs.waiting_requests
    assert (waiting.relationship_id, waiting.mentee_name, waiting.days_left) == (rel.id, "Wendy Waiting", 11)
    assert [(q.other_id, q.other_name) for q in needs.unanswered] == [(asker.id, "Quin Asker")]
    assert attention.nav_counts(db, actor=mentor).messages == 1  # Home shows the header's count
    assert (
        attention.needs_you(db, actor=mentor, now=sent + timedelta(days=14)).waiting_requests[0].days_left
        == 0
    )

    # Answering the question takes it off the list; the mentee now waits for the mentor instead.
    messaging.send_message(db, actor=mentor, other_id=asker.id, body="Yes, send a request.")
    assert attention.needs_you(db, actor=mentor).unanswered == []
    assert [
        q.other_id for q in attention.needs_you(db, actor=asker).unanswered
    ] == []  # mentees: answers only

    counts = attention.nav_counts(db, actor=mentor)
    assert (counts.requests, counts.messages) == (1, 1)
    assert counts.notifications == notifications.unread_count(db, actor=mentor) >= 2
    relationships.accept_request(db, actor=mentor, request_id=rel.id)
    assert attention.nav_counts(db, actor=mentor).requests == 0
    assert attention.needs_you(db, actor=mentor).waiting_requests == []


def test_a_mentee_sees_answers_and_the_next_meeting_and_is_matched(db: Session, make_member) -> None:
    mentor, other_mentor = make_mentor(db, make_member), make_mentor(db, make_member)
    mentee = make_member(role="mentee")
    needs = attention.needs_you(db, actor=mentee)
    assert needs.empty and not needs.matched_mentee

    accepted = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    declined = relationships.send_request(db, actor=mentee, mentor_id=other_mentor.id, text=TEXT)
    relationships.accept_request(db, actor=mentor, request_id=accepted.id)
    relationships.decline_request(
        db, actor=other_mentor, request_id=declined.id, reason=next(iter(relationships.DECLINE_REASONS))
    )
    starts = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    meetings.schedule_meeting(db, actor=mentor, relationship_id=accepted.id, starts_at=starts)

    needs = attention.needs_you(db, actor=mentee)
    assert needs.matched_mentee
    assert {(a.relationship_id, a.status) for a in needs.answers} == {
        (accepted.id, "accepted"),
        (declined.id, "declined"),
    }
    assert next(a.path for a in needs.answers if a.status == "accepted") == f"/relationships/{accepted.id}"
    assert needs.next_meeting is not None and needs.next_meeting.relationship_id == accepted.id
    assert needs.next_meeting.starts_at == starts
    assert attention.needs_you(db, actor=mentor).next_meeting is not None  # both sides see it
    # Answers older than two weeks leave Home.
    assert attention.needs_you(db, actor=mentee, now=utcnow() + timedelta(days=15)).answers == []


def _unread(db: Session, member) -> list[str]:
    return [n.link for n in notifications.recent(db, actor=member) if n.unread]


def test_opening_what_a_notification_is_about_reads_it_and_mark_all_as_read(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member)
    mentee, asker = make_member(role="mentee"), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    messaging.send_message(db, actor=asker, other_id=mentor.id, body="Hello")
    assert sorted(_unread(db, mentor)) == sorted(["/requests", f"/messages/{asker.id}"])

    # Another member's page or path reads nothing; the thread reads the message notification only.
    assert notifications.mark_read_for_path(db, actor=mentee, path=f"/messages/{asker.id}") == 0
    assert notifications.mark_read_for_path(db, actor=mentor, path="/messages") == 0
    assert notifications.mark_read_for_path(db, actor=mentor, path=f"/messages/{asker.id}/") == 1
    assert _unread(db, mentor) == ["/requests"]

    # Reading the messages anywhere (the dashboard's Messages too) reads their notification.
    messaging.send_message(db, actor=asker, other_id=mentor.id, body="Hello again")
    assert f"/messages/{asker.id}" in _unread(db, mentor)
    messaging.read_thread(db, actor=mentor, other_id=asker.id)
    assert _unread(db, mentor) == ["/requests"]

    # A link with a section (?section=meetings) is read by opening its page.
    relationships.accept_request(db, actor=mentor, request_id=rel.id)
    meetings.schedule_meeting(
        db,
        actor=mentor,
        relationship_id=rel.id,
        starts_at=utcnow().replace(microsecond=0) + timedelta(days=1),
    )
    assert any(link.startswith(f"/relationships/{rel.id}") for link in _unread(db, mentee))
    notifications.mark_read_for_path(db, actor=mentee, path=f"/relationships/{rel.id}")
    assert not any(link.startswith(f"/relationships/{rel.id}") for link in _unread(db, mentee))

    # One at a time, own only; then Mark all as read.
    other = db.exec(select(Notification).where(Notification.user_id == mentee.id)).first()
    try:
        notifications.mark_read(db, actor=mentor, notification_id=other.id)
        raise AssertionError("another member's notification was marked")
    except NotFound:
        pass
    assert notifications.mark_all_read(db, actor=mentor) >= 1
    assert notifications.unread_count(db, actor=mentor) == 0


def test_notifications_are_grouped_by_the_member_they_are_about(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member)
    first, second = make_member(role="mentee", name="Ava First"), make_member(role="mentee", name="Bo Second")
    relationships.send_request(db, actor=first, mentor_id=mentor.id, text=TEXT)
    relationships.send_request(db, actor=second, mentor_id=mentor.id, text=TEXT)
    messaging.send_message(db, actor=first, other_id=mentor.id, body="About my request")

    groups = notifications.grouped(db, actor=mentor)
    assert [g.title for g in groups] == ["Ava First", "Bo Second"]  # newest activity first
    assert [len(g.items) for g in groups] == [2, 1] and [g.unread for g in groups] == [2, 1]
    assert all(v.about_id == first.id for v in groups[0].items)


def test_no_email_for_a_message_already_read_in_the_app(engine: Engine, tmp_path) -> None:
    settings = dataclasses.replace(get_settings(), smtp_host="", mail_dir=tmp_path / "mail")
    with Session(engine, expire_on_commit=False) as db:
        from mentoring_app.services.accounts import auth
        from tests.unit.conftest import STRONG_PASSWORD

        mentor = auth.register(
            db, name="Mo Mentor", email="mo@example.org", password=STRONG_PASSWORD, role="mentor"
        )
        mentee = auth.register(
            db, name="Ed Mentee", email="ed@example.org", password=STRONG_PASSWORD, role="mentee"
        )
        sent = utcnow()
        relay.deliver_due(engine, now=sent, settings=settings)  # the welcome emails
        messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Read me live", now=sent)
        [row] = db.exec(select(OutboxEmail).where(OutboxEmail.kind == "message")).all()
        assert row.message_id is not None
        assert row.next_attempt_at >= sent + timedelta(seconds=get_settings().message_email_delay_seconds)
        # Not due yet: nothing goes. The mentor reads it in the app; then it is due, and skipped.
        assert relay.deliver_due(engine, now=sent, settings=settings) == 0
        messaging.read_thread(db, actor=mentor, other_id=mentee.id)
        assert relay.deliver_due(engine, now=sent + timedelta(minutes=5), settings=settings) == 0
        db.refresh(row)
        assert row.sent_at is not None and row.last_error == relay.READ_IN_APP
        assert list((tmp_path / "mail").glob("*-message.eml")) == []

        # The skipped email does not count as the thread's email of the hour; unread when due: it goes.
        later = sent + timedelta(minutes=10)
        messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Still unread", now=later)
        assert relay.deliver_due(engine, now=later + timedelta(minutes=5), settings=settings) == 1
        assert len(list((tmp_path / "mail").glob("*-message.eml"))) == 1


def test_opening_a_page_reads_its_notifications_and_counts_once(db: Session, make_member) -> None:
    """The header's counts as a page opens: the notifications about that page are marked read and
    taken off the count without counting again; other pages' stay unread; nothing to mark on a
    page writes nothing."""
    from mentoring_app.state.session import _unread_counts
    from tests.unit.test_recommendations import counted

    mentee, mentor = make_member(role="mentee"), make_mentor(db, make_member)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="A question")
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    before = attention.nav_counts(db, actor=mentor)
    assert before.notifications == 2 and before.messages == 1
    with counted(db) as statements:
        counts = _unread_counts(db, mentor, f"/messages/{mentee.id}")
    assert counts == dataclasses.replace(before, notifications=1)
    assert counts == attention.nav_counts(db, actor=mentor)
    assert (
        sum(1 for s in statements if s.lstrip().upper().startswith("SELECT")) == 2
    )  # counts, then the page's
    with counted(db) as statements:
        assert _unread_counts(db, mentor, "/home") == counts
    assert [s for s in statements if s.lstrip().upper().startswith("UPDATE")] == []
