"""When a mentor can meet: weekly hours in their own time zone, the dates they are away, the
usual meeting length and a video-call link for their pairs. Free slots are worked out from these
when a member opens the booking picker (services/mentoring/availability.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


class MentorAvailability(SQLModel, table=True):
    """One row per mentor who has said when they can meet."""

    __tablename__ = "mentor_availability"

    mentor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    time_zone: str = Field(default="UTC", max_length=64)  # the IANA zone the hours are in
    # Weekly hours, canonical text: "0 09:00-12:00 14:00-17:00;2 18:00-20:00" (0 is Monday).
    weekly: str = Field(default="", max_length=2000)
    meeting_minutes: int = Field(default=60)
    video_link: str = Field(default="", max_length=500)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AwayPeriod(SQLModel, table=True):
    """Days a mentor is away (first to last, inclusive, on the mentor's own calendar)."""

    __tablename__ = "mentor_away"

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    first_day: date
    last_day: date
