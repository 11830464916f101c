"""Booking in two real browsers: the mentor sets times for meetings on My profile (a bad video link
is refused next to its field, keeping what was typed), the mentee books from the first prompt in
their own time zone (a time another mentee took meanwhile is refused: "just taken"), both get the
invite by SMTP (METHOD:REQUEST), the mentor moves it (same UID, higher SEQUENCE) and the mentee
cancels it (METHOD:CANCEL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage

from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app import timefmt
from mentoring_app.models import Meeting, User
from mentoring_app.services.accounts import auth
from mentoring_app.services.mentoring import booking, relationships
from tests.e2e.test_accessibility import _violations
from tests.harness import RunningApp, log_in, seed_accepted_pair

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
MENTEE_ZONE = "America/New_York"


def _invite(message: EmailMessage) -> tuple[str, str, int, datetime]:
    """(METHOD, UID, SEQUENCE, start) of the calendar attached to ``message``."""
    [attached] = list(message.iter_attachments())
    assert attached.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attached.get_payload(decode=True))
    event = next(c for c in calendar.walk() if c.name == "VEVENT")
    assert str(attached.get_param("method")) == str(calendar["method"])
    return str(calendar["method"]), str(event["uid"]), int(event["sequence"]), event.decoded("dtstart")


def _book_first_free_time_for_another_mentee(app: RunningApp, mentor_email: str) -> datetime:
    """A second mentee of the mentor books the mentor's first free time (through the services)."""
    with Session(app.engine, expire_on_commit=False) as db:
        mentor = db.exec(select(User).where(User.email_key == mentor_email.lower())).one()
        other = auth.register(
            db, name="Rosa Rival", email=f"rival.{mentor.id}@example.org", password=PASSWORD, role="mentee"
        )
        rel = relationships.send_request(
            db, actor=other, mentor_id=mentor.id, text="I would like help to build a financial client base."
        )
        relationships.accept_request(db, actor=mentor, request_id=rel.id)
        first = booking.picker(db, actor=other, relationship_id=rel.id).slots[0].starts_at
        booking.book_meeting(db, actor=other, relationship_id=rel.id, starts_at=first)
        return first


def _meetings(page: Page, app: RunningApp, rid: int) -> None:
    page.goto(app.url(f"/relationships/{rid}?section=meetings"))
    expect(page.get_by_role("tab", name="Meetings")).to_have_attribute("aria-selected", "true")


