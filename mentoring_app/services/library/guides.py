"""The guides and videos library: read by members (by stage, and per dashboard section), managed
by admins (add, edit, retire, restore), seeded with the guides we write ourselves.

Guide text is Markdown written by staff. It is still passed through ``safe_markdown`` before any
renderer sees it: raw HTML is neutralised and only http(s), mailto and local links survive, so a
compromised or careless admin account cannot plant script in every member's browser.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session, select

from mentoring_app import storage
from mentoring_app.content import built_in_guides
from mentoring_app.models import Guide, User, Video
from mentoring_app.models.guides import STAGES
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotFound, ValidationFailed
from mentoring_app.services.library import library_cache
from mentoring_app.services.mentoring.relationship_access import active
from mentoring_app.services.staff import audit
from mentoring_app.services.staff.admin import require_admin

GUIDE_NOT_FOUND = "That guide could not be found."
VIDEO_NOT_FOUND = "That video could not be found."
MAX_TITLE, MAX_SUMMARY, MAX_BODY, MAX_TRANSCRIPT = 150, 400, 30000, 50000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
WORDS_PER_MINUTE = 200

# Which stage's guides each dashboard section links to.
SECTION_STAGES = {
    "details": "preparing",
    "messages": "progressing",
    "tools": "first_conversation",
    "goals": "goal_setting",
    "meetings": "progressing",
    "guides": "preparing",
    "ending": "ending",
}


@dataclass(frozen=True)
class GuideSummary:
    slug: str
    title: str
    stage: str
    stage_label: str
    summary: str
    reading_minutes: int


@dataclass(frozen=True)
class GuideView(GuideSummary):
    body_markdown: str  # already made safe: give it to the Markdown renderer as it is
    updated_at: datetime


@dataclass(frozen=True)
class VideoView:
    id: int
    title: str
    stage: str
    stage_label: str
    url: str
    file_name: str
    transcript: str
    captions_file_name: str = ""  # WebVTT captions for an uploaded file ("" when there are none)
    built_in: bool = False


@dataclass(frozen=True)
class StageShelf:
    """One stage of the library: its guides and videos, in their order."""

    stage: str
    label: str
    guides: tuple[GuideSummary, ...]
    videos: tuple[VideoView, ...]


@dataclass(frozen=True)
class GuideAdminRow:
    id: int
    slug: str
    title: str
    stage: str
    position: int
    built_in: bool
    retired: bool
    updated_at: datetime


@dataclass(frozen=True)
class VideoAdminRow:
    id: int
    title: str
    stage: str
    position: int
    retired: bool
    built_in: bool = False


# --- Safe Markdown ---------------------------------------------------------------------------

_INLINE_TARGET = re.compile(r"(\]\(\s*)([^)\s]*)")
_REFERENCE_TARGET = re.compile(r"(\[[^\]\n]+\]:[ \t]*\n?[ \t]*)(\S+)")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:")
SAFE_SCHEMES = ("http:", "https:", "mailto:")


def safe_link(target: str) -> bool:
    """Whether a link or image target may stay: http(s), mailto, or a relative address.

    The target is read the way a browser would after the Markdown renderer: entities decoded,
    backslash escapes removed, and tabs, new lines and spaces dropped (``java\tscript:`` is
    ``javascript:`` to a browser).
    """
    plain = _CONTROL.sub("", _BACKSLASH_ESCAPE.sub(r"\1", html.unescape(target))).strip("<>").casefold()
    if plain.startswith("//"):
        return False
    scheme = _SCHEME.match(plain)
    return scheme is None or scheme.group(0) in SAFE_SCHEMES


def _keep_or_neutralise(match: re.Match[str]) -> str:
    return match.group(1) + (match.group(2) if safe_link(match.group(2)) else "#")


def safe_markdown(text: str) -> str:
    """Markdown that cannot carry raw HTML or script links, for any Markdown renderer.

    ``&``, ``<`` and ``>`` are escaped everywhere, so no HTML tag, comment or autolink survives;
    every inline link, image or reference definition whose target is not http(s), mailto or
    relative becomes ``#``. Code is escaped too: a text pass cannot know for certain where a
    renderer's code blocks start and end (lists, quotes and HTML blocks change that), and one
    mismatch would let raw HTML through. The price is that ``<`` in a code sample shows as
    ``&lt;``; guides are prose, so we accept it.
    """
    escaped = text.replace("\r\n", "\n").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _INLINE_TARGET.sub(_keep_or_neutralise, escaped)
    return _REFERENCE_TARGET.sub(_keep_or_neutralise, escaped)


# --- Reading ---------------------------------------------------------------------------------


def _summary(g: Guide) -> GuideSummary:
    return GuideSummary(g.slug, g.title, g.stage, STAGES[g.stage], g.summary, g.reading_minutes)


def _video(v: Video) -> VideoView:
    return VideoView(
        v.id,  # type: ignore[arg-type]
        v.title,
        v.stage,
        STAGES[v.stage],
        v.url,
        v.file_name,
        v.transcript,
        captions_file_name=v.captions_file_name if v.file_name else "",
        built_in=v.built_in,
    )


def _in_use(session: Session) -> tuple[tuple[GuideSummary, ...], tuple[VideoView, ...]]:
    """Every guide and video not retired, in shelf order (library_cache keeps it per process)."""
    guides = session.exec(
        select(Guide).where(Guide.retired_at.is_(None)).order_by(Guide.position, Guide.title)  # type: ignore[union-attr, arg-type]
    ).all()
    videos = session.exec(
        select(Video).where(Video.retired_at.is_(None)).order_by(Video.position, Video.title)  # type: ignore[union-attr, arg-type]
    ).all()
    return tuple(_summary(g) for g in guides), tuple(_video(v) for v in videos)


def library(session: Session, *, actor: User | None, stage: str | None = None) -> list[StageShelf]:
    """Guides and videos in use, grouped by stage in the order of a mentoring relationship."""
    active(actor)
    if stage is not None and stage not in STAGES:
        raise NotFound("That stage does not exist.")
    all_guides, all_videos = library_cache.cached(session, _in_use)
    return [
        StageShelf(
            stage=key,
            label=label,
            guides=tuple(g for g in all_guides if g.stage == key),
            videos=tuple(v for v in all_videos if v.stage == key),
        )
        for key, label in STAGES.items()
        if stage in (None, key)
    ]


def for_section(session: Session, *, actor: User | None, section: str) -> StageShelf:
    """The shelf a dashboard section links to (e.g. Goals -> goal setting)."""
    if section not in SECTION_STAGES:
        raise NotFound("That section does not exist.")
    return library(session, actor=actor, stage=SECTION_STAGES[section])[0]


def guide(session: Session, *, actor: User | None, slug: str) -> GuideView:
    """One guide to read (retired guides are gone for members; admins still see them)."""
    reader = active(actor)
    found = session.exec(select(Guide).where(Guide.slug == slug)).first()
    if found is None or (found.retired_at is not None and not reader.is_admin):
        raise NotFound(GUIDE_NOT_FOUND)
    summary = _summary(found)
    return GuideView(
        **summary.__dict__, body_markdown=safe_markdown(found.body_markdown), updated_at=found.updated_at
    )


# --- Seeding ---------------------------------------------------------------------------------


def reading_minutes(body: str) -> int:
    return max(1, round(len(body.split()) / WORDS_PER_MINUTE))


def sync_built_in_guides(session: Session, *, now: datetime | None = None) -> int:
    """Insert the built-in guides whose slug is missing; returns how many. Guides already there
    are left alone, since admins may have edited or retired them. Safe to run again."""
    now = now or utcnow()
    present = set(session.exec(select(Guide.slug)).all())
    added = 0
    for content in built_in_guides():
        if content.slug in present:
            continue
        session.add(
            Guide(
                slug=content.slug,
                title=content.title,
                stage=content.stage,
                summary=content.summary,
                body_markdown=content.body,
                reading_minutes=content.reading_minutes,
                position=content.position,
                built_in=True,
                created_at=now,
                updated_at=now,
            )
        )
        added += 1
    session.commit()
    return added


# --- Managing (admins) -----------------------------------------------------------------------


def _check_common(errors: dict[str, str], title: str, stage: str) -> str:
    title = title.strip()
    if not title:
        errors["title"] = "Give it a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Use at most {MAX_TITLE} characters."
    if stage not in STAGES:
        errors["stage"] = "Choose a stage."
    return title


def _check_guide(
    *, title: str, stage: str, summary: str, body_markdown: str, minutes: int | None
) -> tuple[dict[str, str], str, str, str, int]:
    errors: dict[str, str] = {}
    title = _check_common(errors, title, stage)
    summary, body = summary.strip(), body_markdown.strip()
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Use at most {MAX_SUMMARY} characters."
    if not body:
        errors["body_markdown"] = "Write the guide."
    elif len(body) > MAX_BODY:
        errors["body_markdown"] = f"Use at most {MAX_BODY:,} characters (this has {len(body):,})."
    if minutes is not None and not 1 <= minutes <= 60:
        errors["reading_minutes"] = "Choose between 1 and 60 minutes."
    return errors, title, summary, body + "\n", minutes or reading_minutes(body)


def admin_library(session: Session, *, actor: User | None) -> tuple[list[GuideAdminRow], list[VideoAdminRow]]:
    """Every guide and video, retired ones too, for the admin library page."""
    require_admin(actor)
    guide_rows = session.exec(select(Guide).order_by(Guide.stage, Guide.position, Guide.title)).all()  # type: ignore[arg-type]
    video_rows = session.exec(select(Video).order_by(Video.stage, Video.position, Video.title)).all()  # type: ignore[arg-type]
    return (
        [
            GuideAdminRow(
                g.id, g.slug, g.title, g.stage, g.position, g.built_in, g.retired_at is not None, g.updated_at
            )  # type: ignore[arg-type]
            for g in guide_rows
        ],
        [
            VideoAdminRow(v.id, v.title, v.stage, v.position, v.retired_at is not None, v.built_in)  # type: ignore[arg-type]
            for v in video_rows
        ],
    )


@dataclass(frozen=True)
class GuideSource:
    """A guide as its author wrote it, for the admin's edit form (never shown to members raw)."""

    id: int
    slug: str
    title: str
    stage: str
    summary: str
    body_markdown: str
    retired: bool


