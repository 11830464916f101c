"""What a pair does inside a relationship: journeys with their agreement, SMART goals and their
milestones, meetings (planned and held) and end-of-journey reflections.

A relationship has one or more journeys, numbered 1..n; at most one is open. Starting a new
journey closes the previous one, whose goals stay on record, read-only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow

# Goal statuses.
PROPOSED, AGREED, IN_PROGRESS, ACHIEVED, DROPPED = "proposed", "agreed", "in_progress", "achieved", "dropped"
OPEN_GOAL_STATUSES = (PROPOSED, AGREED, IN_PROGRESS)

# Meeting statuses.
PLANNED, HELD, CANCELLED = "planned", "held", "cancelled"

# Why a journey closed.
CLOSED_NEW_JOURNEY, CLOSED_INFORMAL, CLOSED_ENDED = "new_journey", "informal", "ended"

# The agreement's text fields, in the order the form shows them.
AGREEMENT_FIELDS = (
    "topics",
    "questions",
    "ground_rules",
    "confidentiality",
    "meeting_frequency",
    "feedback",
    "practical",
)
AGREEMENT_MAX = 2000


def _fk(target: str, *, ondelete: str = "CASCADE", nullable: bool = False, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Journey(SQLModel, table=True):
    """One stretch of a relationship with its own agreement and goals."""

    __tablename__ = "journeys"
    __table_args__ = (
        UniqueConstraint("relationship_id", "number"),
        # At most one open journey per relationship, enforced by the database.
        Index(
            "uq_journeys_open",
            "relationship_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    relationship_id: int = Field(sa_column=_fk("relationships.id", index=False))
    number: int = Field(default=1)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_reason: str | None = Field(default=None, max_length=12)
    # First conversation preparation and the mentoring agreement (both sides confirm it).
    topics: str = Field(default="", max_length=AGREEMENT_MAX)
    questions: str = Field(default="", max_length=AGREEMENT_MAX)
    ground_rules: str = Field(default="", max_length=AGREEMENT_MAX)
    confidentiality: str = Field(default="", max_length=AGREEMENT_MAX)
    meeting_frequency: str = Field(default="", max_length=AGREEMENT_MAX)
    feedback: str = Field(default="", max_length=AGREEMENT_MAX)
    practical: str = Field(default="", max_length=AGREEMENT_MAX)
    agreement_version: int = Field(default=0)
    agreement_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    agreement_updated_by: int | None = Field(
        default=None, sa_column=_fk("users.id", ondelete="SET NULL", nullable=True, index=False)
    )
    mentee_confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mentor_confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AgreementRecord(SQLModel, table=True):
    """The agreement's history: each edit (which resets confirmations) and each confirmation."""

    __tablename__ = "agreement_records"

    id: int | None = Field(default=None, primary_key=True)
    journey_id: int = Field(sa_column=_fk("journeys.id"))
    actor_id: int | None = Field(default=None, sa_column=_fk("users.id", ondelete="SET NULL", nullable=True))
    action: str = Field(max_length=12)  # "edited" or "confirmed"
    version: int
    confirmations_reset: bool = Field(default=False)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Goal(SQLModel, table=True):
    """A SMART goal: Specific (also its title), Measurable, Achievable, Relevant, Time-bound."""

    __tablename__ = "goals"
    # The admin dashboard counts goals set and achieved per month.
    __table_args__ = (
        Index("ix_goals_created_at", "created_at"),
        Index("ix_goals_status_achieved", "status", "achieved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    journey_id: int = Field(sa_column=_fk("journeys.id"))
    proposed_by: int | None = Field(
        default=None, sa_column=_fk("users.id", ondelete="SET NULL", nullable=True, index=False)
    )
    specific: str = Field(max_length=300)
    measurable: str = Field(max_length=500)
    achievable: str = Field(max_length=500)
    relevant: str = Field(max_length=500)
    target_date: date
    status: str = Field(default=PROPOSED, max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    agreed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    achieved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # achieved or dropped


class Milestone(SQLModel, table=True):
    """A step on the way to a goal, ticked off when done."""

    __tablename__ = "milestones"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(sa_column=_fk("goals.id"))
    title: str = Field(max_length=200)
    due_date: date | None = Field(default=None)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=1000)
    position: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Meeting(SQLModel, table=True):
    """A meeting of the pair: planned (with a start time, for the calendar invite) or held (logged)."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_relationship_status", "relationship_id", "status"),
        # The Outcomes page's time to the first meeting reads this index alone (migration 0030).
        Index("ix_meetings_status_relationship_held", "status", "relationship_id", "held_on"),
        # No slot of a mentor is booked twice: one planned booking per mentor and start time.
        Index(
            "uq_meetings_booked_slot",
            "booked_mentor_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status = 'planned' AND booked_mentor_id IS NOT NULL"),
            postgresql_where=text("status = 'planned' AND booked_mentor_id IS NOT NULL"),
        ),
        # The reminder job reads planned meetings starting within a day.
        Index("ix_meetings_status_starts_at", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    relationship_id: int = Field(sa_column=_fk("relationships.id", index=False))
    journey_id: int | None = Field(
        default=None, sa_column=_fk("journeys.id", ondelete="SET NULL", nullable=True)
    )
    status: str = Field(default=PLANNED, max_length=10)
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # planned meetings
    held_on: date | None = Field(default=None)  # held meetings
    duration_minutes: int = Field(default=60)
    place: str = Field(default="", max_length=300)  # a room, a phone number or a video link
    agenda: str = Field(default="", max_length=2000)
    notes: str = Field(default="", max_length=5000)
    next_steps: str = Field(default="", max_length=2000)
    created_by: int | None = Field(
        default=None, sa_column=_fk("users.id", ondelete="SET NULL", nullable=True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Booked from the mentor's free slots (the mentor whose time it takes), else None.
    booked_mentor_id: int | None = Field(
        default=None, sa_column=_fk("users.id", ondelete="SET NULL", nullable=True, index=False)
    )
    # The calendar invite's SEQUENCE: 0 when planned, one more at each move and at cancelling.
    sequence: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the 24-hour reminder


class Reflection(SQLModel, table=True):
    """What one side takes away from a journey: one per author per journey."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("journey_id", "author_id"),)

    id: int | None = Field(default=None, primary_key=True)
    journey_id: int = Field(sa_column=_fk("journeys.id", index=False))
    author_id: int = Field(sa_column=_fk("users.id"))
    text: str = Field(max_length=3000)
    written_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
