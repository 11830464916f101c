"""The home page's figures for the current member, and their mentoring relationships."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

from mentoring_app import live, timefmt
from mentoring_app.models import User
from mentoring_app.services.discovery import profiles
from mentoring_app.services.mentoring import dashboard
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState


class RelationshipLine(TypedDict):
    url: str
    partner: str
    role: str
    status: str
    since: str
    summary: str
    next_meeting: str


def _home_data(
    session: Session, user: User
) -> tuple[profiles.OwnProfile, list[dashboard.RelationshipSummary]] | None:
    """The profile's completeness and the relationships (none for an admin who is neither)."""
    if not (user.is_mentor or user.is_mentee):
        return None
    return profiles.own_profile(session, actor=user), dashboard.my_relationships(session, actor=user)


class HomeState(SessionState):
    profile_percent: int = 0
    relationships: list[RelationshipLine] = []
    # The page shows its body once everything is here, in one frame: a section arriving later
    # would push what is below it down (layout shift).
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        user, found = await self._as_member(_home_data)
        self._show(user, found)

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A relationship of this member's changed (state/live_tabs.py): its line is re-read."""
        if any(t in (live.REQUEST, live.EVERYTHING) or t.startswith(live.RELATIONSHIP) for t in topics):
            self._show(user, await call(_home_data, user=user))

    def _show(self, user: User | None, found: object) -> None:
        if user is None or not isinstance(found, tuple):
            self.profile_percent, self.relationships, self.loaded = 0, [], user is not None
            return
        own, mine = found
        self.profile_percent = own.completeness.percent
        tz = self.time_zone
        self.relationships = [
            RelationshipLine(
                url=r.path,
                partner=r.partner_name,
                role="You mentor them" if r.role == "mentor" else "Your mentor",
                status=r.status_label,
                since=timefmt.show(r.since, tz, timefmt.DAY),
                summary=(
                    f"{r.goals_achieved} of {r.goals_total} goal{'s' * (r.goals_total != 1)} achieved · "
                    f"{r.meetings_held} meeting{'s' * (r.meetings_held != 1)} held"
                ),
                next_meeting=timefmt.show(r.next_meeting_at, tz, "%a %d %b, %H:%M"),
            )
            for r in mine
        ]
        self.loaded = True
