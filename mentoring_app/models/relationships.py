"""Mentoring relationships, from request to ending, with every transition recorded; notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow

REQUESTED, ACCEPTED, DECLINED, CANCELLED, EXPIRED, WITHDRAWN, ENDED = (
    "requested",
    "accepted",
    "declined",
    "cancelled",
    "expired",
    "withdrawn",
    "ended",
)


def _user_fk(nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable, index=True)


class Relationship(SQLModel, table=True):
    """A mentee's request to a mentor and, once accepted, their relationship."""

    __tablename__ = "relationships"
    __table_args__ = (
        # The database itself refuses a second open request, or a second live relationship, per pair.
        Index(
            "uq_relationships_open_request",
            "mentee_id",
            "mentor_id",
            unique=True,
            sqlite_where=text("status = 'requested'"),
            postgresql_where=text("status = 'requested'"),
        ),
        Index(
            "uq_relationships_accepted",
            "mentee_id",
            "mentor_id",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
        Index("ix_relationships_mentor_status", "mentor_id", "status"),
        Index("ix_relationships_status_created", "status", "created_at"),
        # The admin dashboard counts relationships starting and ending per month, and reads the
        # median answer time (decided_at - created_at) of a range of months from this index alone.
        Index("ix_relationships_status_decided_created", "status", "decided_at", "created_at"),
        Index("ix_relationships_status_ended", "status", "ended_at"),
        # The Outcomes page's relationship length (ended_at - decided_at) from this index alone.
        Index("ix_relationships_status_ended_decided", "status", "ended_at", "decided_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mentee_id: int = Field(sa_column=_user_fk())
    mentor_id: int = Field(sa_column=_user_fk())
    status: str = Field(default=REQUESTED, max_length=12)
    request_text: str = Field(max_length=3000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decline_reason: str | None = Field(default=None, max_length=30)
    decline_note: str | None = Field(default=None, max_length=1000)
    suggested_mentor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: str | None = Field(default=None, max_length=1000)
    # Set while the pair continue informally: still accepted, contact kept, no goals.
    informal_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Bumped by every change on the relationship dashboard, so each side's page can poll it cheaply.
    revision: int = Field(default=0)


class RelationshipEvent(SQLModel, table=True):
    """One transition: who moved the relationship from which state to which, and when."""

    __tablename__ = "relationship_events"
    # The admin dashboard counts transitions per month (accepted, declined, expired...) from this
    # index alone: "sent" needs ``from_status`` too (an edit is requested -> requested).
    __table_args__ = (Index("ix_relationship_events_status_at_from", "to_status", "at", "from_status"),)

    id: int | None = Field(default=None, primary_key=True)
    relationship_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    from_status: str | None = Field(default=None, max_length=12)
    to_status: str = Field(max_length=12)
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    note: str | None = Field(default=None, max_length=1000)


class Notification(SQLModel, table=True):
    """An in-app notification (its email, if any, goes through the outbox).

    ``text`` is a template: the member it is about is ``{actor}``, kept as ``actor_id`` and named
    when read (services/notifications), so it reads "Former member" once they delete their account.
    What members typed (a goal) goes in ``params``, never in the template.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(max_length=30)
    text: str = Field(max_length=500)
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    params: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    link: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
