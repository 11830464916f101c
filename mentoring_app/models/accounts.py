"""Members, their log-in sessions, password reset links and log-in attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow


def _user_fk() -> Column:
    return Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)


class User(SQLModel, table=True):
    """A member (mentor, mentee or both) or a member of staff (admin)."""

    __tablename__ = "users"
    # Registrations per month by role are counted from this index alone (admin dashboard).
    __table_args__ = (Index("ix_users_created_roles", "created_at", "is_mentor", "is_mentee"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    email: str = Field(max_length=254)
    # Case-folded email: the database's unique index makes emails unique regardless of case.
    email_key: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=128)
    is_mentor: bool = Field(default=False)
    is_mentee: bool = Field(default=False)
    is_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    # When the member proved they own the address (a link from an email); None: not yet, and no
    # log-in until then. Created members are unconfirmed unless the code creating them says so.
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Starts at creation, so ordering by it never meets a NULL.
    last_active_at: datetime | None = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)

    @property
    def role_label(self) -> str:
        """The member's mentoring role in the words the screens use."""
        if self.is_mentor and self.is_mentee:
            return "Mentor and mentee"
        if self.is_mentor:
            return "Mentor"
        if self.is_mentee:
            return "Mentee"
        return "Staff"


class LoginSession(SQLModel, table=True):
    """A logged-in browser. Only a SHA-256 digest of its random key is stored."""

    __tablename__ = "login_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    key_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class PasswordReset(SQLModel, table=True):
    """A one-time, expiring password reset link (digest of its key only)."""

    __tablename__ = "password_resets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    key_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # "reset" (Forgot password, 1 hour), "invite" (imported member sets a first password, 7 days)
    # or "verify" (confirms a new account's email address, 24 hours).
    purpose: str = Field(default="reset", max_length=10)


class LoginAttempt(SQLModel, table=True):
    """One failed log-in attempt, kept for throttling: the account (a SHA-256 digest of the
    case-folded email) and the address are stored as digests only, never in clear."""

    __tablename__ = "login_attempts"

    id: int | None = Field(default=None, primary_key=True)
    account_digest: str = Field(max_length=64, index=True)
    address_digest: str = Field(max_length=64, index=True)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    succeeded: bool = Field(default=False)
