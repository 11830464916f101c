"""The admin dashboard's check-ins: pairs whose check-ins need attention (two low answers or two
unanswered in a row) with "Nudge this pair", and the weeks between check-ins. Admins only: the
services refuse anyone else."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.staff import checkin_attention
from mentoring_app.state.db_calls import call


class ConcernView(TypedDict):
    relationship_id: int
    mentee: str
    mentee_url: str
    mentor: str
    mentor_url: str
    detail: str


def concern_views(concerns: list[checkin_attention.CheckinConcern]) -> list[ConcernView]:
    return [
        ConcernView(
            relationship_id=c.relationship_id,
            mentee=c.mentee_name,
            mentee_url=f"/admin/members/{c.mentee_id}",
            mentor=c.mentor_name,
            mentor_url=f"/admin/members/{c.mentor_id}",
            detail="; ".join(c.reasons),
        )
        for c in concerns
    ]


class AdminCheckinsPart(rx.State, mixin=True):
    checkin_pairs: list[ConcernView] = []
    checkin_pairs_total: int = 0
    checkin_weeks: int = 0
    checkin_errors: dict[str, str] = {}

    def _show_checkins(
        self, concerns: tuple[list[checkin_attention.CheckinConcern], int], weeks: int
    ) -> None:
        self.checkin_pairs, self.checkin_pairs_total = concern_views(concerns[0]), concerns[1]
        self.checkin_weeks = weeks

    @rx.event
    async def nudge_pair(self, relationship_id: int):
        """Email both members of the pair a nudge (audited; at most once a day per pair)."""
        user = await self._current_member()  # type: ignore[attr-defined]
        if user is None:
            return self._login_redirect()  # type: ignore[attr-defined]
        if not isinstance(relationship_id, int) or isinstance(relationship_id, bool):
            return rx.toast.error("That pair could not be found.")
        try:
            await call(checkin_attention.nudge_pair, actor=user, relationship_id=relationship_id)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        return rx.toast.success("Nudge sent: both members of the pair were emailed.")

    @rx.event
    async def save_checkin_weeks(self, form: FormData):
        user = await self._current_member()  # type: ignore[attr-defined]
        if user is None:
            return self._login_redirect()  # type: ignore[attr-defined]
        weeks = form.get("weeks", "")
        try:
            self.checkin_weeks = await call(
                checkin_attention.set_interval, actor=user, weeks=weeks if isinstance(weeks, str) else ""
            )
        except ValidationFailed as invalid:
            self.checkin_errors = invalid.errors
            return None
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.checkin_errors = {}
        return rx.toast.success(f"Check-ins now go out every {self.checkin_weeks} weeks.")
