"""Which emails a member wants (Account), and when their weekly digest is next due.

No row means the defaults: every type on, each email as it happens. The digest's due time is the
claim of the due job: an instance sends a member's digest only if its conditional UPDATE moved
``digest_due_at`` on (services/outbox/digest), so several instances send it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class EmailPreference(SQLModel, table=True):
    __tablename__ = "email_preferences"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    requests: bool = Field(default=True)  # requests, answers and the relationship's events
    messages: bool = Field(default=True)
    meetings: bool = Field(default=True)
    checkins: bool = Field(default=True)
    news: bool = Field(default=True)  # the platform's news and "Notify me" mentor alerts
    # "A weekly digest" instead of each email as it happens, for messages and for notifications.
    message_digest: bool = Field(default=False)
    notification_digest: bool = Field(default=False)
    digest_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # what the next one covers
    digest_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
