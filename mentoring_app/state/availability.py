"""My profile's "Times for meetings" form (mentors): weekly hours in their own time zone, dates
away, the usual meeting length and a video-call link. The form's fields keep what was typed when
something is refused; each error sits under its field."""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app.models import User
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.mentoring import availability
from mentoring_app.state.dashboard_base import text_of
from mentoring_app.state.db_calls import call


class AvailabilityPart(rx.State, mixin=True):
    availability_errors: dict[str, str] = {}
    availability_zone: str = "UTC"
    availability_days: list[str] = [""] * 7
    availability_minutes: str = "60"
    availability_link: str = ""
    availability_away: str = ""
    availability_form_key: int = 0

    def _show_availability(self, form: availability.AvailabilityForm) -> None:
        self.availability_zone, self.availability_days = form.time_zone, list(form.days)
        self.availability_minutes, self.availability_link = form.meeting_minutes, form.video_link
        self.availability_away = form.away
        self.availability_errors = {}
        self.availability_form_key += 1  # the fields start again from what is stored

    async def _load_availability(self, user: User) -> None:
        if user.is_mentor:
            form = await call(availability.my_availability, actor=user, time_zone=self.time_zone)  # type: ignore[attr-defined]
            self._show_availability(form)

    @rx.event
    async def save_availability(self, form: FormData):
        user = await self._current_member()  # type: ignore[attr-defined]
        if user is None:
            return self._login_redirect()  # type: ignore[attr-defined]
        try:
            saved = await call(
                availability.save_availability,
                actor=user,
                time_zone=text_of(form, "time_zone", 100),
                days=[text_of(form, name, 500) for name in availability.DAY_FIELDS],
                meeting_minutes=text_of(form, "meeting_minutes", 10),
                video_link=text_of(form, "video_link", 1000),
                away=text_of(form, "away", 3000),
            )
        except ValidationFailed as failure:
            self.availability_errors = failure.errors
            return rx.toast.error("Your times for meetings were not saved: see the fields marked.")
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self._show_availability(saved)
        return rx.toast.success("Your times for meetings have been saved. Your mentees can book from them.")
