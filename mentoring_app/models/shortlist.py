"""A mentee's shortlist: the mentors they saved from Find mentor or a profile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class SavedMentor(SQLModel, table=True):
    """One mentor on one mentee's shortlist (once: the pair is the key)."""

    __tablename__ = "saved_mentors"
    __table_args__ = (PrimaryKeyConstraint("mentee_id", "mentor_id"),)

    mentee_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    mentor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    saved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
