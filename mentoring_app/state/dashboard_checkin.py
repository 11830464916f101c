"""The member's own check-in on the relationship dashboard: "How is your mentoring going?" (1-5)
with an optional note. Only the member's own check-in is ever in these vars: the service reads
the actor's row alone, so the partner's answers never reach this browser."""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import timefmt
from mentoring_app.services.mentoring import checkins
from mentoring_app.services.mentoring.checkins import CHECKIN_PART
from mentoring_app.state.dashboard_base import DashboardBase, text_of


class CheckinPart(DashboardBase, mixin=True):
    checkin_open: bool = False  # a check-in of this member's is open here
    checkin_answer: int = 0  # this member's own answer (0: not answered yet)
    checkin_answer_label: str = ""
    checkin_note: str = ""
    checkin_asked_on: str = ""
    checkin_errors: dict[str, str] = {}
    checkin_form_key: int = 0
    _checkin_id: int = 0

    def _show_checkin(self, view: checkins.CheckinView | None) -> None:
        changed = (view.checkin_id if view else 0) != self._checkin_id
        self._checkin_id = view.checkin_id if view else 0
        self.checkin_open = view is not None
        self.checkin_answer = (view.answer or 0) if view else 0
        self.checkin_answer_label = (
            f"{view.answer} ({checkins.SCALE[view.answer].lower()})" if view and view.answer else ""
        )
        self.checkin_note = view.note if view else ""
        self.checkin_asked_on = (
            timefmt.show(view.asked_at, self.time_zone, timefmt.DAY) if view else ""  # type: ignore[attr-defined]
        )
        if changed:
            self.checkin_errors = {}
            self.checkin_form_key += 1

    @rx.event
    async def answer_checkin(self, form: FormData):
        """Answer this member's own open check-in here (or add a note to their answer)."""
        answer = form.get("answer", "")
        answered_before = self.checkin_answer > 0
        done, _, _ = await self._attempt(
            checkins.answer_checkin,
            "checkin_errors",
            touches=CHECKIN_PART,
            answer=answer if isinstance(answer, str) else "",
            note=text_of(form, "note", 2000),
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        self.checkin_form_key += 1
        if answered_before:
            return rx.toast.success("Your note is saved. Only you and the platform's staff see it.")
        return rx.toast.success(
            "Thank you: your check-in is recorded. Only you and the platform's staff see it."
        )
