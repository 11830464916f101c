"""The guides and videos library: built-in guides seeded from content files, and entries admins
add, edit and retire later."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from mentoring_app.models.types import UTCDateTime, utcnow

STAGES = {
    "preparing": "Preparing",
    "first_conversation": "First conversation",
    "goal_setting": "Goal setting",
    "progressing": "Progressing",
    "ending": "Ending",
}


class Guide(SQLModel, table=True):
    """A written guide in Markdown (rendered only after ``guides.safe_markdown``)."""

    __tablename__ = "guides"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=150)
    stage: str = Field(max_length=20, index=True)
    summary: str = Field(default="", max_length=400)
    body_markdown: str = Field(max_length=30000)
    reading_minutes: int = Field(default=3)
    position: int = Field(default=0)
    built_in: bool = Field(default=False)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Video(SQLModel, table=True):
    """A video: a web link (http or https) or an uploaded file, with its transcript and, for a
    file, optional WebVTT captions (a file beside it). Built-in videos (recorded from the app by
    ``make videos``, shipped in ``content/videos``) have a slug; the others have none."""

    __tablename__ = "videos"

    id: int | None = Field(default=None, primary_key=True)
    slug: str | None = Field(default=None, max_length=80, unique=True)
    built_in: bool = Field(default=False)
    title: str = Field(max_length=150)
    stage: str = Field(max_length=20, index=True)
    url: str = Field(default="", max_length=500)
    file_name: str = Field(default="", max_length=200)
    transcript: str = Field(default="", max_length=50000)
    captions_file_name: str = Field(default="", max_length=200)
    # Built-in videos: a digest of title, transcript and files as last synced from content/videos.
    # While the row still matches it, no admin has edited it and a re-recording may update it.
    synced_digest: str = Field(default="", max_length=64)
    position: int = Field(default=0)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
