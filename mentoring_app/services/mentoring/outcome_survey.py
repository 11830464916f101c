"""The outcome survey a member answers at End and at Withdraw: goals achieved (fully, partly,
not), satisfaction (1-5), would you recommend your mentor / mentee (0-10), and what helped most.

- Asked once: a member's answer or skip is one row (models/outcomes, unique per relationship and
  member). Skipping records the skip; the dashboard then offers the survey quietly ("Tell us how it
  went") instead of asking, until the member answers. An answer is final: never asked again.
- Each member answers for themselves; ``my_survey`` reads the actor's own row only. Nothing here
  reads the partner's answers (admins read them through services/staff/outcomes, audited).
- Only ended or withdrawn relationships have a survey; an accepted one costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app import live
from mentoring_app.models import Relationship, User
from mentoring_app.models.outcomes import GOALS_FULLY, GOALS_NOT, GOALS_PARTLY, OutcomeSurvey
from mentoring_app.models.relationships import ENDED, WITHDRAWN
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotAllowed, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import member_relationship, role_of

SURVEY_PART = "survey"  # the dashboard part (dashboard_snapshot) that shows the member's survey
HELPED_LIMIT = 1000
GOALS = {GOALS_FULLY: "Yes, fully", GOALS_PARTLY: "Partly", GOALS_NOT: "Not really"}
SATISFACTION = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither", 4: "Satisfied", 5: "Very satisfied"}
RECOMMEND_RANGE = range(0, 11)
FINISHED = (ENDED, WITHDRAWN)

ASK, LATER, DONE = "ask", "later", "done"  # not asked yet; skipped (answerable later); answered


@dataclass(frozen=True)
class SurveyView:
    """The actor's own survey on one ended relationship (never the partner's)."""

    state: str  # ASK, LATER or DONE
    role: str  # the actor's role: "mentee" (asked about their mentor) or "mentor"


def _show_in_open_dashboards(session: Session, relationship_id: int, member_id: int) -> None:
    """Once committed, the member's own open dashboards re-read their survey (never the partner's)."""
    live.publish_after_commit(session, [member_id], live.relationship_topic(relationship_id, SURVEY_PART))


def _own_row(session: Session, relationship_id: int, member_id: int) -> OutcomeSurvey | None:
    return session.exec(
        select(OutcomeSurvey).where(
            OutcomeSurvey.relationship_id == relationship_id, OutcomeSurvey.member_id == member_id
        )
    ).first()


def my_survey(session: Session, *, actor: User | None, relationship_id: int) -> SurveyView | None:
    """The actor's survey to show on the dashboard (None: the relationship has not finished)."""
    member, rel = member_relationship(session, actor, relationship_id)
    if rel.status not in FINISHED:
        return None
    row = _own_row(session, rel.id, member.id)  # type: ignore[arg-type]
    state = ASK if row is None else (DONE if row.answered_at is not None else LATER)
    return SurveyView(state=state, role=role_of(rel, member.id))  # type: ignore[arg-type]


def _finished_relationship(
    session: Session, actor: User | None, relationship_id: int
) -> tuple[User, Relationship]:
    member, rel = member_relationship(session, actor, relationship_id)
    if rel.status not in FINISHED:
        raise NotAllowed("The survey opens when the relationship ends.")
    return member, rel


def _choice(raw: object, allowed: dict) -> object | None:
    """A choice sent by the browser, as the key it stands for (None when it is not one)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    text = raw.strip() if isinstance(raw, str) else ""
    for key in allowed:
        if text == str(key):
            return key
    return None


def clean_answers(goals: object, satisfaction: object, recommend: object, helped_most: object) -> dict:
    """The answers as stored, or ValidationFailed naming each field that needs attention."""
    errors: dict[str, str] = {}
    goal = _choice(goals, GOALS)
    if goal is None:
        errors["goals"] = "Choose whether you achieved your goals: fully, partly or not really."
    score = _choice(satisfaction, SATISFACTION)
    if score is None:
        errors["satisfaction"] = "Choose how satisfied you are, from 1 to 5."
    rating = _choice(recommend, {n: n for n in RECOMMEND_RANGE})
    if rating is None:
        errors["recommend"] = "Choose a number from 0 to 10."
    text = helped_most.strip() if isinstance(helped_most, str) else ""
    if len(text) > HELPED_LIMIT:
        errors["helped_most"] = f"Use at most {HELPED_LIMIT:,} characters (this has {len(text):,})."
    if errors:
        raise ValidationFailed(errors)
    return {"goals": goal, "satisfaction": score, "recommend": rating, "helped_most": text or None}


def answer_survey(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    goals: object,
    satisfaction: object,
    recommend: object,
    helped_most: object = "",
    now: datetime | None = None,
) -> SurveyView:
    """Record the actor's answers (after a skip too), once: a second answer is refused. Commits."""
    member, rel = _finished_relationship(session, actor, relationship_id)
    answers = clean_answers(goals, satisfaction, recommend, helped_most)
    now = now or utcnow()
    role = role_of(rel, member.id)  # type: ignore[arg-type]
    row = _own_row(session, rel.id, member.id)  # type: ignore[arg-type]
    if row is None:
        try:
            session.add(
                OutcomeSurvey(
                    relationship_id=rel.id,  # type: ignore[arg-type]
                    member_id=member.id,  # type: ignore[arg-type]
                    role=role,
                    created_at=now,
                    answered_at=now,
                    **answers,
                )
            )
            session.flush()
        except IntegrityError:  # another tab answered or skipped first
            session.rollback()
            row = _own_row(session, relationship_id, member.id)  # type: ignore[arg-type]
    if row is not None:
        done = session.exec(
            update(OutcomeSurvey)  # type: ignore[call-overload]
            .where(OutcomeSurvey.id == row.id, OutcomeSurvey.answered_at.is_(None))  # type: ignore[union-attr]
            .values(answered_at=now, **answers)
        )
        if done.rowcount != 1:
            session.rollback()
            raise NotAllowed("You have already answered this survey. Thank you.")
    _show_in_open_dashboards(session, relationship_id, member.id)  # type: ignore[arg-type]
    session.commit()
    return SurveyView(state=DONE, role=role)


def skip_survey(
    session: Session, *, actor: User | None, relationship_id: int, now: datetime | None = None
) -> SurveyView:
    """Record that the actor skipped the survey: it is not asked again, but stays answerable
    later from the dashboard. Skipping an answered survey changes nothing. Commits."""
    member, rel = _finished_relationship(session, actor, relationship_id)
    now = now or utcnow()
    role = role_of(rel, member.id)  # type: ignore[arg-type]
    row = _own_row(session, rel.id, member.id)  # type: ignore[arg-type]
    if row is not None:
        return SurveyView(state=DONE if row.answered_at else LATER, role=role)
    try:
        session.add(
            OutcomeSurvey(
                relationship_id=rel.id,  # type: ignore[arg-type]
                member_id=member.id,  # type: ignore[arg-type]
                role=role,
                created_at=now,
                skipped_at=now,
            )
        )
        session.flush()
    except IntegrityError:  # answered or skipped in another tab meanwhile
        session.rollback()
        return my_survey(session, actor=actor, relationship_id=relationship_id) or SurveyView(LATER, role)
    _show_in_open_dashboards(session, relationship_id, member.id)  # type: ignore[arg-type]
    session.commit()
    return SurveyView(state=LATER, role=role)
