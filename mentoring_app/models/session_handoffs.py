"""One-time codes that carry a log-in from the websocket to the HTTP response that sets the cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class SessionHandoff(SQLModel, table=True):
    """A log-in that happened over the websocket, waiting for its browser to claim the cookie.

    Only the code's digest is stored; the row is deleted when claimed, and is useless after a minute.
    """

    __tablename__ = "session_handoffs"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    code_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
