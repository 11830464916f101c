"""Email preferences: each email has a type; a type turned off (or chosen weekly) is not queued;
security emails always go; every other email carries a signed unsubscribe link that works
without a log-in, and the relay puts List-Unsubscribe headers on it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from mentoring_app.models import EmailPreference, OutboxEmail, User
from mentoring_app.services.accounts import auth, privacy
from mentoring_app.services.conversations import messaging
from mentoring_app.services.errors import NotAllowed, ValidationFailed
from mentoring_app.services.mentoring import relationships
from mentoring_app.services.outbox import mail, preferences, relay
from mentoring_app.settings import get_settings
from tests.unit.test_relationships import TEXT, make_mentor

P = preferences


def choose(
    db: Session, member: User, *, off: tuple[str, ...] = (), messages: str = P.EACH, notes: str = P.EACH
):
    return P.save(
        db,
        actor=member,
        enabled={t: t not in off for t in P.TYPES},
        message_frequency=messages,
        notification_frequency=notes,
    )


def outbox(db: Session, kind: str) -> list[OutboxEmail]:
    return list(db.exec(select(OutboxEmail).where(OutboxEmail.kind == kind)).all())


def link_params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_every_kind_has_a_type_and_security_emails_are_essential() -> None:
    for kind in ("password_reset", "password_changed", "confirm_email", "registration_attempt", "invitation"):
        assert P.email_type(kind) == P.ESSENTIAL
    assert P.email_type("message") == P.MESSAGES
    assert P.email_type("new_request") == P.email_type("accepted") == P.email_type("withdrawn") == P.REQUESTS
    assert P.email_type("meeting_scheduled") == P.email_type("meeting_booked") == P.MEETINGS
    assert P.email_type("checkin") == P.email_type("checkin_nudge") == P.CHECKINS
    assert P.email_type("mentor_alert") == P.email_type("welcome") == P.NEWS


def test_defaults_are_all_on_each_as_it_happens(db: Session, make_member) -> None:
    member = make_member()
    chosen = P.choices(db, actor=member)
    assert all(chosen.enabled.values()) and set(chosen.enabled) == set(P.TYPES)
    assert chosen.message_frequency == chosen.notification_frequency == P.EACH
    with pytest.raises(NotAllowed):
        P.choices(db, actor=None)


def test_a_type_turned_off_is_not_queued_and_others_still_are(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    choose(db, mentor, off=(P.REQUESTS,))
    choose(db, mentee, off=(P.MESSAGES,))
    db.refresh(mentor)
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    assert outbox(db, "new_request") == []  # requests off for the mentor
    messaging.send_message(db, actor=mentor, other_id=mentee.id, body="Hello")
    assert outbox(db, "message") == []  # messages off for the mentee
    thread = messaging.threads(db, actor=mentee)[0]
    assert thread.unread == 1  # still told in the app
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hi back")
    assert [e.to_address for e in outbox(db, "message")] == [mentor.email]  # the mentor's are on


def test_security_emails_ignore_preferences_and_carry_no_unsubscribe(db: Session, make_member) -> None:
    member = make_member()
    choose(db, member, off=P.TYPES)
    auth.request_password_reset(db, email=member.email)
    (reset,) = outbox(db, "password_reset")
    assert reset.unsubscribe_url is None and "Unsubscribe" not in reset.body_text
    message = relay.build_message(reset, "noreply@example.org")
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None


def test_other_emails_carry_a_signed_link_in_the_body_and_the_header(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    (row,) = outbox(db, "new_request")
    assert row.unsubscribe_url and row.unsubscribe_url.startswith(
        get_settings().app_url + P.ONE_CLICK_PATH + "?"
    )
    page_url = row.unsubscribe_url.replace(P.ONE_CLICK_PATH, P.UNSUBSCRIBE_PAGE)
    assert f"Unsubscribe from request and relationship emails: {page_url}" in row.body_text
    assert "Unsubscribe from request and relationship emails</a>" in row.body_html
    message = relay.build_message(row, "noreply@example.org")
    assert message["List-Unsubscribe"] == f"<{row.unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_params(row.unsubscribe_url) == {
        "m": str(mentor.id),
        "t": P.REQUESTS,
        "s": P.signature(db, mentor.id, P.REQUESTS),
    }


def test_a_signed_link_turns_its_type_off_and_back_on_without_a_log_in(db: Session, make_member) -> None:
    member = make_member()
    _, url = P.unsubscribe_links(db, member.id, P.MESSAGES)
    params = link_params(url)
    result = P.set_by_link(db, params=params, on=False)
    assert result.ok and result.words == "message"
    prefs = db.get(EmailPreference, member.id)
    assert prefs is not None and prefs.messages is False and prefs.requests is True
    assert P.set_by_link(db, params=params, on=True).ok
    db.refresh(prefs)
    assert prefs.messages is True


def test_forged_and_altered_links_are_refused(db: Session, make_member) -> None:
    member, other = make_member(), make_member()
    _, url = P.unsubscribe_links(db, member.id, P.MESSAGES)
    params = link_params(url)
    forged = [
        {**params, "s": "A" * len(params["s"])},  # a made-up signature
        {**params, "m": str(other.id)},  # another member with this member's signature
        {**params, "t": P.NEWS},  # another type
        {**params, "t": "essential"},  # not a type one can leave
        {**params, "m": "x"},
        {},
    ]
    for bad in forged:
        assert not P.set_by_link(db, params=bad, on=False).ok, bad
    assert db.get(EmailPreference, member.id) is None and db.get(EmailPreference, other.id) is None
    # The other member's own link works for them only.
    _, theirs = P.unsubscribe_links(db, other.id, P.MESSAGES)
    assert P.set_by_link(db, params=link_params(theirs), on=False).ok
    assert db.get(EmailPreference, other.id).messages is False  # type: ignore[union-attr]
    assert db.get(EmailPreference, member.id) is None


def test_weekly_choice_stops_single_emails_and_starts_the_week(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    choose(db, mentor, messages=P.WEEKLY, notes=P.WEEKLY)
    relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hello")
    assert outbox(db, "new_request") == [] and outbox(db, "message") == []
    prefs = db.get(EmailPreference, mentor.id)
    assert prefs is not None and prefs.digest_due_at is not None and prefs.digest_since is not None
    assert prefs.digest_due_at - prefs.digest_since == timedelta(days=7)
    choose(db, mentor)  # back to each as it happens: no digest due
    db.refresh(prefs)
    assert prefs.digest_due_at is None


def test_a_bad_frequency_is_refused_by_field(db: Session, make_member) -> None:
    member = make_member()
    with pytest.raises(ValidationFailed) as refused:
        choose(db, member, messages="hourly")
    assert set(refused.value.errors) == {"message_frequency"}


def test_queue_finds_the_member_by_address_when_not_told(db: Session, make_member) -> None:
    """Emails added later that name only the address still honour the member's choices."""
    member = make_member()
    choose(db, member, off=(P.MEETINGS,))
    email = mail.compose(kind="meeting_booked", subject="Booked", greeting_name="A", paragraphs=["x"])
    assert mail.queue(db, to=member.email.upper(), email=email) is None
    email = mail.compose(kind="checkin", subject="Check", greeting_name="A", paragraphs=["x"])
    row = mail.queue(db, to=member.email, email=email)
    assert row is not None and row.unsubscribe_url and f"m={member.id}&t=checkins" in row.unsubscribe_url


def test_deleting_the_account_turns_every_email_off(db: Session, make_member) -> None:
    member = make_member()
    privacy.delete_account(db, actor=member, password="violet-harbour-lantern-42")
    prefs = db.get(EmailPreference, member.id)
    assert prefs is not None and not any(getattr(prefs, t) for t in P.TYPES)


def test_list_unsubscribe_headers_reach_smtp(db: Session, make_member) -> None:
    from aiosmtpd.controller import Controller

    from tests.unit.test_relay import Collector, _unused_port

    member = make_member()
    row = mail.queue(
        db,
        to=member.email,
        email=mail.compose(kind="mentor_alert", subject="A mentor", greeting_name="A", paragraphs=["x"]),
    )
    db.commit()
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_unused_port())
    controller.start()
    try:
        settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)
        relay.deliver_due(db.get_bind(), settings=settings)  # type: ignore[arg-type]
    finally:
        controller.stop()
    (received,) = [m for m in collector.messages if m["To"] == member.email and m["Subject"] == "A mentor"]
    assert received["List-Unsubscribe"] == f"<{row.unsubscribe_url}>"  # type: ignore[union-attr]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
