"""The Ending section: tips, a reflection from each side, and the three ways to go on."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import timefmt
from mentoring_app.services.mentoring import ending
from mentoring_app.services.mentoring.relationship_access import ENDING_PART
from mentoring_app.state.dashboard_base import DashboardBase, text_of


class EarlierReflection(TypedDict):
    author: str
    date: str
    text: str


class EarlierJourneyCard(TypedDict):
    title: str  # "Journey 1, 3 Mar 2026 to 9 Sep 2026"
    reflections: list[EarlierReflection]


class EndingPart(DashboardBase, mixin=True):
    ending_tips: list[str] = list(ending.ENDING_TIPS)
    my_reflection: str = ""
    partner_reflection: str = ""
    partner_reflection_date: str = ""
    reflection_errors: dict[str, str] = {}
    reflection_form_key: int = 0
    can_write_reflection: bool = False
    can_end: bool = False
    can_continue_informally: bool = False
    can_start_new_journey: bool = False
    informal_since: str = ""
    earlier_journeys: list[EarlierJourneyCard] = []

    def _show_ending(self, view: ending.EndingView) -> None:
        tz = self.time_zone  # type: ignore[attr-defined]
        mine = view.my_reflection.text if view.my_reflection else ""
        if mine != self.my_reflection:
            self.my_reflection = mine
            self.reflection_form_key += 1
        self.partner_reflection = view.partner_reflection.text if view.partner_reflection else ""
        self.partner_reflection_date = (
            timefmt.show(view.partner_reflection.updated_at, tz, timefmt.DAY)
            if view.partner_reflection
            else ""
        )
        self.can_write_reflection = view.can_write
        self.can_end = view.can_end
        self.can_continue_informally = view.can_continue_informally
        self.can_start_new_journey = view.can_start_new_journey
        self.informal_since = timefmt.show(view.informal_since, tz, timefmt.DAY)
        self.earlier_journeys = [
            EarlierJourneyCard(
                title=f"Journey {j.number}, {timefmt.show(j.started_at, tz, timefmt.DAY)} to "
                f"{timefmt.show(j.closed_at, tz, timefmt.DAY) or 'now'}",
                reflections=[
                    EarlierReflection(
                        author="You" if r.mine else r.author_name,
                        date=timefmt.show(r.updated_at, tz, timefmt.DAY),
                        text=r.text,
                    )
                    for r in j.reflections
                ],
            )
            for j in view.earlier
        ]

    @rx.event
    async def save_reflection(self, form: FormData):
        done, _, _ = await self._attempt(
            ending.write_reflection,
            "reflection_errors",
            touches=ENDING_PART,
            text=text_of(form, "reflection"),
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        return rx.toast.success("Reflection saved.")

    @rx.event
    async def end_relationship(self, form: FormData):
        done, _, _ = await self._attempt(ending.end_relationship, reason=text_of(form, "end_reason", 2000))
        if not done:
            return rx.toast.error(self._refusal)
        return rx.toast.success("The relationship has ended. It stays on record, read-only.")

    @rx.event
    async def continue_informally(self):
        done, _, _ = await self._attempt(ending.continue_informally)
        if not done:
            return rx.toast.error(self._refusal)
        return rx.toast.success("You are continuing informally: goals are closed, contact is kept.")

    @rx.event
    async def start_new_journey(self):
        done, _, user = await self._attempt(ending.start_new_journey)
        if not done:
            return rx.toast.error(self._refusal)
        self.section = "goals"  # type: ignore[attr-defined]
        await self._load_shelf(user)  # type: ignore[attr-defined]
        return rx.toast.success("A new journey has started. The earlier goals stay on record.")
