"""What one relationship dashboard shows, read in one session (one round trip for the page).

A page load reads every part. After a change, only the parts it touches are read again: a
milestone ticked changes the goals and the progress at a glance, not the agreement, the meetings
or the ending (``PARTS_AFTER``). Each part is read through its own service (and its checks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from mentoring_app.models import User
from mentoring_app.services.library import guides
from mentoring_app.services.mentoring import (
    agreement,
    checkins,
    dashboard,
    ending,
    goals,
    meetings,
    outcome_survey,
)
from mentoring_app.services.mentoring.checkins import CHECKIN_PART
from mentoring_app.services.mentoring.outcome_survey import SURVEY_PART
from mentoring_app.services.mentoring.relationship_access import (
    AGREEMENT_PART,
    ENDING_PART,
    GOALS_PART,
    MEETINGS_PART,
    read_pass,
)

OVERVIEW, PROGRESS, SHELF = "overview", "progress", "shelf"
EVERY_PART = frozenset(
    {
        OVERVIEW,
        PROGRESS,
        AGREEMENT_PART,
        GOALS_PART,
        MEETINGS_PART,
        ENDING_PART,
        SHELF,
        CHECKIN_PART,
        SURVEY_PART,
    }
)
# What to read again after a change to one part (bump(part=...)): the part, and what shows it.
PARTS_AFTER: dict[str, frozenset[str]] = {
    GOALS_PART: frozenset({GOALS_PART, PROGRESS}),  # counts and the last contact
    MEETINGS_PART: frozenset({MEETINGS_PART, PROGRESS}),  # meetings held, hours, last contact
    AGREEMENT_PART: frozenset({AGREEMENT_PART, OVERVIEW}),  # the overview says the agreement's state
    ENDING_PART: frozenset({ENDING_PART}),
    # The member's own check-in (one indexed read): only their own answer changes it.
    CHECKIN_PART: frozenset({CHECKIN_PART}),
    # The member's own outcome survey (no query while the relationship is accepted).
    SURVEY_PART: frozenset({SURVEY_PART}),
}


def parts_after(changed: Iterable[str]) -> frozenset[str]:
    """The parts to read again after changes to ``changed`` (empty or unknown: every part)."""
    wanted: set[str] = set()
    for part in changed:
        if part not in PARTS_AFTER:
            return EVERY_PART
        wanted |= PARTS_AFTER[part]
    return frozenset(wanted) or EVERY_PART


@dataclass(frozen=True)
class Snapshot:
    """The parts that were read (None: not read this time)."""

    overview: dashboard.Overview | None = None
    progress: dashboard.Progress | None = None
    agreement: agreement.AgreementView | None = None
    goals: list[goals.GoalView] | None = None
    meetings: meetings.MeetingsView | None = None
    ending: ending.EndingView | None = None
    shelf: guides.StageShelf | None = None
    checkin: checkins.CheckinView | None = None  # the actor's own open check-in, never the partner's
    checkin_read: bool = False  # whether ``checkin`` was read (None then means: nothing open)
    survey: outcome_survey.SurveyView | None = None  # the actor's own survey state, never the partner's
    survey_read: bool = False  # whether ``survey`` was read (None then means: not finished)


def snapshot(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    section: str,
    today: date,
    parts: frozenset[str] = EVERY_PART,
) -> Snapshot:
    """The ``parts`` of the dashboard of ``relationship_id`` for one of its pair (each part's
    service checks that the actor is one of the pair: NotFound for anyone else)."""
    rid = relationship_id
    with read_pass(session):
        agreement_view = (
            agreement.agreement(session, actor=actor, relationship_id=rid)
            if AGREEMENT_PART in parts or OVERVIEW in parts
            else None
        )
        overview = (
            dashboard.overview(
                session,
                actor=actor,
                relationship_id=rid,
                agreement_state=agreement_view.state if agreement_view else None,
            )
            if OVERVIEW in parts
            else None
        )
        return Snapshot(
            overview=overview,
            progress=dashboard.progress(session, actor=actor, relationship_id=rid, today=today)
            if PROGRESS in parts
            else None,
            agreement=agreement_view if AGREEMENT_PART in parts else None,
            goals=goals.goals(session, actor=actor, relationship_id=rid, today=today)
            if GOALS_PART in parts
            else None,
            meetings=meetings.meetings(session, actor=actor, relationship_id=rid)
            if MEETINGS_PART in parts
            else None,
            ending=ending.ending(session, actor=actor, relationship_id=rid) if ENDING_PART in parts else None,
            shelf=guides.for_section(session, actor=actor, section=section) if SHELF in parts else None,
            checkin=checkins.my_checkin(session, actor=actor, relationship_id=rid)
            if CHECKIN_PART in parts
            else None,
            checkin_read=CHECKIN_PART in parts,
            survey=outcome_survey.my_survey(session, actor=actor, relationship_id=rid)
            if SURVEY_PART in parts
            else None,
            survey_read=SURVEY_PART in parts,
        )
