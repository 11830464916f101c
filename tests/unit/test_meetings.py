"""Meetings: scheduling, logging (a planned meeting becomes held, never counted twice), and the
calendar invite, parsed back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from mentoring_app.models import Meeting, Notification
from mentoring_app.services.errors import NotFound, ServiceError, ValidationFailed
from mentoring_app.services.mentoring import meetings
from mentoring_app.settings import get_settings
from tests.unit.pairs import NOW, TODAY, accepted_pair


def test_schedule_log_and_count(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    with pytest.raises(ValidationFailed) as failure:
        meetings.schedule_meeting(
            db,
            actor=mentee,
            relationship_id=rel.id,
            starts_at=NOW - timedelta(hours=1),
            duration_minutes=1,
            now=NOW,
        )
    assert set(failure.value.errors) == {"starts_at", "duration_minutes"}
    start = datetime(2030, 3, 10, 9, 30, tzinfo=UTC)
    planned = meetings.schedule_meeting(
        db, actor=mentee, relationship_id=rel.id, starts_at=start, duration_minutes=45,
        place="https://meet.example.org/abc", agenda="Rates", now=NOW,
    )  # fmt: skip
    assert (planned.status, planned.starts_at, planned.place_is_link) == ("planned", start, True)
    assert db.exec(select(Notification.kind).where(Notification.user_id == mentor.id)).all()[-1] == (
        "meeting_scheduled"
    )
    with pytest.raises(ValidationFailed) as failure:
        meetings.log_meeting(
            db, actor=mentor, relationship_id=rel.id, held_on=TODAY + timedelta(days=1), duration_minutes=60,
            today=TODAY,
        )  # fmt: skip
    assert set(failure.value.errors) == {"held_on"}
    meetings.log_meeting(
        db, actor=mentor, relationship_id=rel.id, held_on=TODAY, duration_minutes=60,
        notes="First conversation", next_steps="Draft a goal", today=TODAY,
    )  # fmt: skip
    held = meetings.log_meeting(
        db, actor=mentee, relationship_id=rel.id, meeting_id=planned.id, held_on=TODAY, duration_minutes=50,
        notes="Talked about rates", today=TODAY,
    )  # fmt: skip
    assert held.id == planned.id and db.get(Meeting, planned.id).status == "held"
    listed = meetings.meetings(db, actor=mentor, relationship_id=rel.id)
    assert (listed.held_count, listed.minutes, listed.hours, listed.planned) == (2, 110, 1.8, ())
    with pytest.raises(ServiceError, match="held already"):
        meetings.schedule_meeting(
            db, actor=mentee, relationship_id=rel.id, starts_at=start, meeting_id=planned.id, now=NOW
        )
    again = meetings.schedule_meeting(db, actor=mentor, relationship_id=rel.id, starts_at=start, now=NOW)
    meetings.cancel_meeting(db, actor=mentee, relationship_id=rel.id, meeting_id=again.id)
    assert db.get(Meeting, again.id).status == "cancelled"
    assert meetings.meetings(db, actor=mentee, relationship_id=rel.id).planned == ()


def test_calendar_invite(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    meetings.log_meeting(
        db, actor=mentee, relationship_id=rel.id, held_on=TODAY, duration_minutes=60,
        next_steps="Send three introductions", today=TODAY,
    )  # fmt: skip
    start = datetime(2030, 3, 10, 9, 30, tzinfo=UTC)
    planned = meetings.schedule_meeting(
        db, actor=mentee, relationship_id=rel.id, starts_at=start, duration_minutes=45,
        place="Video call; link to follow", agenda="Rates, and the law firm list", now=NOW,
    )  # fmt: skip
    filename, payload = meetings.invite_ics(db, actor=mentor, meeting_id=planned.id, now=NOW)
    assert filename == "mentoring-meeting-2030-03-10.ics"
    calendar = Calendar.from_ical(payload)
    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "PUBLISH")
    assert "Relationship dashboard" in str(calendar["prodid"])
    (event,) = calendar.walk("VEVENT")
    host = get_settings().app_url.split("//", 1)[1].split(":")[0].split("/")[0]
    assert str(event["uid"]) == f"meeting-{planned.id}@{host}"
    assert event.decoded("dtstart") == start and event.decoded("dtend") == start + timedelta(minutes=45)
    assert event.decoded("dtstamp") == NOW
    assert str(event["summary"]) == f"Mentoring: {mentee.name} and {mentor.name}"
    assert str(event["location"]) == "Video call; link to follow"
    url = f"{get_settings().app_url}/relationships/{rel.id}"
    assert str(event["url"]) == url
    description = str(event["description"])
    assert "Rates, and the law firm list" in description and "Send three introductions" in description
    assert url in description
    assert b"DTSTART:20300310T093000Z" in payload and mentor.email.encode() not in payload


def test_invite_and_meetings_are_for_the_pair_only(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    _, other_mentee, other_rel = accepted_pair(db, make_member)
    start = NOW + timedelta(days=3)
    planned = meetings.schedule_meeting(db, actor=mentee, relationship_id=rel.id, starts_at=start, now=NOW)
    with pytest.raises(NotFound) as guessed:
        meetings.invite_ics(db, actor=other_mentee, meeting_id=planned.id)
    with pytest.raises(NotFound) as missing:
        meetings.invite_ics(db, actor=other_mentee, meeting_id=planned.id + 100)
    assert guessed.value.message == missing.value.message
    for call in (
        lambda: meetings.cancel_meeting(
            db, actor=other_mentee, relationship_id=other_rel.id, meeting_id=planned.id
        ),
        lambda: meetings.log_meeting(
            db,
            actor=other_mentee,
            relationship_id=other_rel.id,
            meeting_id=planned.id,
            held_on=TODAY,
            duration_minutes=60,
            today=TODAY,
        ),
        lambda: meetings.meetings(db, actor=other_mentee, relationship_id=rel.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert db.get(Meeting, planned.id).status == "planned"
    held = meetings.log_meeting(
        db, actor=mentor, relationship_id=rel.id, held_on=TODAY, duration_minutes=60, today=TODAY
    )
    with pytest.raises(ServiceError, match="Only a planned meeting"):
        meetings.invite_ics(db, actor=mentor, meeting_id=held.id)
