"""Visits to the platform and their page views, for the admin dashboard.

A visit is one browser's arrival: it starts with a page view made 30 minutes or more after that
browser's previous one. No IP address is stored; a browser is known only by the SHA-256 digest of
a random id the browser keeps in a cookie. Visits per month are also counted as they happen, in
``visit_months``, so the dashboard's visits chart reads 24 rows instead of a million.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow

MAX_PATH = 200


class Visit(SQLModel, table=True):
    """One browser session's arrival and how long it stayed (first and last page view)."""

    __tablename__ = "visits"
    __table_args__ = (
        # Sessionisation: the browser's latest visit is one index probe.
        Index("ix_visits_browser_last_seen", "browser_digest", "last_seen_at"),
        # Recounting visits per month (visits.rebuild_visit_months) reads this index alone.
        Index("ix_visits_started_user", "started_at", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    browser_digest: str = Field(max_length=64)
    user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    landing_path: str = Field(max_length=MAX_PATH)
    page_views: int = Field(default=1)


class PageView(SQLModel, table=True):
    """One page shown during a visit (path only: no query string, no fragment)."""

    __tablename__ = "page_views"

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("visits.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    path: str = Field(max_length=MAX_PATH)


class VisitMonth(SQLModel, table=True):
    """Visits started in one calendar month (UTC), kept up to date by services/visits.

    ``logged_in`` counts the visits during which the member was known (logged in at some page
    view); the rest were anonymous. ``visits.rebuild_visit_months`` recomputes it from the visits.
    """

    __tablename__ = "visit_months"

    month: str = Field(primary_key=True, max_length=7)  # "2025-01"
    visits: int = Field(default=0)
    logged_in: int = Field(default=0)
