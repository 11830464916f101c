"""Emails waiting to be delivered: written in the same transaction as the change behind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class OutboxEmail(SQLModel, table=True):
    """One email. The relay claims it, delivers it, and marks it sent (at least once)."""

    __tablename__ = "outbox_emails"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body_text: str
    body_html: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    last_error: str | None = Field(default=None, max_length=500)
    # One text attachment at most (a meeting's calendar invite): its file name, MIME type and text.
    attachment_name: str | None = Field(default=None, max_length=100)
    attachment_type: str | None = Field(default=None, max_length=100)
    attachment_text: str | None = Field(default=None)
    # Not essential to security: the signed one-click unsubscribe URL (List-Unsubscribe header).
    unsubscribe_url: str | None = Field(default=None, max_length=500)
    # A new-message email names its message: the relay skips it if the member has read it by then.
    message_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True, index=True),
    )
