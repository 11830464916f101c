"""The audit log: what admins did, to what, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    """One admin action. Members (the actor, a target user) are kept by id and named when read, so
    an entry about someone who deleted their account reads "Former member" (services/audit)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_action_at", "action", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    # Empty for a member (named from ``actor_id`` when read); the label of a non-member actor
    # (the operator's command line).
    actor_name: str = Field(max_length=100)
    action: str = Field(max_length=40)
    target_type: str = Field(max_length=30)
    target_id: int | None = Field(default=None)
    # What was done, without the target member's name or address (see services/audit).
    summary: str = Field(max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
