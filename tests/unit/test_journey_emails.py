"""Emails that take the member to the right place: each button opens the page the email talks
about; an edited request tells the mentor (in the app always, by email at most once a day); a
scheduled meeting emails the partner the calendar invite; the request box's limit and hint."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import Notification, OutboxEmail
from mentoring_app.services.accounts import privacy
from mentoring_app.services.mentoring import meetings, relationships
from mentoring_app.services.outbox import mail, relay
from mentoring_app.settings import get_settings
from tests.unit.pairs import NOW, accepted_pair
from tests.unit.test_relationships import TEXT, make_mentor
from tests.unit.test_relay import Collector, _unused_port

APP = get_settings().app_url


def _last(db: Session, kind: str, to: str) -> OutboxEmail:
    return db.exec(
        select(OutboxEmail)
        .where(OutboxEmail.kind == kind, OutboxEmail.to_address == to)
        .order_by(OutboxEmail.id.desc())  # type: ignore[union-attr]
    ).first()


def _button(row: OutboxEmail) -> str:
    """The address the email's button opens (the unsubscribe link at its foot aside)."""
    found = [url for url in re.findall(r'<a href="([^"]+)"', row.body_html) if "/unsubscribe?" not in url]
    assert len(found) == 1, found
    return found[0].replace("&amp;", "&")


def test_accepted_email_opens_the_relationship(db: Session, make_member) -> None:
    _mentor, mentee, rel = accepted_pair(db, make_member)
    row = _last(db, "accepted", mentee.email)
    assert _button(row) == f"{APP}/relationships/{rel.id}"
    assert "Open your relationship page" in row.body_text
    link = db.exec(select(Notification.link).where(Notification.kind == "accepted")).one()
    assert link == f"/relationships/{rel.id}"


def test_declined_email_links_to_the_suggested_mentor(db: Session, make_member) -> None:
    mentor, other, mentee = (
        make_mentor(db, make_member),
        make_mentor(db, make_member),
        make_member(role="mentee"),
    )
    plain = make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    relationships.decline_request(
        db, actor=mentor, request_id=rel.id, reason="better_mentor", suggested_mentor_id=other.id
    )
    row = _last(db, "declined", mentee.email)
    assert _button(row) == f"{APP}/members/{other.id}"
    assert f"See {other.name}'s profile" in row.body_text
    # Without a suggestion, the button opens Find mentor.
    second = relationships.send_request(db, actor=plain, mentor_id=mentor.id, text=TEXT)
    relationships.decline_request(db, actor=mentor, request_id=second.id, reason="no_time")
    assert _button(_last(db, "declined", plain.email)) == f"{APP}/find-mentor"


def test_withdrawn_email_says_what_to_do_next(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    relationships.withdraw(db, actor=mentor, relationship_id=rel.id, reason="Moving abroad")
    row = _last(db, "withdrawn", mentee.email)
    assert "What next: Find mentor lists the mentors" in row.body_text
    assert _button(row) == f"{APP}/find-mentor"
    mentor2, mentee2, rel2 = accepted_pair(db, make_member)
    relationships.withdraw(db, actor=mentee2, relationship_id=rel2.id)
    row = _last(db, "withdrawn", mentor2.email)
    assert "What next: nothing is needed from you." in row.body_text
    assert _button(row) == f"{APP}/relationships/{rel2.id}"


def test_an_edited_request_tells_the_mentor_and_emails_once_a_day(db: Session, make_member) -> None:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=NOW)
    assert "If they edit it, you will be told" in _last(db, "new_request", mentor.email).body_text
    for minutes, text in ((5, "First edit: exam preparation."), (30, "Second edit: rates too.")):
        relationships.edit_request(
            db, actor=mentee, request_id=rel.id, text=text, now=NOW + timedelta(minutes=minutes)
        )
    relationships.edit_request(  # unchanged text: nothing to tell
        db, actor=mentee, request_id=rel.id, text="Second edit: rates too.", now=NOW + timedelta(hours=1)
    )
    told = db.exec(
        select(Notification.link).where(
            Notification.user_id == mentor.id, Notification.kind == "request_edited"
        )
    ).all()
    assert told == ["/requests", "/requests"]
    sent = db.exec(select(OutboxEmail).where(OutboxEmail.kind == "request_edited")).all()
    assert len(sent) == 1 and "First edit: exam preparation." in sent[0].body_text
    assert _button(sent[0]) == f"{APP}/requests"
    relationships.edit_request(
        db,
        actor=mentee,
        request_id=rel.id,
        text="Third edit, a day later.",
        now=NOW + timedelta(days=1, minutes=6),
    )
    assert len(db.exec(select(OutboxEmail).where(OutboxEmail.kind == "request_edited")).all()) == 2


