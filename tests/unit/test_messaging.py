"""Messages: who may write and read, one thread per pair, limits, unread marks, email pacing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import OutboxEmail, Thread
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import messaging
from mentoring_app.services.errors import NotFound, ValidationFailed
from mentoring_app.services.outbox import preferences


def test_a_mentee_asks_a_mentor_who_answers(db: Session, make_member) -> None:
    mentee, mentor = make_member(role="mentee"), make_member(role="mentor")
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Do you mentor court interpreters?")
    messaging.send_message(db, actor=mentor, other_id=mentee.id, body="Yes, happily.")
    assert len(db.exec(select(Thread)).all()) == 1
    seen = messaging.read_thread(db, actor=mentee, other_id=mentor.id)
    assert [(m.mine, m.body) for m in seen] == [
        (True, "Do you mentor court interpreters?"),
        (False, "Yes, happily."),
    ]
    assert messaging.threads(db, actor=mentor)[0].unread == 1  # the question, not yet opened by the mentor
    assert (
        messaging.read_thread(db, actor=mentee, other_id=mentor.id, after_id=seen[0].id)[0].body
        == "Yes, happily."
    )


def test_strangers_cannot_write_or_read(db: Session, make_member) -> None:
    mentee, mentor, stranger = (
        make_member(role="mentee"),
        make_member(role="mentor"),
        make_member(role="mentor"),
    )
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hello")
    with pytest.raises(NotFound):  # a mentor cannot start a thread with a mentee out of the blue
        messaging.send_message(db, actor=stranger, other_id=mentee.id, body="Hi there")
    assert messaging.read_thread(db, actor=stranger, other_id=mentee.id) == []
    assert messaging.read_thread(db, actor=stranger, other_id=mentor.id) == []
    with pytest.raises(NotFound):
        messaging.send_message(db, actor=mentee, other_id=mentee.id, body="Me")


def test_length_and_emptiness(db: Session, make_member) -> None:
    mentee, mentor = make_member(role="mentee"), make_member(role="mentor")
    with pytest.raises(ValidationFailed):
        messaging.send_message(db, actor=mentee, other_id=mentor.id, body="   ")
    with pytest.raises(ValidationFailed):
        messaging.send_message(db, actor=mentee, other_id=mentor.id, body="x" * 5001)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="x" * 5000)


def test_at_most_one_email_per_thread_per_hour(db: Session, make_member) -> None:
    mentee, mentor = make_member(role="mentee"), make_member(role="mentor")
    start = utcnow()
    for minutes in (0, 10, 59):
        messaging.send_message(
            db, actor=mentee, other_id=mentor.id, body="Hi", now=start + timedelta(minutes=minutes)
        )
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hi", now=start + timedelta(minutes=61))
    sent = db.exec(select(OutboxEmail).where(OutboxEmail.kind == "message")).all()
    assert [e.to_address for e in sent] == [mentor.email, mentor.email]
    assert messaging.threads(db, actor=mentor)[0].unread == 4
    assert messaging.unread_total(db, actor=mentor) == 4 and messaging.unread_total(db, actor=mentee) == 0


def test_members_can_turn_message_emails_off(db: Session, make_member) -> None:
    mentee, mentor = make_member(role="mentee"), make_member(role="mentor")
    preferences.save(
        db,
        actor=mentor,
        enabled={t: t != preferences.MESSAGES for t in preferences.TYPES},
        message_frequency=preferences.EACH,
        notification_frequency=preferences.EACH,
    )
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hello")
    assert db.exec(select(OutboxEmail).where(OutboxEmail.kind == "message")).all() == []
    assert messaging.threads(db, actor=mentor)[0].unread == 1  # still told in the app


def test_a_long_thread_opens_with_its_latest_messages_oldest_first(
    db: Session, make_member, monkeypatch
) -> None:
    """A thread longer than LATEST opens with the newest ones (never the oldest, which would hide
    what was just written); reading on from the last one shown gets only what is newer."""
    monkeypatch.setattr(messaging, "LATEST", 3)
    mentee, mentor = make_member(role="mentee"), make_member(role="mentor")
    for n in range(5):
        messaging.send_message(db, actor=mentee, other_id=mentor.id, body=f"Message {n}")
    seen = messaging.read_thread(db, actor=mentor, other_id=mentee.id)
    assert [m.body for m in seen] == ["Message 2", "Message 3", "Message 4"]
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Message 5")
    newer = messaging.read_thread(db, actor=mentor, other_id=mentee.id, after_id=seen[-1].id)
    assert [m.body for m in newer] == ["Message 5"]


def test_show_earlier_messages_reads_back_a_page_at_a_time_from_the_first_shown(
    db: Session, make_member, monkeypatch
) -> None:
    """Before the latest page: the page before the first message shown, oldest first, and
    whether there are more; only the two members of the thread can read it back."""
    monkeypatch.setattr(messaging, "LATEST", 3)
    mentee, mentor, stranger = (make_member(role=r) for r in ("mentee", "mentor", "mentee"))
    for n in range(8):
        messaging.send_message(db, actor=mentee, other_id=mentor.id, body=f"Message {n}")
    latest = messaging.read_thread(db, actor=mentor, other_id=mentee.id)
    assert [m.body for m in latest] == ["Message 5", "Message 6", "Message 7"]
    before, more = messaging.earlier_messages(db, actor=mentor, other_id=mentee.id, before_id=latest[0].id)
    assert [(m.body, m.mine, m.sender_name) for m in before] == [
        (f"Message {n}", False, mentee.name) for n in (2, 3, 4)
    ]
    assert more
    first, more = messaging.earlier_messages(db, actor=mentee, other_id=mentor.id, before_id=before[0].id)
    assert [(m.body, m.mine) for m in first] == [("Message 0", True), ("Message 1", True)] and not more
    assert messaging.earlier_messages(db, actor=mentee, other_id=mentor.id, before_id=first[0].id) == (
        [],
        False,
    )
    # Another member names the thread's other side and a message id: nothing of theirs comes back.
    assert messaging.earlier_messages(
        db, actor=stranger, other_id=mentor.id, before_id=latest[-1].id + 1
    ) == (
        [],
        False,
    )
    assert messaging.earlier_messages(db, actor=mentor, other_id=mentee.id, before_id=0) == ([], False)


def test_a_tab_holds_at_most_earlier_held_messages_read_back(monkeypatch) -> None:
    """However long the thread, Show earlier messages stops once a tab holds EARLIER_HELD of them
    (the rest are in Download my data); a thread that ends before that simply has no more."""
    from mentoring_app.state import messages as thread_state

    monkeypatch.setattr(thread_state, "EARLIER_HELD", 5)

    def cards(*ids: int) -> list:
        return [{"id": i} for i in ids]

    held, more, capped = thread_state.hold_earlier(cards(3, 4), cards(5, 6), True)
    assert ([c["id"] for c in held], more, capped) == ([3, 4, 5, 6], True, False)
    held, more, capped = thread_state.hold_earlier(cards(2), held, True)
    assert ([c["id"] for c in held], more, capped) == ([2, 3, 4, 5, 6], False, True)
    held, more, capped = thread_state.hold_earlier(cards(0, 1), cards(2, 3, 4, 5), True)
    assert ([c["id"] for c in held], more, capped) == ([1, 2, 3, 4, 5], False, True)
    held, more, capped = thread_state.hold_earlier(cards(1), cards(2, 3, 4, 5), False)
    assert ([c["id"] for c in held], more, capped) == ([1, 2, 3, 4, 5], False, False)
