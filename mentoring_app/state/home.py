"""The home page's figures for the current member, and their mentoring relationships."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

from mentoring_app import live, routes, timefmt
from mentoring_app.models import User
from mentoring_app.services.conversations import attention
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


class NeedLine(TypedDict):
    """One thing that needs the member now: what to read, and where to act on it."""

    url: str
    text: str
    detail: str


_ANSWER_TEXT = {
    "accepted": "{name} accepted your mentoring request",
    "declined": "{name} declined your mentoring request",
    "expired": "Your request to {name} expired without an answer",
}


def _home_data(
    session: Session, user: User
) -> tuple[profiles.OwnProfile, list[dashboard.RelationshipSummary], attention.NeedsYou] | None:
    """The profile's completeness, the relationships and what needs the member now (none for an
    admin who is neither mentor nor mentee)."""
    if not (user.is_mentor or user.is_mentee):
        return None
    return (
        profiles.own_profile(session, actor=user),
        dashboard.my_relationships(session, actor=user),
        attention.needs_you(session, actor=user),
    )


def _days(n: int) -> str:
    if n <= 0:
        return "Expires today"
    return f"{n} day{'s' * (n != 1)} left to answer"


class HomeState(SessionState):
    profile_percent: int = 0
    relationships: list[RelationshipLine] = []
    # What needs you now (state/home.py NeedLine): a mentor's waiting requests and unanswered
    # questions, a mentee's answers, and the next meeting.
    waiting_requests_lines: list[NeedLine] = []
    unanswered: list[NeedLine] = []
    answers: list[NeedLine] = []
    next_meeting: NeedLine = NeedLine(url="", text="", detail="")
    matched_mentee: bool = False
    # The page shows its body once everything is here, in one frame: a section arriving later
    # would push what is below it down (layout shift).
    loaded: bool = False

    @rx.event
    async def load(self):
        user, found = await self._open_page(_home_data)
        self._show(user, found)
        return self._page_opened(user)

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A request, message or relationship of this member's changed (state/live_tabs.py): Home
        re-reads what needs them and their relationships (the header counts are already fresh)."""
        if any(
            t in (live.REQUEST, live.MESSAGE, live.NOTIFICATION, live.EVERYTHING)
            or t.startswith(live.RELATIONSHIP)
            for t in topics
        ):
            self._show(user, await call(_home_data, user=user))

    def _show(self, user: User | None, found: object) -> None:
        if user is None or not isinstance(found, tuple):
            self.profile_percent, self.relationships, self.loaded = 0, [], user is not None
            self.waiting_requests_lines, self.unanswered, self.answers = [], [], []
            self.next_meeting, self.matched_mentee = NeedLine(url="", text="", detail=""), False
            return
        own, mine, needs = found
        self.profile_percent = own.completeness.percent
        tz = self.time_zone
        self.waiting_requests_lines = [
            NeedLine(
                url=routes.REQUESTS,
                text=f"{w.mentee_name} is waiting for your answer",
                detail=f"{_days(w.days_left)} · sent {timefmt.show(w.sent_at, tz, timefmt.DAY)}",
            )
            for w in needs.waiting_requests
        ]
        self.unanswered = [
            NeedLine(
                url=f"{routes.MESSAGES}/{q.other_id}",
                text=f"{q.other_name} is waiting for your reply",
                detail=f"Since {timefmt.show(q.since, tz, '%a %d %b, %H:%M')}",
            )
            for q in needs.unanswered
        ]
        self.answers = [
            NeedLine(
                url=a.path,
                text=_ANSWER_TEXT.get(a.status, "{name} answered your request").format(name=a.mentor_name),
                detail=timefmt.show(a.at, tz, timefmt.DAY),
            )
            for a in needs.answers
        ]
        meeting = needs.next_meeting
        self.next_meeting = (
            NeedLine(
                url=meeting.path,
                text=f"Next meeting with {meeting.partner_name}",
                detail=timefmt.show(meeting.starts_at, tz, "%a %d %b, %H:%M"),
            )
            if meeting
            else NeedLine(url="", text="", detail="")
        )
        self.matched_mentee = needs.matched_mentee
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