def guide_source(session: Session, *, actor: User | None, guide_id: int) -> GuideSource:
    require_admin(actor)
    found = session.get(Guide, guide_id)
    if found is None:
        raise NotFound(GUIDE_NOT_FOUND)
    return GuideSource(
        found.id,  # type: ignore[arg-type]
        found.slug,
        found.title,
        found.stage,
        found.summary,
        found.body_markdown.rstrip("\n"),
        found.retired_at is not None,
    )


def store_video_file(session: Session, *, actor: User | None, data: bytes) -> str:
    """An admin's uploaded video, checked by content and stored; returns the stored name to save
    with the video (the file alone changes nothing members see)."""
    admin = require_admin(actor)
    name = storage.store_video(data)
    audit.record(
        session, actor=admin, action="video.upload", target_type="video", target_id=None, summary=name
    )
    session.commit()
    return name


def video_source(session: Session, *, actor: User | None, video_id: int) -> VideoView:
    """One video, retired or not, for the admin's edit form."""
    require_admin(actor)
    row = session.get(Video, video_id)
    if row is None:
        raise NotFound(VIDEO_NOT_FOUND)
    return _video(row)


def create_guide(
    session: Session,
    *,
    actor: User | None,
    slug: str,
    title: str,
    stage: str,
    summary: str,
    body_markdown: str,
    reading_minutes: int | None = None,
    position: int = 0,
    now: datetime | None = None,
) -> GuideView:
    admin = require_admin(actor)
    now = now or utcnow()
    errors, title, summary, body, minutes = _check_guide(
        title=title, stage=stage, summary=summary, body_markdown=body_markdown, minutes=reading_minutes
    )
    slug = slug.strip().lower()
    if not _SLUG.match(slug) or len(slug) > 80:
        errors["slug"] = "Use lower-case letters, digits and hyphens, e.g. active-listening."
    elif session.exec(select(Guide.id).where(Guide.slug == slug)).first() is not None:
        errors["slug"] = "Another guide has this address already."
    if errors:
        raise ValidationFailed(errors)
    session.add(
        Guide(
            slug=slug,
            title=title,
            stage=stage,
            summary=summary,
            body_markdown=body,
            reading_minutes=minutes,
            position=position,
            built_in=False,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    audit.record(
        session,
        actor=admin,
        action="guide.add",
        target_type="guide",
        target_id=session.exec(select(Guide.id).where(Guide.slug == slug)).one(),
        summary=title,
    )
    session.commit()
    return guide(session, actor=admin, slug=slug)


def update_guide(
    session: Session,
    *,
    actor: User | None,
    guide_id: int,
    title: str,
    stage: str,
    summary: str,
    body_markdown: str,
    reading_minutes: int | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> GuideView:
    """Edit a guide (``position`` None keeps its place on the shelf)."""
    admin = require_admin(actor)
    found = session.get(Guide, guide_id)
    if found is None:
        raise NotFound(GUIDE_NOT_FOUND)
    errors, title, summary, body, minutes = _check_guide(
        title=title, stage=stage, summary=summary, body_markdown=body_markdown, minutes=reading_minutes
    )
    if errors:
        raise ValidationFailed(errors)
    found.title, found.stage, found.summary, found.body_markdown = title, stage, summary, body
    found.reading_minutes, found.updated_at = minutes, now or utcnow()
    found.position = found.position if position is None else position
    session.add(found)
    audit.record(
        session, actor=admin, action="guide.edit", target_type="guide", target_id=found.id, summary=title
    )
    session.commit()
    return guide(session, actor=admin, slug=found.slug)


def set_guide_retired(
    session: Session, *, actor: User | None, guide_id: int, retired: bool, now: datetime | None = None
) -> None:
    """Retire a guide (members no longer see it; it is kept) or restore it."""
    admin = require_admin(actor)
    found = session.get(Guide, guide_id)
    if found is None:
        raise NotFound(GUIDE_NOT_FOUND)
    now = now or utcnow()
    found.retired_at, found.updated_at = (now if retired else None), now
    session.add(found)
    audit.record(
        session,
        actor=admin,
        action="guide.retire" if retired else "guide.restore",
        target_type="guide",
        target_id=found.id,
        summary=found.title,
    )
    session.commit()


def retire_guide(session: Session, *, actor: User | None, guide_id: int, now: datetime | None = None) -> None:
    set_guide_retired(session, actor=actor, guide_id=guide_id, retired=True, now=now)


def restore_guide(
    session: Session, *, actor: User | None, guide_id: int, now: datetime | None = None
) -> None:
    set_guide_retired(session, actor=actor, guide_id=guide_id, retired=False, now=now)


def _check_video(
    *, title: str, stage: str, url: str, file_name: str, transcript: str
) -> tuple[str, str, str, str]:
    errors: dict[str, str] = {}
    title = _check_common(errors, title, stage)
    url, file_name, transcript = url.strip(), file_name.strip(), transcript.strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
            errors["url"] = "Enter a web address starting with https:// (or http://)."
        elif len(url) > 500:
            errors["url"] = "Use at most 500 characters."
    if file_name and not _FILE_NAME.match(file_name):
        errors["file_name"] = "The uploaded file's stored name is not valid."
    if bool(url) == bool(file_name):
        errors.setdefault("url", "Give either a web link or an uploaded file (one of the two).")
    if len(transcript) > MAX_TRANSCRIPT:
        errors["transcript"] = f"Use at most {MAX_TRANSCRIPT:,} characters."
    if errors:
        raise ValidationFailed(errors)
    return title, url, file_name, transcript


def create_video(
    session: Session,
    *,
    actor: User | None,
    title: str,
    stage: str,
    url: str = "",
    file_name: str = "",
    transcript: str = "",
    position: int = 0,
    now: datetime | None = None,
) -> VideoView:
    """Add a video: a web link or the stored name of an uploaded file, with its transcript."""
    admin = require_admin(actor)
    now = now or utcnow()
    title, url, file_name, transcript = _check_video(
        title=title, stage=stage, url=url, file_name=file_name, transcript=transcript
    )
    row = Video(
        title=title,
        stage=stage,
        url=url,
        file_name=file_name,
        transcript=transcript,
        position=position,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor=admin, action="video.add", target_type="video", target_id=row.id, summary=title
    )
    session.commit()
    return _video(row)


def update_video(
    session: Session,
    *,
    actor: User | None,
    video_id: int,
    title: str,
    stage: str,
    url: str = "",
    file_name: str = "",
    transcript: str = "",
    position: int | None = None,
    now: datetime | None = None,
) -> VideoView:
    """Edit a video (``position`` None keeps its place on the shelf)."""
    admin = require_admin(actor)
    row = session.get(Video, video_id)
    if row is None:
        raise NotFound(VIDEO_NOT_FOUND)
    title, url, file_name, transcript = _check_video(
        title=title, stage=stage, url=url, file_name=file_name, transcript=transcript
    )
    if file_name != row.file_name:
        row.captions_file_name = ""  # captions belong to the recording they were written for
    row.title, row.stage, row.url, row.file_name, row.transcript = title, stage, url, file_name, transcript
    row.position = row.position if position is None else position
    row.updated_at = now or utcnow()
    session.add(row)
    audit.record(
        session, actor=admin, action="video.edit", target_type="video", target_id=row.id, summary=title
    )
    session.commit()
    return _video(row)


def set_video_retired(
    session: Session, *, actor: User | None, video_id: int, retired: bool, now: datetime | None = None
) -> None:
    admin = require_admin(actor)
    row = session.get(Video, video_id)
    if row is None:
        raise NotFound(VIDEO_NOT_FOUND)
    now = now or utcnow()
    row.retired_at, row.updated_at = (now if retired else None), now
    session.add(row)
    audit.record(
        session,
        actor=admin,
        action="video.retire" if retired else "video.restore",
        target_type="video",
        target_id=row.id,
        summary=row.title,
    )
    session.commit()


def retire_video(session: Session, *, actor: User | None, video_id: int, now: datetime | None = None) -> None:
    set_video_retired(session, actor=actor, video_id=video_id, retired=True, now=now)


def restore_video(
    session: Session, *, actor: User | None, video_id: int, now: datetime | None = None
) -> None:
    set_video_retired(session, actor=actor, video_id=video_id, retired=False, now=now)