def test_request_hint_states_the_servers_limit() -> None:
    assert relationships.REQUEST_HINT == "Up to 3,000 characters."
    assert relationships.MAX_TEXT == 3000


def test_scheduling_emails_the_partner_the_invite(engine: Engine, db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    starts = NOW + timedelta(days=7, hours=8, minutes=30)  # 18:30 UTC, 19:30 in Paris (winter)
    planned = meetings.schedule_meeting(
        db,
        actor=mentee,
        relationship_id=rel.id,
        starts_at=starts,
        duration_minutes=45,
        place="https://meet.example.org/abc",
        agenda="Rates and contracts",
        time_zone="Europe/Paris",
        now=NOW,
    )
    row = _last(db, "meeting_scheduled", mentor.email)
    assert row.subject == f"{mentee.name} scheduled your next mentoring meeting"
    assert "Friday 08 Mar 2030, 19:30 (Europe/Paris time; 18:30 UTC), for 45 minutes." in row.body_text
    assert _button(row) == f"{APP}/relationships/{rel.id}?section=meetings"
    assert (row.attachment_name, row.attachment_type) == ("mentoring-meeting-2030-03-08.ics", "text/calendar")
    event = next(c for c in Calendar.from_ical(row.attachment_text).walk() if c.name == "VEVENT")
    assert event.decoded("dtstart") == starts and str(event.get("location")) == "https://meet.example.org/abc"
    assert _last(db, "meeting_scheduled", mentee.email) is None  # the one who scheduled downloads it
    # Moving it sends the updated invite with the same UID and a higher sequence.
    meetings.schedule_meeting(
        db,
        actor=mentor,
        relationship_id=rel.id,
        starts_at=starts + timedelta(hours=1),
        meeting_id=planned.id,
        now=NOW + timedelta(minutes=10),
    )
    moved = _last(db, "meeting_scheduled", mentee.email)
    assert moved.subject == f"{mentor.name} moved your next mentoring meeting" and "(UTC)" in moved.body_text
    moved_event = next(c for c in Calendar.from_ical(moved.attachment_text).walk() if c.name == "VEVENT")
    assert str(moved_event["uid"]) == str(event["uid"]) and moved_event["sequence"] > event["sequence"]

    # The relay sends it as an attachment beside the text and HTML bodies.
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_unused_port())
    controller.start()
    try:
        settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)
        relay.deliver_due(engine, settings=settings)
    finally:
        controller.stop()
    [message] = [m for m in collector.messages if m["To"] == mentor.email and "scheduled" in m["Subject"]]
    assert "19:30" in message.get_body(("plain",)).get_content()
    [attached] = list(message.iter_attachments())
    assert attached.get_content_type() == "text/calendar"
    assert attached.get_filename() == "mentoring-meeting-2030-03-08.ics"
    assert b"BEGIN:VCALENDAR" in attached.get_payload(decode=True)


def test_erasure_scrubs_the_invite_attachment(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    meetings.schedule_meeting(
        db, actor=mentee, relationship_id=rel.id, starts_at=NOW + timedelta(days=3), now=NOW
    )
    row = _last(db, "meeting_scheduled", mentor.email)
    assert mentee.name in row.attachment_text
    privacy._scrub_outbox(db, name=mentee.name, email=mentee.email)
    db.commit()
    db.refresh(row)
    assert mentee.name not in row.attachment_text and "Former member" in row.attachment_text


def test_compose_keeps_the_attachment() -> None:
    composed = mail.compose(
        kind="x",
        subject="s",
        greeting_name="A",
        paragraphs=[],
        attachment=mail.Attachment("a.ics", "text/calendar", "BEGIN:VCALENDAR"),
    )
    assert composed.attachment == mail.Attachment("a.ics", "text/calendar", "BEGIN:VCALENDAR")
