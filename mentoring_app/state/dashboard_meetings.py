"""The Meetings section: book a meeting from the mentor's free times (or move one), schedule one
by hand (with a calendar invite), log meetings held.

Dates and times are typed in the member's own time zone and stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from mentoring_app import timefmt
from mentoring_app.models import User
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.library import guides
from mentoring_app.services.mentoring import booking, meetings
from mentoring_app.services.mentoring.relationship_access import MEETINGS_PART
from mentoring_app.state.dashboard_base import DashboardBase, text_of
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id


class MeetingCard(TypedDict):
    id: int
    when: str
    when_label: str  # "Tuesday 03 Dec 2030, 09:00": names the meeting in its buttons
    duration: str
    place: str
    place_link: str
    agenda: str
    notes: str
    next_steps: str
    can_edit: bool


def _card(view: meetings.MeetingView, tz: str) -> MeetingCard:
    when = (
        timefmt.show(view.starts_at, tz, "%A %d %b %Y, %H:%M")
        if view.starts_at and view.status == "planned"
        else (view.held_on.strftime("%A %d %b %Y") if view.held_on else "")
    )
    return MeetingCard(
        id=view.id,
        when=when,
        when_label=when,
        duration=timefmt.length(view.duration_minutes),
        place=view.place,
        place_link=view.place if view.place_is_link else "",
        agenda=view.agenda,
        notes=view.notes,
        next_steps=view.next_steps,
        can_edit=view.can_edit,
    )


def _minutes(raw: str, errors: dict[str, str], key: str) -> int:
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        errors[key] = "Give the length in whole minutes, for example 60."
        return 0
    return int(value)


def _day(raw: str, errors: dict[str, str], key: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors[key] = "Choose a date."
        return None


class SlotTime(TypedDict):
    value: str  # the slot's start, UTC, ISO 8601 (what a press sends back; the service re-checks it)
    time: str  # "09:00" in the member's zone
    label: str  # "Book Tuesday 03 Dec at 09:00"


class SlotDay(TypedDict):
    day: str
    times: list[SlotTime]


PICKER_ID = "book-a-meeting"  # the booking card, scrolled to when a move starts
MAX_SLOTS = 80  # three weeks of a generous mentor; the picker is closed again after booking


def _slot_days(found: booking.Picker, tz: str) -> list[SlotDay]:
    """The free slots grouped by day, as the member reads them in their own zone."""
    verb = "Move to" if found.moving else "Book"
    days: list[SlotDay] = []
    for slot in found.slots[:MAX_SLOTS]:
        day = timefmt.show(slot.starts_at, tz, "%A %d %b")
        at = timefmt.show(slot.starts_at, tz, "%H:%M")
        if not days or days[-1]["day"] != day:
            days.append(SlotDay(day=day, times=[]))
        days[-1]["times"].append(
            SlotTime(value=slot.starts_at.isoformat(), time=at, label=f"{verb} {day} at {at}")
        )
    return days


def _open_picker(
    session: Session, user: User, *, relationship_id: int, meeting_id: int | None, section: str
) -> tuple[booking.Picker, guides.StageShelf | None]:
    """The free times, and the guides of ``section`` when the picker opens another section."""
    found = booking.picker(session, actor=user, relationship_id=relationship_id, meeting_id=meeting_id)
    return found, guides.for_section(session, actor=user, section=section) if section else None


class MeetingsPart(DashboardBase, mixin=True):
    # The booking picker: filled only when the member opens it (never on a dashboard load).
    picker_open: bool = False
    picker_moving: int = 0  # the planned meeting being moved, or 0 for a new booking
    picker_days: list[SlotDay] = []
    picker_note: str = ""
    booking_error: str = ""

    planned_meetings: list[MeetingCard] = []
    held_meetings: list[MeetingCard] = []
    meetings_held: int = 0
    schedule_errors: dict[str, str] = {}
    log_errors: dict[str, str] = {}
    meeting_form_key: int = 0
    time_zone_label: str = "UTC"

    def _show_meetings(self, view: meetings.MeetingsView) -> None:
        tz = self.time_zone  # type: ignore[attr-defined]
        self.planned_meetings = [_card(m, tz) for m in view.planned]
        self.held_meetings = [_card(m, tz) for m in view.held]
        self.meetings_held = view.held_count
        self.time_zone_label = timefmt.zone_name(tz)

    @rx.event
    async def schedule_meeting(self, form: FormData):
        errors: dict[str, str] = {}
        day = _day(text_of(form, "meeting_date", 20), errors, "starts_at")
        try:
            at = time.fromisoformat(text_of(form, "meeting_time", 10).strip())
        except ValueError:
            errors["starts_at"] = errors.get("starts_at", "Choose a time, for example 18:30.")
            at = None
        minutes = _minutes(text_of(form, "duration_minutes", 10), errors, "duration_minutes")
        if errors or day is None or at is None:
            self.schedule_errors = errors
            return None
        done, _, _ = await self._attempt(
            meetings.schedule_meeting,
            "schedule_errors",
            touches=MEETINGS_PART,
            starts_at=timefmt.to_utc(day, at, self.time_zone),  # type: ignore[attr-defined]
            duration_minutes=minutes,
            place=text_of(form, "place"),
            agenda=text_of(form, "agenda"),
            time_zone=self.time_zone,  # type: ignore[attr-defined]
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        self.meeting_form_key += 1
        return rx.toast.success(
            "Meeting scheduled. Your partner has been emailed the calendar invite; download it for "
            "your own calendar."
        )

    async def _show_picker(self, meeting_id: int | None, section: str = "") -> rx.event.EventSpec | None:
        user, answer = await self._as_member(  # type: ignore[attr-defined]
            _open_picker, relationship_id=self.relationship_id, meeting_id=meeting_id, section=section
        )
        if user is None:
            return self._login_redirect()  # type: ignore[attr-defined]
        if isinstance(answer, ServiceError):
            return rx.toast.error(answer.message)
        assert isinstance(answer, tuple)
        found, shelf = answer
        if shelf is not None:
            self.section = section  # type: ignore[has-type]
            self._show_shelf(shelf)  # type: ignore[attr-defined]
        self.picker_open, self.picker_moving = True, meeting_id or 0
        self.picker_days = _slot_days(found, self.time_zone)  # type: ignore[attr-defined]
        if not found.has_hours:
            self.picker_note = booking.NO_HOURS.format(name=found.mentor_name)
        elif not found.slots:
            self.picker_note = f"{found.mentor_name} has no free time in the next three weeks."
        else:
            self.picker_note = ""
        return None

    @rx.event
    async def open_booking(self):
        """Show the mentor's free times (worked out now) to book a meeting."""
        self.booking_error = ""
        return await self._show_picker(None)

    @rx.event
    async def open_move(self, meeting_id: object):
        """Show the mentor's free times to move a planned meeting to (the picker is further down
        the section than the meeting's card: take the member there)."""
        self.booking_error = ""
        refused = await self._show_picker(as_id(meeting_id))
        return refused or rx.scroll_to(PICKER_ID)

    @rx.event
    async def book_first_meeting(self):
        """The dashboard's first prompt: open Meetings with the free times showing."""
        self.booking_error = ""
        refused = await self._show_picker(None, section="meetings")
        return refused or rx.call_script("history.replaceState(history.state, '', '?section=meetings')")

    def _reset_picker(self) -> None:
        self.picker_open, self.picker_moving, self.picker_days, self.booking_error = False, 0, [], ""
        self.picker_note = ""

    @rx.event
    def close_booking(self) -> None:
        self._reset_picker()

    @rx.event
    async def book_slot(self, value: object):
        try:
            starts_at = datetime.fromisoformat(value) if isinstance(value, str) and len(value) < 40 else None
        except ValueError:
            starts_at = None
        if starts_at is None or starts_at.tzinfo is None:
            return rx.toast.error(booking.TAKEN)
        moving = self.picker_moving
        service = booking.move_meeting if moving else booking.book_meeting
        extra = {"meeting_id": moving} if moving else {}
        done, _, _ = await self._attempt(
            service,
            touches=MEETINGS_PART,
            starts_at=starts_at.astimezone(UTC),
            time_zone=self.time_zone,  # type: ignore[attr-defined]
            **extra,
        )
        if not done:
            refusal = self._refusal
            if refusal == booking.TAKEN:
                await self._show_picker(moving or None)  # the times as they now are
                self.booking_error = refusal
                return None
            return rx.toast.error(refusal)
        self._reset_picker()
        partner = self.partner_name  # type: ignore[attr-defined]
        done_word = "moved" if moving else "booked"
        return rx.toast.success(
            f"Meeting {done_word}. You and {partner} have been emailed the calendar invite."
        )

    @rx.event
    async def cancel_meeting(self, meeting_id: object):
        done, _, _ = await self._attempt(
            meetings.cancel_meeting,
            touches=MEETINGS_PART,
            meeting_id=as_id(meeting_id),
            time_zone=self.time_zone,  # type: ignore[attr-defined]
        )
        if not done:
            return rx.toast.error(self._refusal)
        return rx.toast.success(
            "Meeting cancelled. You have both been emailed the cancellation for your calendars."
        )

    @rx.event
    async def log_meeting(self, form: FormData):
        errors: dict[str, str] = {}
        day = _day(text_of(form, "held_on", 20), errors, "held_on")
        minutes = _minutes(text_of(form, "held_minutes", 10), errors, "duration_minutes")
        if errors or day is None:
            self.log_errors = errors
            return None
        done, _, _ = await self._attempt(
            meetings.log_meeting,
            "log_errors",
            touches=MEETINGS_PART,
            held_on=day,
            duration_minutes=minutes,
            notes=text_of(form, "notes"),
            next_steps=text_of(form, "next_steps"),
            today=self._today(),
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        self.meeting_form_key += 1
        return rx.toast.success("Meeting logged. It counts towards your CPD record.")

    @rx.event
    async def download_invite(self, meeting_id: object):
        user = await self._current_member()  # type: ignore[attr-defined]
        if user is None:
            return self._login_redirect()  # type: ignore[attr-defined]
        try:
            name, data = await call(meetings.invite_ics, actor=user, meeting_id=as_id(meeting_id))
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        return rx.download(data=data, filename=name, mime_type="text/calendar")
