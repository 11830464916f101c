"""Availability and booking: free slots (time zones, daylight saving, away dates, meetings already
planned, the notice window), the mentor's form, invites (METHOD/UID/SEQUENCE) across book, move and
cancel, two members booking one slot at the same moment, and the day-before reminder sent once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app import timefmt
from mentoring_app.models import Meeting, OutboxEmail, User
from mentoring_app.services.accounts import privacy
from mentoring_app.services.errors import NotAllowed, ServiceError, ValidationFailed
from mentoring_app.services.mentoring import availability, booking, meetings, relationships
from mentoring_app.services.mentoring.availability import generate_slots, parse_ranges
from tests.unit.pairs import accepted_pair
from tests.unit.test_relationships import TEXT, make_mentor

LONDON = "Europe/London"
MONDAY_9_TO_10 = {0: ((9 * 60, 10 * 60),)}


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _starts(weekly, now: datetime, zone: str = LONDON, **kw) -> list[datetime]:
    slots = generate_slots(
        weekly=weekly,
        time_zone=zone,
        minutes=kw.pop("minutes", 60),
        away=kw.pop("away", ()),
        busy=kw.pop("busy", ()),
        now=now,
        **kw,
    )
    return [s.starts_at for s in slots]


def test_a_london_slot_follows_the_clocks_in_march() -> None:
    # The clocks go forward on Sunday 31 March 2030: 09:00 London is 09:00 UTC before, 08:00 after.
    starts = _starts(MONDAY_9_TO_10, _utc(2030, 3, 20, 10))
    assert starts == [_utc(2030, 3, 25, 9), _utc(2030, 4, 1, 8), _utc(2030, 4, 8, 8)]
    # A viewer in Tokyo (no daylight saving) sees the hour move; one in London sees 09:00 each week.
    assert [timefmt.show(s, "Asia/Tokyo", "%H:%M") for s in starts] == ["18:00", "17:00", "17:00"]
    assert {timefmt.show(s, LONDON, "%H:%M") for s in starts} == {"09:00"}
    # New York changed its clocks on 10 March: 05:00 there, then 04:00 once London has changed.
    assert [timefmt.show(s, "America/New_York", "%H:%M") for s in starts] == ["05:00", "04:00", "04:00"]


def test_a_london_slot_follows_the_clocks_in_october() -> None:
    # The clocks go back on Sunday 27 October 2030: 08:00 UTC in summer, 09:00 UTC in winter.
    starts = _starts(MONDAY_9_TO_10, _utc(2030, 10, 15, 10), days=14)
    assert starts == [_utc(2030, 10, 21, 8), _utc(2030, 10, 28, 9)]
    assert [timefmt.show(s, "Europe/Paris", "%H:%M") for s in starts] == ["10:00", "10:00"]


def test_the_hour_the_clocks_skip_has_no_slot_and_the_repeated_hour_one() -> None:
    sundays = {6: ((60, 180),)}  # 01:00-03:00 London, in 60-minute slots
    march = _starts(sundays, _utc(2030, 3, 29, 0), days=3)
    # 01:00 does not exist on 31 March (01:00 GMT is 02:00 BST); 02:00 BST is 01:00 UTC.
    assert march == [_utc(2030, 3, 31, 1)]
    october = _starts(sundays, _utc(2030, 10, 25, 0), days=3)
    # 01:00 happens twice on 27 October: the first (BST, 00:00 UTC) is offered, then 02:00 GMT.
    assert october == [_utc(2030, 10, 27, 0), _utc(2030, 10, 27, 2)]


def test_away_days_busy_meetings_notice_and_length() -> None:
    weekly = {n: ((9 * 60, 12 * 60),) for n in range(5)}  # weekdays 09:00-12:00
    now = _utc(2030, 1, 7, 8)  # Monday 08:00 (London is on UTC in January)
    all_slots = _starts(weekly, now, days=3)
    # 12 hours' notice: nothing on Monday morning; Tuesday and Wednesday 09, 10, 11 (three days
    # from now ends at Thursday 08:00).
    assert all_slots == [_utc(2030, 1, d, h) for d in (8, 9) for h in (9, 10, 11)]
    assert _starts(weekly, now, days=3, away=[(date(2030, 1, 8), date(2030, 1, 8))])[0] == _utc(2030, 1, 9, 9)
    # A 45-minute meeting at 10:30 on Tuesday blocks 10:00 and 11:00.
    busy = [(_utc(2030, 1, 8, 10, 30), 45)]
    assert _utc(2030, 1, 8, 10) not in _starts(weekly, now, days=2, busy=busy)
    assert _utc(2030, 1, 8, 11) not in _starts(weekly, now, days=2, busy=busy)
    assert _utc(2030, 1, 8, 9) in _starts(weekly, now, days=2, busy=busy)
    # 90-minute meetings: 09:00 and 10:30 fit into 09:00-12:00.
    assert _starts(weekly, now, days=2, minutes=90) == [_utc(2030, 1, 8, 9), _utc(2030, 1, 8, 10, 30)]


def test_parsing_time_ranges() -> None:
    assert parse_ranges("14:00-17:00, 9:00 to 12:30") == ((540, 750), (840, 1020))
    assert parse_ranges("") == ()
    for bad, reason in (
        ("9-12", "like 09:00-12:00"),
        ("12:00-09:00", "after the start"),
        ("09:00-11:00, 10:00-12:00", "overlap"),
        ("25:00-26:00", "not a time"),
    ):
        with pytest.raises(ValueError, match=reason):
            parse_ranges(bad)


def _save(db: Session, mentor: User, **changes: str) -> availability.AvailabilityForm:
    fields = {
        "time_zone": LONDON,
        "days": ["09:00-12:00", "", "", "", "", "", ""],
        "meeting_minutes": "60",
        "video_link": "https://meet.example.org/odile",
        "away": "",
    }
    fields.update(changes)
    return availability.save_availability(db, actor=mentor, now=_utc(2030, 1, 1, 9), **fields)  # type: ignore[arg-type]


def test_the_mentors_form_checks_each_field_and_reads_back(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member)
    with pytest.raises(ValidationFailed) as failure:
        _save(
            db,
            mentor,
            time_zone="Mars/Olympus",
            days=["9-12", "", "", "", "", "", "18:00-17:00"],
            meeting_minutes="5",
            video_link="http://meet.example.org",
            away="next week",
        )
    errors = failure.value.errors
    assert set(errors) == {"time_zone", "day_0", "day_6", "meeting_minutes", "video_link", "away"}
    assert "https://" in errors["video_link"]
    saved = _save(
        db,
        mentor,
        days=["9:00-12:00", "", "14:00-16:00, 09:00-10:00", "", "", "", ""],
        away="2029-12-01\n2030-02-10 to 2030-02-14",
    )
    assert saved.days[0] == "09:00-12:00" and saved.days[2] == "09:00-10:00, 14:00-16:00"
    assert saved.away == "2030-02-10 to 2030-02-14"  # a period already over is dropped
    assert (saved.time_zone, saved.meeting_minutes, saved.is_set) == (LONDON, "60", True)
    with pytest.raises(NotAllowed):
        availability.my_availability(db, actor=make_member(role="mentee"))


def _invites(db: Session, to: str) -> list[tuple[str, str, int]]:
    """(METHOD, UID, SEQUENCE) of each calendar emailed to ``to``, oldest first."""
    found = []
    rows = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id)).all()
    for row in rows:
        if row.attachment_text:
            calendar = Calendar.from_ical(row.attachment_text)
            event = next(c for c in calendar.walk() if c.name == "VEVENT")
            found.append((str(calendar["method"]), str(event["uid"]), int(event["sequence"])))
    return found


NOW = _utc(2030, 1, 7, 8)


def test_book_move_and_cancel_send_one_uid_with_rising_sequence(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    with pytest.raises(ServiceError, match="has not set times"):
        booking.book_meeting(
            db, actor=mentee, relationship_id=rel.id, starts_at=_utc(2030, 1, 14, 9), now=NOW
        )
    db.rollback()
    _save(db, mentor)
    offer = booking.picker(db, actor=mentee, relationship_id=rel.id, now=NOW)
    assert offer.has_hours and offer.slots[0].starts_at == _utc(2030, 1, 14, 9)  # next Monday
    booked = booking.book_meeting(
        db,
        actor=mentee,
        relationship_id=rel.id,
        starts_at=_utc(2030, 1, 14, 9),
        time_zone="Europe/Paris",
        now=NOW,
    )
    assert (booked.place, booked.duration_minutes) == ("https://meet.example.org/odile", 60)
    [(method, uid, seq)] = _invites(db, mentee.email)
    assert (method, seq) == ("REQUEST", 0) and _invites(db, mentor.email) == [(method, uid, 0)]
    row = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == mentor.email)).all()[-1]
    assert row.attachment_type == "text/calendar; method=REQUEST"
    assert "Monday 14 Jan 2030, 09:00 (UTC)" not in row.body_text  # the mentor reads London time
    assert "Monday 14 Jan 2030, 09:00 (Europe/London time; 09:00 UTC)" in row.body_text
    ics = (row.attachment_text or "").replace("\r\n ", "")  # unfolded
    assert "ATTENDEE" in ics and mentor.email in ics and mentee.email not in ics
    assert "Join the video call: https://meet.example.org/odile" in ics
    # The slot is gone for everyone; booking it again is refused.
    offered = booking.picker(db, actor=mentor, relationship_id=rel.id, now=NOW).slots
    assert _utc(2030, 1, 14, 9) not in [s.starts_at for s in offered]
    with pytest.raises(ServiceError, match="just taken"):
        booking.book_meeting(
            db, actor=mentor, relationship_id=rel.id, starts_at=_utc(2030, 1, 14, 9), now=NOW
        )
    db.rollback()
    # The mentor moves it: same UID, SEQUENCE 1, to both.
    booking.move_meeting(
        db,
        actor=mentor,
        relationship_id=rel.id,
        meeting_id=booked.id,
        starts_at=_utc(2030, 1, 21, 9),
        now=NOW + timedelta(hours=1),
    )
    assert _invites(db, mentee.email)[-1] == ("REQUEST", uid, 1) == _invites(db, mentor.email)[-1]
    # The mentee cancels: METHOD:CANCEL, same UID, SEQUENCE 2, to both; the slot is free again.
    meetings.cancel_meeting(
        db, actor=mentee, relationship_id=rel.id, meeting_id=booked.id, now=NOW + timedelta(hours=2)
    )
    assert _invites(db, mentee.email)[-1] == ("CANCEL", uid, 2) == _invites(db, mentor.email)[-1]
    offered = booking.picker(db, actor=mentee, relationship_id=rel.id, now=NOW).slots
    assert _utc(2030, 1, 21, 9) in [s.starts_at for s in offered]


def test_a_mentors_meeting_in_another_pair_and_an_outsider(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member)
    pairs = []
    for _ in range(2):
        mentee = make_member(role="mentee")
        rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
        relationships.accept_request(db, actor=mentor, request_id=rel.id)
        pairs.append((mentee, rel))
    _save(db, mentor)
    (ana, first), (ben, second) = pairs
    booking.book_meeting(db, actor=ana, relationship_id=first.id, starts_at=_utc(2030, 1, 14, 9), now=NOW)
    offered = [s.starts_at for s in booking.picker(db, actor=ben, relationship_id=second.id, now=NOW).slots]
    assert _utc(2030, 1, 14, 9) not in offered and _utc(2030, 1, 14, 10) in offered
    with pytest.raises(ServiceError):
        booking.picker(db, actor=ben, relationship_id=first.id, now=NOW)


def _two_pairs(engine: Engine, make_member) -> tuple[list[tuple[int, int]], int]:
    with Session(engine) as db:
        mentor = make_mentor(db, make_member)
        _save(db, mentor)
        pairs = []
        for _ in range(2):
            mentee = make_member(role="mentee")
            rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
            relationships.accept_request(db, actor=mentor, request_id=rel.id)
            pairs.append((mentee.id, rel.id))
        return pairs, mentor.id  # type: ignore[return-value]


def _at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads released together, each with its own session; their results."""
    barrier, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except BaseException as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results  # type: ignore[return-value]


