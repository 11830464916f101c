"""Outcome surveys: at End and at Withdraw each member of the pair is asked how it went, once.

One row per (relationship, member), made when the member answers or skips: the unique constraint
is what makes the survey once-only (two tabs racing both insert; one wins). A skip keeps the row
with ``skipped_at`` and no answers; the member can still answer later (a conditional UPDATE on
``answered_at IS NULL``), never twice. ``role`` is the member's role in the relationship, so the
answers about mentors (given by mentees) and about mentees (given by mentors) are told apart
without a join. Answers are the member's and the admins' only: the partner never reads them, and
admins read ``helped_most`` (free text) only through an audited view (services/staff/outcomes).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow

GOALS_FULLY, GOALS_PARTLY, GOALS_NOT = "fully", "partly", "not"
GOAL_ANSWERS = (GOALS_FULLY, GOALS_PARTLY, GOALS_NOT)


class OutcomeSurvey(SQLModel, table=True):
    __tablename__ = "outcome_surveys"
    __table_args__ = (
        UniqueConstraint("relationship_id", "member_id", name="uq_outcome_surveys_member"),
        # The Outcomes page aggregates by role over the relationships ended in a range of months:
        # this index covers those aggregates once the relationships are found.
        Index(
            "ix_outcome_surveys_relationship_answers",
            "relationship_id",
            "role",
            "satisfaction",
            "recommend",
            "goals",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    relationship_id: int = Field(
        sa_column=Column(Integer, ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False)
    )
    member_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    role: str = Field(max_length=6)  # "mentee" or "mentor": who answered (the recommendation is of the other)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    skipped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    goals: str | None = Field(default=None, max_length=6)  # GOAL_ANSWERS
    satisfaction: int | None = Field(default=None)  # 1..5
    recommend: int | None = Field(default=None)  # 0..10
    helped_most: str | None = Field(default=None, max_length=1000)
