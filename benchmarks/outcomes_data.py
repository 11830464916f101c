"""The Outcomes page's share of `make bench-admin` (benchmarks/admin_dashboard.py).

``populate_outcomes`` adds, in proportion to the generated relationships: a check-in round every
four weeks for each pair while it was accepted (both members asked; about 80% answer, 1-5), and
for each pair that finished (ended or withdrawn) each member's outcome survey: about 70% answer
(goals, satisfaction, recommendation, and for a third a written answer), 15% skip, 15% never
open it. ``outcome_charts`` are the Outcomes page's service calls, timed with the other charts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app.models import Checkin, OutcomeSurvey, Relationship, User
from mentoring_app.services.staff import outcome_answers, outcomes

BATCH = 10_000
ROUND = timedelta(weeks=4)


def _survey(rel_id: int, member: int, role: str, ended: datetime, rng: random.Random) -> dict | None:
    fate = rng.random()
    if fate >= 0.85:
        return None  # never opened their ended dashboard
    when = ended + timedelta(hours=rng.randrange(1, 240))
    row = {
        "relationship_id": rel_id,
        "member_id": member,
        "role": role,
        "created_at": when,
        "skipped_at": None,
        "answered_at": None,
        "goals": None,
        "satisfaction": None,
        "recommend": None,
        "helped_most": None,
    }
    if fate < 0.7:
        row.update(
            answered_at=when,
            goals=rng.choice(("fully", "fully", "partly", "partly", "not")),
            satisfaction=rng.choice((2, 3, 4, 4, 5, 5)),
            recommend=rng.choice((3, 6, 7, 8, 9, 9, 10, 10)),
            helped_most="Regular meetings and honest feedback." if rng.random() < 0.33 else None,
        )
    else:
        row["skipped_at"] = when
    return row


def populate_outcomes(engine: Engine, now: datetime, rng: random.Random) -> tuple[int, int]:
    """Check-ins and surveys for the relationships already loaded; returns (check-ins, surveys)."""
    with engine.connect() as connection:
        rels = connection.execute(
            select(
                Relationship.id,
                Relationship.mentee_id,
                Relationship.mentor_id,
                Relationship.status,
                Relationship.decided_at,
                Relationship.ended_at,
            ).where(Relationship.status.in_(("accepted", "ended", "withdrawn")))  # type: ignore[attr-defined]
        ).all()
    checkins: list[dict] = []
    surveys: list[dict] = []
    serial = 0
    for rel_id, mentee, mentor, status, decided, ended in rels:
        asked, round_no, stop = decided + ROUND, 1, ended or now
        while asked < stop:
            for member in (mentee, mentor):
                serial += 1
                answered = rng.random() < 0.8
                checkins.append(
                    {
                        "relationship_id": rel_id,
                        "member_id": member,
                        "round": round_no,
                        "created_at": asked,
                        "expires_at": asked + timedelta(days=14),
                        "key_digest": f"{serial:064x}",
                        "answer": rng.choice((2, 3, 4, 4, 5)) if answered else None,
                        "note": None,
                        "answered_at": asked + timedelta(hours=rng.randrange(1, 72)) if answered else None,
                        "answered_via": "email" if answered else None,
                    }
                )
            asked, round_no = asked + ROUND, round_no + 1
        if status != "accepted" and ended is not None:
            for member, role in ((mentee, "mentee"), (mentor, "mentor")):
                row = _survey(rel_id, member, role, ended, rng)
                if row is not None:
                    surveys.append(row)
    with engine.begin() as connection:
        for table, rows in ((Checkin, checkins), (OutcomeSurvey, surveys)):
            for first in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[first : first + BATCH])
    return len(checkins), len(surveys)


def outcome_charts(session: Session, admin: User, today: date) -> dict[str, Callable[[], object]]:
    """The Outcomes page's queries over 24 months (the longest range the bench uses)."""
    a = {"actor": admin, "start": date(2024, 7, 1), "end": today}
    return {
        "outcomes: surveys (NPS...), 24": lambda: outcomes.survey_outcomes(session, **a),
        "outcomes: first meeting, 24": lambda: outcomes.time_to_first_meeting(session, **a),
        "outcomes: length, 24": lambda: outcomes.relationship_length(session, **a),
        "outcomes: check-in scores, 24": lambda: outcomes.checkin_scores(session, **a),
        "outcomes: written answers, 24": lambda: outcome_answers.with_written_answers(session, **a),
    }
