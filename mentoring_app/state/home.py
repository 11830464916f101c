"""The home page's figures for the current member, and their mentoring relationships."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

from mentoring_app import faces, live, routes, timefmt
from mentoring_app.models import User
from mentoring_app.services.conversations import attention
from mentoring_app.services.discovery import profiles, recommendations, shortlist
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.mentoring import dashboard
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id
from mentoring_app.state.session import SessionState
from mentoring_app.storage import thumb_url


class RelationshipLine(TypedDict):
    url: str
    partner: str
    role: str
    status: str
    since: str
    summary: str
    next_meeting: str


class RecommendedCard(TypedDict):
    """One Recommended for you card: a mentor, why they are recommended, and Save mentor."""

    id: int
    name: str
    headline: str
    photo: str
    initials: str
    colour: str
    places: str  # "North West · English, Spanish"
    why: list[str]
    profile_url: str
    saved: bool


def _cards(found: recommendations.Recommendations) -> list[RecommendedCard]:
    return [
        RecommendedCard(
            id=r.user_id,
            name=r.name,
            headline=r.headline,
            photo=thumb_url(r.photo),
            initials=faces.initials(r.name),
            colour=faces.colour(r.user_id),
            places=" · ".join(p for p in (r.region, ", ".join(r.languages)) if p),
            why=list(recommendations.why_lines(r)),
            profile_url=f"{routes.MEMBERS}/{r.user_id}",
            saved=r.user_id in found.saved,
        )
        for r in found.mentors
    ]


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


HomeData = tuple[
    profiles.Completeness,
    list[dashboard.RelationshipSummary],
    attention.NeedsYou,
    recommendations.Recommendations | None,
]


def _home_data(session: Session, user: User, recommend: bool = True) -> HomeData | None:
    """The profile's completeness, the relationships, what needs the member now and, for a mentee
    still looking for a mentor, Recommended for you (with ``recommend``; none for an admin who is
    neither mentor nor mentee)."""
    if not (user.is_mentor or user.is_mentee):
        return None
    needs = attention.needs_you(session, actor=user)
    looking = recommend and user.is_mentee and not needs.matched_mentee
    return (
        profiles.profile_completeness(session, actor=user),
        dashboard.my_relationships(session, actor=user),
        needs,
        recommendations.recommend(session, viewer=user) if looking else None,
    )


def _saved_one(session: Session, user: User, *, mentor_id: int) -> int:
    shortlist.save_mentor(session, actor=user, mentor_id=mentor_id)
    return mentor_id


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
    # Recommended for you (a mentee without a mentor): the top mentors for their saved criteria,
    # or, with no criteria saved, a nudge to add them (``needs_criteria``).
    recommending: bool = False
    needs_criteria: bool = False
    recommended: list[RecommendedCard] = []
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
            # Recommendations change with requests and relationships, not with a message.
            again = bool(topics & {live.REQUEST, live.EVERYTHING}) or any(
                t.startswith(live.RELATIONSHIP) for t in topics
            )
            self._show(user, await call(_home_data, user=user, recommend=again), recommended=again)

    @rx.event
    async def save_recommended(self, mentor_id: int | str):
        """Save mentor on a recommendation: onto the member's own shortlist (the service checks
        that a mentee saves an active mentor)."""
        user, saved = await self._as_member(_saved_one, mentor_id=as_id(mentor_id))
        if user is None:
            return self._login_redirect()
        if isinstance(saved, ServiceError):
            return rx.toast.error(saved.message)
        self.recommended = [{**c, "saved": c["saved"] or c["id"] == saved} for c in self.recommended]  # type: ignore[typeddict-item]
        return None

    def _show(self, user: User | None, found: object, *, recommended: bool = True) -> None:
        if user is None or not isinstance(found, tuple):
            self.profile_percent, self.relationships, self.loaded = 0, [], user is not None
            self.waiting_requests_lines, self.unanswered, self.answers = [], [], []
            self.next_meeting, self.matched_mentee = NeedLine(url="", text="", detail=""), False
            self.recommending, self.needs_criteria, self.recommended = False, False, []
            return
        own, mine, needs, picks = found
        if recommended:
            self.recommending = picks is not None
            self.needs_criteria = picks is not None and not picks.has_criteria
            self.recommended = _cards(picks) if picks else []
        self.profile_percent = own.percent
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
