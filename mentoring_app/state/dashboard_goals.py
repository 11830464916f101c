"""The Goals section: the SMART goal tool, goals with their status, and milestones."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import timefmt
from mentoring_app.services.mentoring import goals
from mentoring_app.services.mentoring.relationship_access import GOALS_PART
from mentoring_app.state.dashboard_base import DashboardBase, text_of
from mentoring_app.state.payload import as_id

# What each move is called on its button.
MOVE_LABELS = {
    "agreed": "Agree to this goal",
    "in_progress": "Start working on it",
    "achieved": "Mark as achieved",
    "dropped": "Drop this goal",
}


class MilestoneCard(TypedDict):
    id: int
    title: str
    due: str
    done: bool
    done_on: str
    note: str
    overdue: bool


class MoveButton(TypedDict):
    status: str
    label: str


class GoalCard(TypedDict):
    id: int
    journey: int
    specific: str
    measurable: str
    achievable: str
    relevant: str
    target: str
    status: str
    status_label: str
    proposed_by: str
    percent: int
    progress_text: str
    overdue: bool
    read_only: bool
    moves: list[MoveButton]
    milestones: list[MilestoneCard]


class SmartCard(TypedDict):
    key: str
    letter: str
    label: str
    explanation: str
    example: str


def smart_cards() -> list[SmartCard]:
    return [
        SmartCard(key=p.key, letter=p.letter, label=p.label, explanation=p.explanation, example=p.example)
        for p in goals.SMART
    ]


def _goal_card(view: goals.GoalView, partner_name: str, tz: str) -> GoalCard:
    return GoalCard(
        id=view.id,
        journey=view.journey_number,
        specific=view.specific,
        measurable=view.measurable,
        achievable=view.achievable,
        relevant=view.relevant,
        target=view.target_date.strftime(timefmt.DAY),
        status=view.status,
        status_label=view.status_label,
        proposed_by="you" if view.proposed_by_me else partner_name,
        percent=view.percent,
        progress_text=f"{view.milestones_done} of {view.milestones_total} milestones done",
        overdue=view.overdue,
        read_only=view.read_only,
        moves=[MoveButton(status=s, label=MOVE_LABELS[s]) for s in view.next_statuses if s in MOVE_LABELS],
        milestones=[
            MilestoneCard(
                id=m.id,
                title=m.title,
                due=m.due_date.strftime(timefmt.DAY) if m.due_date else "",
                done=m.done_at is not None,
                done_on=timefmt.show(m.done_at, tz, timefmt.DAY),
                note=m.note,
                overdue=m.overdue,
            )
            for m in view.milestones
        ],
    )


class GoalsPart(DashboardBase, mixin=True):
    goal_list: list[GoalCard] = []
    goal_errors: dict[str, str] = {}
    goal_form_key: int = 0
    goal_form_open: bool = False
    milestone_goal: int = 0  # the goal whose Add milestone form is open
    milestone_errors: dict[str, str] = {}
    smart: list[SmartCard] = smart_cards()

    def _show_goals(self, views: list[goals.GoalView], partner_name: str) -> None:
        self.goal_list = [_goal_card(v, partner_name, self.time_zone) for v in views]  # type: ignore[attr-defined]

    @rx.event
    def open_goal_form(self) -> None:
        self.goal_form_open, self.goal_errors = True, {}

    @rx.event
    def close_goal_form(self) -> None:
        self.goal_form_open, self.goal_errors = False, {}

    @rx.event
    async def propose_goal(self, form: FormData):
        done, _, _ = await self._attempt(
            goals.propose_goal,
            "goal_errors",
            touches=GOALS_PART,
            specific=text_of(form, "specific"),
            measurable=text_of(form, "measurable"),
            achievable=text_of(form, "achievable"),
            relevant=text_of(form, "relevant"),
            target_date=text_of(form, "target_date", 20),
            today=self._today(),
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        self.goal_form_open = False
        self.goal_form_key += 1
        return rx.toast.success("Goal proposed. Your partner can now agree to it.")

    @rx.event
    async def move_goal(self, goal_id: object, status: object):
        target = status if isinstance(status, str) else ""
        done, _, _ = await self._attempt(
            goals.set_goal_status, touches=GOALS_PART, goal_id=as_id(goal_id), status=target
        )
        if not done:
            return rx.toast.error(self._refusal)
        return rx.toast.success(f"Goal {goals.STATUS_LABELS.get(target, target).lower()}.")

    @rx.event
    def open_milestone_form(self, goal_id: object) -> None:
        self.milestone_goal, self.milestone_errors = as_id(goal_id), {}

    @rx.event
    def close_milestone_form(self) -> None:
        self.milestone_goal, self.milestone_errors = 0, {}

    @rx.event
    async def add_milestone(self, form: FormData):
        done, _, _ = await self._attempt(
            goals.add_milestone,
            "milestone_errors",
            touches=GOALS_PART,
            goal_id=self.milestone_goal,
            title=text_of(form, "milestone_title"),
            due_date=text_of(form, "milestone_due", 20) or None,
            note=text_of(form, "milestone_note"),
        )
        if not done:
            return rx.toast.error(self._refusal) if self._refusal else None
        self.milestone_goal = 0
        return rx.toast.success("Milestone added.")

    @rx.event
    async def mark_milestone(self, milestone_id: object, done_flag: object):
        done, _, _ = await self._attempt(
            goals.set_milestone_done,
            touches=GOALS_PART,
            milestone_id=as_id(milestone_id),
            done=done_flag is True,
        )
        if not done:
            return rx.toast.error(self._refusal)
        return None

    @rx.event
    async def delete_milestone(self, milestone_id: object):
        done, _, _ = await self._attempt(
            goals.delete_milestone, touches=GOALS_PART, milestone_id=as_id(milestone_id)
        )
        if not done:
            return rx.toast.error(self._refusal)
        return rx.toast.success("Milestone removed.")
