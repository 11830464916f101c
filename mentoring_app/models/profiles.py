"""Profiles, their private contact details, and the matching vocabulary (fields and options)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow

MENTOR_SIDE = "mentor"  # what a mentor offers: their own region, languages, specialisms...
MENTEE_SIDE = "mentee"  # what a mentee is looking for in a mentor


class MatchingField(SQLModel, table=True):
    """A matching criterion, such as Region or Languages. Admins can add more later."""

    __tablename__ = "matching_fields"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    label: str = Field(max_length=80)
    multiple: bool = Field(default=False)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class MatchingOption(SQLModel, table=True):
    """One value of a matching field, such as North West or British Sign Language."""

    __tablename__ = "matching_options"
    __table_args__ = (UniqueConstraint("field_id", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    field_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("matching_fields.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    label: str = Field(max_length=120)
    code: str | None = Field(default=None, max_length=20)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class Profile(SQLModel, table=True):
    """The public part of a member's profile, and their mentoring settings."""

    __tablename__ = "profiles"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    headline: str = Field(default="", max_length=120)
    bio: str = Field(default="", max_length=2000)
    photo: str | None = Field(default=None, max_length=80)
    help_wanted: str = Field(default="", max_length=2000)
    capacity: int = Field(default=2)
    available: bool = Field(default=True)
    # Kept up to date by the profile service, so search can filter on it cheaply.
    mentor_matchable: bool = Field(default=False, index=True)
    # Set by offering.sync_offer with the criteria rows' flag: may be offered in Find mentor now.
    offered: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false(), index=True)
    )
    completeness: int = Field(default=0)  # percent
    # Find mentor's tie-breaks, kept by offering.sync_offer: capacity less active mentees (never
    # below 0), and the median whole hours this mentor took to accept or decline a request (None:
    # no answer yet).
    places_left: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    answer_hours: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # What the mentee's saved criteria weigh (Find mentor's Save these criteria): "region=must,
    # languages=nice"; fields not named are Important.
    sought_importance: str = Field(
        default="", sa_column=Column(String(400), nullable=False, server_default="")
    )
    # Name, headline and biography, case-folded: what the Find mentor keyword searches.
    search_text: str = Field(default="", max_length=2300)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContactDetails(SQLModel, table=True):
    """Private: shown only to the member, their accepted mentoring partners, and admins."""

    __tablename__ = "contact_details"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    preferred: str = Field(default="email", max_length=20)


class MemberCriterion(SQLModel, table=True):
    """A member's chosen option on one side (as mentor, or looking for as mentee)."""

    __tablename__ = "member_criteria"
    __table_args__ = (
        PrimaryKeyConstraint("user_id", "side", "option_id"),
        # Find mentor scans only offered mentors' rows of the selected options: a covering index.
        Index("ix_member_criteria_offer", "side", "offered", "option_id", "user_id"),
    )

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    side: str = Field(sa_column=Column(String(10), nullable=False))
    option_id: int = Field(
        sa_column=Column(Integer, ForeignKey("matching_options.id", ondelete="CASCADE"), nullable=False)
    )
    # Copied from the mentor's state (matchable, available, room, active) by offering.sync_offer,
    # so search needs no join to decide who may be offered.
    offered: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
