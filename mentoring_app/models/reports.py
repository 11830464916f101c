"""Problems members report about a profile or a message, for admins to review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class Report(SQLModel, table=True):
    """A member's report. Open until an admin resolves it with a note saying what was done."""

    __tablename__ = "reports"

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    subject_user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    message_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    )
    reason: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    resolved_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    resolution_note: str | None = Field(default=None, max_length=1000)
