"""Uses of rate-limited actions, counted over a sliding window (see services/limits.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class RateEvent(SQLModel, table=True):
    """One use of a limited action by one subject (a member, a pair, an email address).

    The subject is stored as a SHA-256 digest only, so the table names nobody; rows older than
    their limit's window are deleted by the hourly housekeeping.
    """

    __tablename__ = "rate_events"
    # Every check counts one subject's recent uses of one limit: these three columns, in this order.
    __table_args__ = (Index("ix_rate_events_lookup", "limit_name", "key_digest", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    limit_name: str = Field(max_length=40)
    key_digest: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
