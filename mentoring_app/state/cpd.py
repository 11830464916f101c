"""The member's CPD record: a printable page and a CSV download, built from their own data."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from mentoring_app import timefmt
from mentoring_app.services.mentoring import cpd
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState


class CpdRow(TypedDict):
    partner: str
    role: str
    status: str
    period: str
    meetings: int
    time: str  # "1 h 30 min"
    goals: list[str]


class CpdState(SessionState):
    loaded: bool = False
    rows: list[CpdRow] = []
    total_time: str = "0 min"
    total_meetings: int = 0
    total_goals: int = 0
    generated: str = ""

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        if user is None:
            return
        found = await call(cpd.record, actor=user)
        self.rows = [
            CpdRow(
                partner=r.partner_name,
                role=r.role.capitalize(),
                status=r.status_label,
                period=(r.started_on.strftime(timefmt.DAY) if r.started_on else "—")
                + (f" to {r.ended_on.strftime(timefmt.DAY)}" if r.ended_on else " to now"),
                meetings=len(r.meetings),
                time=timefmt.length(r.minutes),
                goals=[g.statement for g in r.goals_achieved],
            )
            for r in found.relationships
        ]
        self.total_time = timefmt.length(found.minutes)
        self.total_meetings = found.meetings_count
        self.total_goals = found.goals_achieved_count
        self.generated = timefmt.show(found.generated_at, self.time_zone)
        self.loaded = True

    @rx.event
    async def download_csv(self):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        data = await call(cpd.csv_bytes, actor=user)
        return rx.download(data=data, filename=cpd.csv_filename(), mime_type="text/csv")
