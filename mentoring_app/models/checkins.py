"""Check-ins: every few weeks each member of an active pair is asked "How is your mentoring going?".

A member's answers are theirs and the admins' only (services/mentoring/checkins). The emailed link
is a random key of which only the SHA-256 digest is stored; answering is a conditional UPDATE on
``answered_at IS NULL``, so a link records once. One row per (relationship, member, round): a
second job runner sending the same round fails on the unique constraint and sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class Checkin(SQLModel, table=True):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("relationship_id", "member_id", "round", name="uq_checkins_round"),
        # Needs attention reads only the recent check-ins (the last rounds of each member).
        Index("ix_checkins_created_at", "created_at"),
        # The Outcomes page's check-in scores per month read this index alone (migration 0030).
        Index("ix_checkins_created_answer", "created_at", "answer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    relationship_id: int = Field(
        sa_column=Column(Integer, ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False)
    )
    member_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    round: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    key_digest: str = Field(max_length=64, unique=True)
    answer: int | None = Field(default=None)
    note: str | None = Field(default=None, max_length=1000)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_via: str | None = Field(default=None, max_length=5)  # "email" or "app"


class AppSetting(SQLModel, table=True):
    """A setting admins change in the app (the check-in interval), shared by every instance."""

    __tablename__ = "app_settings"

    key: str = Field(primary_key=True, max_length=50)
    value: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
