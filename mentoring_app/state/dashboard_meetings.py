"""The Meetings section: schedule the next meeting (with a calendar invite), log meetings held.

Dates and times are typed in the member's own time zone and stored in UTC.
"""

from __future__ import annotations

from datetime import date, time
from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import timefmt
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.mentoring import meetings
from mentoring_app.services.mentoring.relationship_access import MEETINGS_PART
from mentoring_app.state.dashboard_base import DashboardBase, text_of
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id


class MeetingCard(TypedDict):
    id: int
    when: str
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


class MeetingsPart(DashboardBase, mixin=True):
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

    @rx.event
    async def cancel_meeting(self, meeting_id: object):
        done, _, _ = await self._attempt(
            meetings.cancel_meeting, touches=MEETINGS_PART, meeting_id=as_id(meeting_id)
        )
        if not done:
            return rx.toast.error(self._refusal)
        return rx.toast.success("Meeting cancelled. Your partner has been told.")

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