def _then_wait(fn: Callable[..., object], barrier: threading.Barrier) -> Callable[..., object]:
    """``fn``, then wait until every thread has called it."""

    def run(*args: object, **kwargs: object) -> object:
        found = fn(*args, **kwargs)
        barrier.wait(timeout=30)
        return found

    return run


def test_two_mentees_pressing_one_slot_at_once_get_one_meeting(
    engine: Engine, db: Session, make_member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real threads with their own sessions. In the last rounds both also pass the service's own
    "is it still free?" check before either writes, so only the database's unique index stands
    between them and a double booking."""
    pairs, mentor_id = _two_pairs(engine, make_member)
    free_slots = availability.mentor_slots

    def book(mentee_id: int, rel_id: int, starts: datetime) -> Callable[[], object]:
        def job() -> object:
            with Session(engine) as session:
                try:
                    return booking.book_meeting(
                        session,
                        actor=session.get(User, mentee_id),
                        relationship_id=rel_id,
                        starts_at=starts,
                        now=NOW,
                    ).id
                except ServiceError as refusal:
                    session.rollback()
                    return refusal.message

        return job

    for hour, both_checked_first in ((9, False), (10, True), (11, True)):
        if both_checked_first:
            monkeypatch.setattr(availability, "mentor_slots", _then_wait(free_slots, threading.Barrier(2)))
        starts = _utc(2030, 1, 14, hour)
        results = _at_once([book(m, r, starts) for m, r in pairs])
        monkeypatch.setattr(availability, "mentor_slots", free_slots)
        assert sorted(map(type, results), key=str) == [int, str], results
        assert booking.TAKEN in results
        with Session(engine) as session:
            held = session.exec(
                select(Meeting).where(Meeting.booked_mentor_id == mentor_id, Meeting.starts_at == starts)
            ).all()
            assert len(held) == 1 and held[0].status == "planned"


def test_the_day_before_reminder_goes_once_to_both(engine: Engine, db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    _save(db, mentor)
    booked = booking.book_meeting(
        db, actor=mentee, relationship_id=rel.id, starts_at=_utc(2030, 1, 14, 9), now=NOW
    )
    assert booking.run_due_reminders(db, now=_utc(2030, 1, 13, 8)) == 0  # 25 hours before: not yet

    def reminders() -> object:
        with Session(engine) as session:
            return booking.run_due_reminders(session, now=_utc(2030, 1, 13, 10))

    assert sorted(_at_once([reminders, reminders])) == [0, 1]  # type: ignore[type-var]
    assert booking.run_due_reminders(db, now=_utc(2030, 1, 13, 11)) == 0
    sent = db.exec(select(OutboxEmail.to_address).where(OutboxEmail.kind == "meeting_reminder")).all()
    assert sorted(sent) == sorted([mentor.email, mentee.email])
    # Moved to a later day, it is reminded again before its new time.
    booking.move_meeting(
        db,
        actor=mentor,
        relationship_id=rel.id,
        meeting_id=booked.id,
        starts_at=_utc(2030, 1, 21, 9),
        now=_utc(2030, 1, 13, 12),
    )
    assert booking.run_due_reminders(db, now=_utc(2030, 1, 20, 10)) == 1


def test_the_database_refuses_a_second_planned_booking_of_a_slot(db: Session, make_member) -> None:
    """The guard under the service's own check: even rows written past it cannot share a slot."""
    mentor, _, rel = accepted_pair(db, make_member)
    start = _utc(2030, 1, 14, 9)

    def booked(status: str = "planned") -> Meeting:
        return Meeting(relationship_id=rel.id, status=status, starts_at=start, booked_mentor_id=mentor.id)

    db.add(booked("cancelled"))
    db.add(booked())
    db.commit()  # a cancelled booking leaves its slot free
    db.add(booked())
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_download_my_data_has_the_mentors_times(db: Session, make_member) -> None:
    mentor = make_mentor(db, make_member)
    _save(db, mentor, away="2030-02-10 to 2030-02-14")
    times = json.loads(privacy.export_my_data(db, actor=mentor))["times_for_meetings"]
    assert (times["time_zone"], times["weekly"], times["video_link"]) == (
        LONDON,
        "0 09:00-12:00",
        "https://meet.example.org/odile",
    )
    assert times["away"] == [{"first_day": "2030-02-10", "last_day": "2030-02-14"}]
    assert (
        json.loads(privacy.export_my_data(db, actor=make_member(role="mentee")))["times_for_meetings"] is None
    )
