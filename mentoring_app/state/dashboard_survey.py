"""The member's own outcome survey on an ended or withdrawn relationship's dashboard: asked once
(answer or skip), then "Tell us how it went" until answered. Only the member's own survey state is
in these vars, never any answer of theirs or the partner's: the service reads the actor's row alone."""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app.services.mentoring import outcome_survey
from mentoring_app.services.mentoring.outcome_survey import SURVEY_PART
from mentoring_app.state.dashboard_base import DashboardBase, text_of


def _picked(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value[:10] if isinstance(value, str) else ""


class SurveyPart(DashboardBase, mixin=True):
    survey_state: str = ""  # "" (not finished), "ask", "later" (skipped) or "done"
    survey_about: str = ""  # "your mentor" or "your mentee": whom the recommendation is about
    survey_errors: dict[str, str] = {}
    survey_form_key: int = 0

    def _show_survey(self, view: outcome_survey.SurveyView | None) -> None:
        state = view.state if view else ""
        if state != self.survey_state:
            self.survey_errors = {}
            self.survey_form_key += 1
        self.survey_state = state
        self.survey_about = (
            "" if view is None else ("your mentor" if view.role == "mentee" else "your mentee")
        )

    @rx.event
    async def answer_survey(self, form: FormData):
        """Record this member's own answers (once); field errors show next to the fields."""
        done, _, _ = await self._attempt(
            outcome_survey.answer_survey,
            "survey_errors",
            touches=SURVEY_PART,
            goals=_picked(form, "goals"),
            satisfaction=_picked(form, "satisfaction"),
            recommend=_picked(form, "recommend"),
            helped_most=text_of(form, "helped_most", 3000),
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        return rx.toast.success("Thank you: your answers are recorded. Only the platform's staff see them.")

    @rx.event
    async def skip_survey(self):
        """Skip the survey: not asked again, still answerable from this page."""
        done, _, _ = await self._attempt(outcome_survey.skip_survey, touches=SURVEY_PART)
        if not done:
            return rx.toast.error(self._refusal)
        return rx.toast.info("Skipped. You can still tell us how it went from this page.")
