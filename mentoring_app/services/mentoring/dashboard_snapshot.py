"""Everything one relationship dashboard shows, read in one session (one round trip for the page).

The page shows every section at once and reloads them together when either member changes
something, so they are read together, each through its own service (and its checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from mentoring_app.models import User
from mentoring_app.services.library import guides
from mentoring_app.services.mentoring import agreement, dashboard, ending, goals, meetings


@dataclass(frozen=True)
class Snapshot:
    overview: dashboard.Overview
    progress: dashboard.Progress
    agreement: agreement.AgreementView
    goals: list[goals.GoalView]
    meetings: meetings.MeetingsView
    ending: ending.EndingView
    shelf: guides.StageShelf
    version: tuple[int, int, str]


def snapshot(
    session: Session, *, actor: User | None, relationship_id: int, section: str, today: date
) -> Snapshot:
    """The dashboard of ``relationship_id`` for one of its pair (NotFound for anyone else)."""
    rid = relationship_id
    return Snapshot(
        overview=dashboard.overview(session, actor=actor, relationship_id=rid),
        progress=dashboard.progress(session, actor=actor, relationship_id=rid, today=today),
        agreement=agreement.agreement(session, actor=actor, relationship_id=rid),
        goals=goals.goals(session, actor=actor, relationship_id=rid, today=today),
        meetings=meetings.meetings(session, actor=actor, relationship_id=rid),
        ending=ending.ending(session, actor=actor, relationship_id=rid),
        shelf=guides.for_section(session, actor=actor, section=section),
        version=dashboard.version(session, actor=actor, relationship_id=rid),
    )
