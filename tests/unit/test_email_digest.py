"""The weekly digest: what it says, once a week per member (also with two job runners at once),
nothing when there is nothing new."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import EmailPreference, OutboxEmail
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import messaging, notifications
from mentoring_app.services.mentoring import relationships
from mentoring_app.services.outbox import digest, preferences
from tests.unit.test_concurrent_jobs import _at_once
from tests.unit.test_email_preferences import choose
from tests.unit.test_relationships import TEXT, make_mentor

P = preferences


def digests(db: Session) -> list[OutboxEmail]:
    return list(db.exec(select(OutboxEmail).where(OutboxEmail.kind == "digest")).all())


def test_the_digest_counts_and_quotes_what_is_unread_since_the_last_one(db: Session, make_member) -> None:
    mentor, mentee, other = (
        make_mentor(db, make_member),
        make_member(role="mentee", name="Mia Mentee"),
        make_member(),
    )
    choose(db, mentor, messages=P.WEEKLY, notes=P.WEEKLY)
    start = db.get(EmailPreference, mentor.id).digest_since  # type: ignore[union-attr]
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="First line here\nsecond line")
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Are you free on Tuesday?")
    messaging.send_message(db, actor=other, other_id=mentor.id, body="Read already")
    messaging.read_thread(db, actor=mentor, other_id=other.id)
    db.commit()

    assert digest.run_due_digests(db, now=start + timedelta(days=6)) == 0  # not due yet
    assert digest.run_due_digests(db, now=start + timedelta(days=7, minutes=1)) == 1
    (row,) = digests(db)
    assert row.to_address == mentor.email
    assert row.subject == "Your weekly digest: 2 unread messages and 1 new notification"
    assert "Mia Mentee: Are you free on Tuesday?; Mia Mentee: First line here." in row.body_text
    assert "second line" not in row.body_text and "Read already" not in row.body_text
    assert "Notifications: New mentoring request from Mia Mentee." in row.body_text
    assert "Read your messages: " in row.body_text and "/messages" in row.body_text
    assert row.unsubscribe_url and "t=digest" in row.unsubscribe_url

    # The next week starts where this one ended: nothing new, nothing sent.
    assert digest.run_due_digests(db, now=start + timedelta(days=7, minutes=2)) == 0
    assert digest.run_due_digests(db, now=start + timedelta(days=14, minutes=2)) == 0
    assert len(digests(db)) == 1


def test_only_the_parts_chosen_weekly_and_switched_on(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    choose(db, mentor, messages=P.WEEKLY)  # notifications each as they happen
    start = db.get(EmailPreference, mentor.id).digest_since  # type: ignore[union-attr]
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    assert len(db.exec(select(OutboxEmail).where(OutboxEmail.kind == "new_request")).all()) == 1
    found = digest.content(db, db.get(EmailPreference, mentor.id), since=start)  # type: ignore[arg-type]
    assert found.empty  # the request was emailed on its own, and there is no message
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hello")
    found = digest.content(db, db.get(EmailPreference, mentor.id), since=start)  # type: ignore[arg-type]
    assert (found.messages, found.notifications) == (1, 0)


def test_unsubscribing_from_the_digest_turns_off_what_it_summarised(db: Session, make_member) -> None:
    member = make_member()
    choose(db, member, messages=P.WEEKLY)
    _, url = P.unsubscribe_links(db, member.id, P.DIGEST)
    from tests.unit.test_email_preferences import link_params

    result = P.set_by_link(db, params=link_params(url), on=False)
    assert result.ok and result.words == "weekly digest"
    prefs = db.get(EmailPreference, member.id)
    assert prefs is not None and prefs.messages is False and prefs.requests is True


def test_two_runners_at_once_send_one_digest(engine: Engine, make_member, db: Session) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    choose(db, mentor, messages=P.WEEKLY, notes=P.WEEKLY)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hello")
    notifications.notify(
        db, user_id=mentor.id, kind="accepted", template="Accepted by {actor}", actor_id=mentee.id
    )
    db.commit()
    later = utcnow() + timedelta(days=8)

    def runner() -> int:
        with Session(engine, expire_on_commit=False) as session:
            return digest.run_due_digests(session, now=later)

    results = _at_once([runner, runner])
    assert sorted(results) == [0, 1]  # type: ignore[type-var]
    db.expire_all()
    assert len(digests(db)) == 1
    prefs = db.get(EmailPreference, mentor.id)
    assert prefs is not None and prefs.digest_due_at == later + timedelta(days=7)
