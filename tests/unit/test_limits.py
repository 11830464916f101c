"""Per-member limits (services/limits.py): each one refuses the action after its number, with the
message the member reads, allows it again once the window has passed, and holds when many workers
race for the last slot. Both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from mentoring_app.models import (
    Message,
    Notification,
    OutboxEmail,
    PasswordReset,
    RateEvent,
    Relationship,
    Report,
)
from mentoring_app.services import limits
from mentoring_app.services.accounts import auth
from mentoring_app.services.conversations import messaging, reports
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.mentoring import relationships
from mentoring_app.services.staff import admin
from mentoring_app.settings import get_settings
from tests.unit.conftest import STRONG_PASSWORD
from tests.unit.test_relationships import TEXT, make_mentor

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def _minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def _count(db: Session, model, *conditions) -> int:  # type: ignore[no-untyped-def]
    return int(db.exec(select(func.count()).select_from(model).where(*conditions)).one())


# ---------------------------------------------------------------- messages


def test_messages_to_unconnected_members_are_limited_per_hour(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    mentors = [make_member(role="mentor") for _ in range(3)]
    for n in range(10):  # questions spread over three mentors who never answer
        messaging.send_message(db, actor=mentee, other_id=mentors[n % 3].id, body=f"Q{n}", now=_minutes(n))
    with pytest.raises(limits.LimitReached) as refused:
        messaging.send_message(db, actor=mentee, other_id=mentors[0].id, body="Q10", now=_minutes(10))
    assert refused.value.message == (
        "You have sent 10 messages to members you are not connected with in the last hour. "
        "You can send more in 50 minutes."
    )
    assert _count(db, Message, Message.sender_id == mentee.id) == 10
    assert _count(db, Notification, Notification.user_id == mentors[0].id) == 4  # Q0, Q3, Q6, Q9
    # One minute later the oldest has left the window: one more goes, then the limit holds again.
    messaging.send_message(db, actor=mentee, other_id=mentors[0].id, body="Q10", now=_minutes(60.5))
    with pytest.raises(limits.LimitReached):
        messaging.send_message(db, actor=mentee, other_id=mentors[0].id, body="Q11", now=_minutes(60.6))
    assert _count(db, Message, Message.sender_id == mentee.id) == 11


def test_a_first_message_to_a_new_member_refused_leaves_no_thread(db: Session, make_member) -> None:
    mentee, first, fresh = make_member(role="mentee"), make_member(role="mentor"), make_member(role="mentor")
    for n in range(10):
        messaging.send_message(db, actor=mentee, other_id=first.id, body=f"Q{n}", now=_minutes(n))
    with pytest.raises(limits.LimitReached):
        messaging.send_message(db, actor=mentee, other_id=fresh.id, body="Hello", now=_minutes(11))
    assert messaging.threads(db, actor=fresh) == []


def test_connected_members_and_answered_threads_are_not_limited(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    other_mentor, asker = make_member(role="mentor"), make_member(role="mentee")
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=T0)
    # An open request: both sides write freely.
    for n in range(15):
        messaging.send_message(db, actor=mentee, other_id=mentor.id, body=f"m{n}", now=_minutes(n))
        messaging.send_message(db, actor=mentor, other_id=mentee.id, body=f"r{n}", now=_minutes(n))
    # A question the mentor answered is a conversation: neither side is limited in it.
    messaging.send_message(db, actor=asker, other_id=other_mentor.id, body="A question", now=T0)
    for n in range(15):
        messaging.send_message(db, actor=other_mentor, other_id=asker.id, body=f"a{n}", now=_minutes(n))
        messaging.send_message(db, actor=asker, other_id=other_mentor.id, body=f"q{n}", now=_minutes(n))
    assert _count(db, Message) == 61


def test_a_mentor_writing_to_a_declined_mentee_is_limited(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=T0)
    relationships.decline_request(db, actor=mentor, request_id=rel.id, reason="no_time", now=T0)
    for n in range(10):
        messaging.send_message(db, actor=mentor, other_id=mentee.id, body=f"m{n}", now=_minutes(n))
    with pytest.raises(limits.LimitReached):
        messaging.send_message(db, actor=mentor, other_id=mentee.id, body="m10", now=_minutes(10))


# ---------------------------------------------------------------- reports


def test_reports_are_limited_per_day_and_one_open_per_subject(db: Session, make_member) -> None:
    reporter = make_member(role="mentee")
    subjects = [make_member(role="mentor") for _ in range(6)]
    first = reports.report(db, actor=reporter, subject_user_id=subjects[0].id, reason="Spam", now=T0)
    with pytest.raises(ServiceError) as duplicate:
        reports.report(db, actor=reporter, subject_user_id=subjects[0].id, reason="Spam!", now=_minutes(1))
    assert duplicate.value.message == reports.ALREADY_REPORTED
    for n in range(1, 5):  # the duplicate used no slot: four more go through
        reports.report(db, actor=reporter, subject_user_id=subjects[n].id, reason="Spam", now=_minutes(n))
    with pytest.raises(limits.LimitReached) as refused:
        reports.report(db, actor=reporter, subject_user_id=subjects[5].id, reason="Spam", now=_minutes(60))
    assert refused.value.message == (
        "You have sent 5 reports in the last day: an admin will look at them. "
        "You can send another in 23 hours."
    )
    assert _count(db, Report, Report.reporter_id == reporter.id) == 5
    # A day after the first report, one more is allowed; once the first is resolved, the same
    # member may be reported again.
    boss = admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]
    reports.resolve_report(db, actor=boss, report_id=first.id, note="Warned", now=_minutes(70))
    day = T0 + timedelta(days=1, minutes=1)
    reports.report(db, actor=reporter, subject_user_id=subjects[0].id, reason="Again", now=day)
    assert _count(db, Report, Report.reporter_id == reporter.id) == 6


def test_a_message_and_the_profile_of_its_sender_are_separate_reports(db: Session, make_member) -> None:
    mentee, mentor = make_member(role="mentee"), make_member(role="mentor")
    rude = messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Rude", now=T0)
    reports.report(db, actor=mentor, subject_user_id=mentee.id, reason="Rude", message_id=rude.id, now=T0)
    reports.report(db, actor=mentor, subject_user_id=mentee.id, reason="Profile", now=T0)
    with pytest.raises(ServiceError, match="reported this already"):
        reports.report(db, actor=mentor, subject_user_id=mentee.id, reason="x", message_id=rude.id, now=T0)


# ---------------------------------------------------------------- requests


def test_send_and_cancel_cycles_to_one_mentor_are_limited(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    for n in range(3):
        rel = relationships.send_request(
            db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=_minutes(2 * n)
        )
        relationships.cancel_request(db, actor=mentee, request_id=rel.id, now=_minutes(2 * n + 1))
    with pytest.raises(limits.LimitReached) as refused:
        relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=_minutes(6))
    assert refused.value.message == (
        "You have sent this mentor 3 requests in the last day. You can send another in 24 hours."
    )
    assert _count(db, Relationship, Relationship.mentee_id == mentee.id) == 3
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=T0 + timedelta(days=1))


def test_requests_are_limited_per_mentee_per_day(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    mentors = [make_mentor(db, make_member) for _ in range(11)]
    for n in range(10):
        rel = relationships.send_request(
            db, actor=mentee, mentor_id=mentors[n].id, text=TEXT, now=_minutes(n)
        )
        relationships.cancel_request(db, actor=mentee, request_id=rel.id, now=_minutes(n))
    with pytest.raises(limits.LimitReached, match="You have sent 10 mentoring requests in the last day"):
        relationships.send_request(db, actor=mentee, mentor_id=mentors[10].id, text=TEXT, now=_minutes(30))
    assert _count(db, Notification, Notification.user_id == mentors[10].id) == 0
    relationships.send_request(db, actor=mentee, mentor_id=mentors[10].id, text=TEXT, now=_minutes(24 * 60))


def test_one_email_a_day_about_requests_to_the_same_mentor(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")

    def mentor_emails(kind: str) -> int:
        return _count(db, OutboxEmail, OutboxEmail.to_address == mentor.email, OutboxEmail.kind == kind)

    first = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=T0)
    relationships.cancel_request(db, actor=mentee, request_id=first.id, now=_minutes(1))
    again = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=_minutes(2))
    assert (mentor_emails("new_request"), mentor_emails("cancelled")) == (1, 1)
    # The repeat is told in the app all the same.
    kinds = db.exec(select(Notification.kind).where(Notification.user_id == mentor.id)).all()
    assert sorted(kinds) == ["cancelled", "new_request", "new_request"]
    relationships.cancel_request(db, actor=mentee, request_id=again.id, now=_minutes(3))
    assert mentor_emails("cancelled") == 1
    # A day after the first email, a new request is emailed again.
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=T0 + timedelta(days=1))
    assert mentor_emails("new_request") == 2
    # Another mentee's request to the same mentor is emailed as usual.
    other = make_member(role="mentee")
    relationships.send_request(db, actor=other, mentor_id=mentor.id, text=TEXT, now=_minutes(5))
    assert mentor_emails("new_request") == 3


# ---------------------------------------------------------------- password reset and invitations


def test_reset_emails_are_limited_per_address_and_answer_alike(db: Session, make_member) -> None:
    member = make_member(email="r@example.org")
    answers = [auth.request_password_reset(db, email="R@Example.org", now=_minutes(n)) for n in range(3)]
    assert answers == [None, None, None]
    member_wait = auth.request_password_reset(db, email="r@example.org", now=_minutes(10))
    assert _count(db, PasswordReset, PasswordReset.user_id == member.id) == 3
    assert _count(db, OutboxEmail, OutboxEmail.kind == "password_reset") == 3
    # An address without an account gets exactly the same answers.
    unknown = [auth.request_password_reset(db, email="nobody@example.org", now=_minutes(n)) for n in range(3)]
    assert unknown == [None, None, None]
    assert auth.request_password_reset(db, email="nobody@example.org", now=_minutes(10)) == member_wait
    assert member_wait == timedelta(minutes=50)
    assert limits.wait_text(member_wait) == "50 minutes"
    # An hour after the first, a link can be asked for again.
    assert auth.request_password_reset(db, email="r@example.org", now=_minutes(60.5)) is None
    assert _count(db, OutboxEmail, OutboxEmail.kind == "password_reset") == 4


def test_invitation_resends_are_limited_per_member(db: Session, make_member) -> None:
    boss = admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]
    invited = make_member(email="invited@example.org")
    invited.password_hash = auth.UNUSABLE_PASSWORD
    db.add(invited)
    db.commit()
    for n in range(3):
        admin.resend_invitation(db, actor=boss, user_id=invited.id, now=_minutes(n))
    with pytest.raises(limits.LimitReached) as refused:
        admin.resend_invitation(db, actor=boss, user_id=invited.id, now=_minutes(3))
    assert refused.value.message.startswith("This member has been sent 3 invitations in the last day.")
    assert _count(db, OutboxEmail, OutboxEmail.kind == "invitation") == 3
    admin.resend_invitation(db, actor=boss, user_id=invited.id, now=T0 + timedelta(days=1))


# ---------------------------------------------------------------- the mechanism


def test_workers_racing_for_the_last_slots_never_pass_the_limit(engine: Engine) -> None:
    """Twelve sessions (as twelve workers would) take a five-a-day slot for one key at once."""
    racers, start = 12, threading.Barrier(12)
    taken: list[bool] = []

    def race() -> None:
        with Session(engine) as session:
            start.wait()
            wait = limits.take(session, "report", "user:racer", now=T0)
            session.commit()
            taken.append(wait is None)

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken.count(True) == 5
    with Session(engine) as session:
        assert limits.used(session, "report", "user:racer", now=T0) == 5


def test_keys_are_stored_as_digests_and_old_uses_are_purged(db: Session, make_member) -> None:
    auth.request_password_reset(db, email="secret.person@example.org", now=T0)
    limits.take(db, "request", "user:1", now=T0 + timedelta(hours=23))
    db.commit()
    rows = db.exec(select(RateEvent)).all()
    assert len(rows) == 2 and all("secret" not in r.key_digest and len(r.key_digest) == 64 for r in rows)
    assert limits.purge_expired(db, now=T0 + timedelta(days=1, minutes=1)) == 1
    assert [r.limit_name for r in db.exec(select(RateEvent)).all()] == ["request"]


def test_numbers_can_be_overridden_in_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMITS", "report=10/1d, password_reset=5/30m")
    get_settings.cache_clear()
    try:
        assert (limits.limit("report").most, limits.limit("report").window) == (10, timedelta(days=1))
        assert limits.limit("password_reset").window == timedelta(minutes=30)
        assert limits.limit("request") == limits.LIMITS["request"]
    finally:
        monkeypatch.delenv("RATE_LIMITS")
        get_settings.cache_clear()
    assert limits.limit("report").most == 5


def test_wait_texts() -> None:
    assert [limits.wait_text(timedelta(seconds=s)) for s in (1, 60, 61, 5400, 5401, 86400)] == [
        "1 minute",
        "1 minute",
        "2 minutes",
        "90 minutes",
        "2 hours",
        "24 hours",
    ]


def test_every_user_facing_limit_has_a_message() -> None:
    silent = {"password_reset", "request_email", "cancel_email", "edit_email"}
    for name, rule in limits.LIMITS.items():
        assert bool(rule.message) != (name in silent), name