def test_mentor_sets_times_mentee_books_mentor_moves_mentee_cancels(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("odile"), unique_email("paco")
    rid = seed_accepted_pair(app, mentor_email, mentee_email)[0]
    mentor = browser.new_context(timezone_id="Europe/London").new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD)
    expect(mentor).to_have_url(HOME)

    # My profile: times for meetings. A plain http link is refused beside its field; nothing typed is lost.
    mentor.goto(app.url("/profile"))
    times = mentor.get_by_role("form", name="Times for meetings")
    expect(times.get_by_label("Your time zone")).to_have_value("Europe/London")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        times.get_by_label(day, exact=True).fill("08:00-12:00, 13:00-20:00")
    times.get_by_label("Usual meeting length (minutes)").fill("45")
    times.get_by_label("Video-call link (optional)").fill("http://meet.example.org/odile")
    times.get_by_role("button", name="Save times for meetings").click()
    expect(times.get_by_text("starting with https://")).to_be_visible()
    expect(times.get_by_label("Monday", exact=True)).to_have_value("08:00-12:00, 13:00-20:00")
    expect(times.get_by_label("Usual meeting length (minutes)")).to_have_value("45")
    assert _violations(mentor) == []
    times.get_by_label("Video-call link (optional)").fill("https://meet.example.org/odile")
    times.get_by_role("button", name="Save times for meetings").click()
    expect(mentor.get_by_text("Your times for meetings have been saved.")).to_be_visible()
    expect(times.get_by_text("starting with https://")).to_have_count(0)

    # The mentee's first prompt is to book the first meeting; the free times are in New York time.
    mentee = browser.new_context(timezone_id=MENTEE_ZONE).new_page()
    log_in(mentee, app, email_address=mentee_email, password=PASSWORD)
    expect(mentee).to_have_url(HOME)
    mentee.goto(app.url(f"/relationships/{rid}"))
    mentee.get_by_role("button", name="Book your first meeting").click()
    expect(mentee.get_by_role("tab", name="Meetings")).to_have_attribute("aria-selected", "true")
    expect(mentee.get_by_text(f"next three weeks, in your time zone: {MENTEE_ZONE}")).to_be_visible()
    free = mentee.get_by_role("list", name="Free times")
    first = free.get_by_role("button").first
    expect(first).to_have_accessible_name(re.compile("^Book "))
    assert _violations(mentee) == []
    # Another mentee of Odile's takes the first free time while Paco is looking at it.
    taken_at = _book_first_free_time_for_another_mentee(app, mentor_email)
    first.click()
    expect(mentee.get_by_role("alert").filter(has_text=booking.TAKEN)).to_be_visible()
    with Session(app.engine) as db:
        assert db.exec(select(Meeting).where(Meeting.relationship_id == rid)).all() == []
    first = free.get_by_role("button").first  # the times as they now are, without the taken one
    label = first.get_attribute("aria-label") or ""
    assert label != "Book " + timefmt.show(taken_at, MENTEE_ZONE, "%A %d %b at %H:%M")
    first.click()
    expect(mentee.get_by_text("Meeting booked.")).to_be_visible()
    planned = mentee.get_by_role("list", name="Planned meetings")
    expect(planned).to_contain_text("https://meet.example.org/odile")
    expect(mentee.get_by_role("button", name="Book your first meeting")).to_have_count(0)
    with Session(app.engine) as db:
        [booked] = db.exec(select(Meeting).where(Meeting.relationship_id == rid)).all()
    assert booked.starts_at is not None and booked.duration_minutes == 45
    # The button said the time as New York reads it.
    shown = timefmt.show(booked.starts_at, MENTEE_ZONE, "%A %d %b at %H:%M")
    assert label == f"Book {shown}", (label, shown)

    # Both are emailed the invite: METHOD:REQUEST, one UID, SEQUENCE 0.
    to_mentee = app.mailbox.wait_for(mentee_email, "You booked a mentoring meeting")
    to_mentor = app.mailbox.wait_for(mentor_email, "Paco Progress booked a mentoring meeting")
    method, uid, sequence, starts = _invite(to_mentee)
    assert (method, sequence, starts) == ("REQUEST", 0, booked.starts_at.astimezone(UTC))
    assert _invite(to_mentor)[:3] == ("REQUEST", uid, 0)

    # The mentor moves it to another free time: the same UID with SEQUENCE 1, to both.
    _meetings(mentor, app, rid)
    mentor.get_by_role("list", name="Planned meetings").get_by_role(
        "button", name=re.compile("^Move to another time: the meeting on")
    ).click()
    expect(mentor.get_by_role("heading", name="Choose a new time")).to_be_visible()
    new_times = mentor.get_by_role("list", name="Free times").get_by_role(
        "button", name=re.compile("^Move to")
    )
    new_times.nth(1).click()
    expect(mentor.get_by_text("Meeting moved.")).to_be_visible()
    moved = _invite(app.mailbox.wait_for(mentee_email, "Odile Oversight moved a mentoring meeting"))
    assert moved[:3] == ("REQUEST", uid, 1) and moved[3] != starts
    to_mover = app.mailbox.wait_for(mentor_email, "You moved a mentoring meeting")
    assert _invite(to_mover)[:3] == ("REQUEST", uid, 1)
    # The mentee's open dashboard shows the new time by itself.
    new_time = timefmt.show(moved[3], MENTEE_ZONE, "%A %d %b %Y, %H:%M")
    expect(planned).to_contain_text(new_time)

    # The mentee cancels: METHOD:CANCEL with the same UID and SEQUENCE 2, to both.
    planned.get_by_role("button", name=re.compile("^Cancel meeting on")).click()
    expect(mentee.get_by_text("Meeting cancelled.")).to_be_visible()
    expect(mentee.get_by_text("No meeting planned.")).to_be_visible()
    cancelled = _invite(app.mailbox.wait_for(mentor_email, "Paco Progress cancelled your mentoring meeting"))
    assert cancelled[:3] == ("CANCEL", uid, 2)
    assert _invite(app.mailbox.wait_for(mentee_email, "You cancelled your mentoring meeting"))[:3] == (
        "CANCEL",
        uid,
        2,
    )
