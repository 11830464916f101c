"""The built-in how-to videos: recorded from the app by ``make videos`` into ``content/videos``
(a WebM recording, its WebVTT captions and a transcript), synced at start-up like the built-in
guides.

``sync_built_in_videos`` is safe to run again and on several instances at once:

- the recording and its captions are copied into the upload folder under fixed names
  (``builtin-<slug>.webm`` / ``.vtt``), served to members at ``/_upload/`` like an admin's
  uploaded video; a file is rewritten (atomically) only when its bytes differ from what we ship;
- a video whose slug is missing is added;
- a video already there keeps what an admin did: retired stays retired, and a video an admin
  edited is left alone. One no admin has edited (its fields still match the digest recorded at
  the last sync) takes the new title and transcript of a re-recording.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app import storage
from mentoring_app.content import VideoContent, built_in_videos
from mentoring_app.models import Video
from mentoring_app.models.types import utcnow

PREFIX = "builtin-"


def video_file_name(slug: str) -> str:
    return f"{PREFIX}{slug}.webm"


def captions_file_name(slug: str) -> str:
    return f"{PREFIX}{slug}.vtt"


def row_digest(row: Video) -> str:
    """What a built-in video row says, as a digest (an admin's edit changes it)."""
    fields = (row.title, row.stage, str(row.position), row.url, row.file_name, row.captions_file_name)
    return hashlib.sha256("\x1f".join((*fields, row.transcript)).encode()).hexdigest()


def _place_file(source: Path, folder: Path, name: str) -> bool:
    """Copy ``source`` to ``folder/name`` unless the same bytes are there; True when written."""
    data = source.read_bytes()
    target = folder / name
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _fill(row: Video, content: VideoContent) -> None:
    row.title, row.stage, row.position = content.title, content.stage, content.position
    row.url, row.transcript = "", content.transcript
    row.file_name, row.captions_file_name = video_file_name(content.slug), captions_file_name(content.slug)


def sync_built_in_videos(
    session: Session,
    *,
    now: datetime | None = None,
    upload_folder: Path | None = None,
    contents: list[VideoContent] | None = None,
) -> int:
    """Place the built-in videos' files and add (or refresh, see the module) their rows; returns
    how many rows were added."""
    now = now or utcnow()
    folder = upload_folder or storage.upload_dir()
    contents = built_in_videos() if contents is None else contents
    for content in contents:
        _place_file(content.video_path, folder, video_file_name(content.slug))
        _place_file(content.captions_path, folder, captions_file_name(content.slug))
    slugs = [c.slug for c in contents]
    present = {v.slug: v for v in session.exec(select(Video).where(Video.slug.in_(slugs))).all()}  # type: ignore[union-attr]
    added = 0
    for content in contents:
        row = present.get(content.slug)
        if row is None:
            row = Video(slug=content.slug, built_in=True, created_at=now)
            added += 1
        elif row.synced_digest != row_digest(row):
            continue  # an admin edited it: theirs stands
        before = row_digest(row) if row.id is not None else ""
        _fill(row, content)
        if row.id is not None and row_digest(row) == before:
            continue
        row.synced_digest, row.updated_at = row_digest(row), now
        session.add(row)
    try:
        session.commit()
    except IntegrityError:  # another instance added them at the same moment
        session.rollback()
        return 0
    return added
