"""The Tools section: first conversation preparation and the mentoring agreement both confirm."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import timefmt
from mentoring_app.services.mentoring import agreement
from mentoring_app.services.mentoring.relationship_access import AGREEMENT_PART
from mentoring_app.state.dashboard_base import DashboardBase, text_of


class AgreementItem(TypedDict):
    key: str
    label: str
    hint: str
    value: str
    needed: bool


class ToolsPart(DashboardBase, mixin=True):
    agreement_items: list[AgreementItem] = []
    agreement_errors: dict[str, str] = {}
    agreement_state: str = "not started"
    agreement_version: int = 0
    agreement_editable: bool = False
    agreement_confirmed_by_me: bool = False
    my_confirmation: str = ""
    partner_confirmation: str = ""
    agreement_form_key: int = 0
    topics: list[str] = list(agreement.FIRST_CONVERSATION_TOPICS)
    questions_for_mentor: list[str] = list(agreement.QUESTIONS_FOR_THE_MENTOR)
    questions_for_mentee: list[str] = list(agreement.QUESTIONS_FOR_THE_MENTEE)

    def _show_agreement(self, view: agreement.AgreementView, partner_name: str) -> None:
        tz = self.time_zone  # type: ignore[attr-defined]
        changed = view.version != self.agreement_version
        self.agreement_items = [
            AgreementItem(
                key=f.key, label=f.label, hint=f.hint, value=view.value(f.key), needed=f.needed_to_confirm
            )
            for f in agreement.FORM
        ]
        self.agreement_state = view.state
        self.agreement_version = view.version
        self.agreement_editable = view.can_edit
        self.agreement_confirmed_by_me = view.confirmed_by_me
        mine = view.mentor_confirmed_at if self._is_mentor_here else view.mentee_confirmed_at  # type: ignore[attr-defined]
        theirs = view.mentee_confirmed_at if self._is_mentor_here else view.mentor_confirmed_at  # type: ignore[attr-defined]
        self.my_confirmation = (
            f"You confirmed it on {timefmt.show(mine, tz, timefmt.DAY)}."
            if mine
            else "You have not confirmed it yet."
        )
        self.partner_confirmation = (
            f"{partner_name} confirmed it on {timefmt.show(theirs, tz, timefmt.DAY)}."
            if theirs
            else f"{partner_name} has not confirmed it yet."
        )
        if changed:  # the boxes show what is now written (a partner's edit included)
            self.agreement_form_key += 1

    @rx.event
    async def save_agreement(self, form: FormData):
        changes = {f.key: text_of(form, f.key) for f in agreement.FORM}
        done, _, _ = await self._attempt(
            agreement.update_agreement, "agreement_errors", touches=AGREEMENT_PART, changes=changes
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        return rx.toast.success("Agreement saved. Each of you now confirms what it says.")

    @rx.event
    async def confirm_agreement(self):
        done, _, _ = await self._attempt(
            agreement.confirm_agreement,
            "agreement_errors",
            touches=AGREEMENT_PART,
            version=self.agreement_version,
        )
        if not done:
            return rx.toast.error(self._refusal or "Fill in the parts marked as needed first.")
        return rx.toast.success("You have confirmed the mentoring agreement.")
