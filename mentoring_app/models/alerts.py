"""Mentor alerts: a mentee's exact criteria, and which mentors they have been told about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class MentorAlert(SQLModel, table=True):
    """ "Notify me when a mentor matching these exact criteria joins or becomes available"."""

    __tablename__ = "mentor_alerts"

    id: int | None = Field(default=None, primary_key=True)
    mentee_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MentorAlertOption(SQLModel, table=True):
    """One selected option of one exact field of an alert."""

    __tablename__ = "mentor_alert_options"
    __table_args__ = (
        PrimaryKeyConstraint("alert_id", "option_id"),
        # A mentor becoming offered finds the alerts naming any of their options: by option first.
        Index("ix_mentor_alert_options_option", "option_id", "alert_id"),
    )

    alert_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mentor_alerts.id", ondelete="CASCADE"), nullable=False)
    )
    field_key: str = Field(sa_column=Column(String(40), nullable=False))
    option_id: int = Field(
        sa_column=Column(Integer, ForeignKey("matching_options.id", ondelete="CASCADE"), nullable=False)
    )


class MentorAlertHit(SQLModel, table=True):
    """A mentor an alert's mentee was told about: once per alert and mentor."""

    __tablename__ = "mentor_alert_hits"
    __table_args__ = (UniqueConstraint("alert_id", "mentor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mentor_alerts.id", ondelete="CASCADE"), nullable=False)
    )
    mentor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    notified_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
