"""Content we write ourselves and ship with the app: the built-in guides (Markdown files) and the
built-in how-to videos (recorded from the app by ``make videos``).

This module reads files only (no database, no app imports), so the migration that seeds the
``guides`` table can use it as well as ``services.guides.sync_built_in_guides``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GUIDES_DIR = Path(__file__).resolve().parent / "guides"
VIDEOS_DIR = Path(__file__).resolve().parent / "videos"
GUIDE_STAGES = ("preparing", "first_conversation", "goal_setting", "progressing", "ending")
_REQUIRED = ("title", "stage", "summary", "reading_minutes", "position")


@dataclass(frozen=True)
class GuideContent:
    """One guide file: its slug is the file name without ``.md``."""

    slug: str
    title: str
    stage: str
    summary: str
    reading_minutes: int
    position: int
    body: str


def _front_matter(slug: str, raw: str, required: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """A content file's front matter (``key: value`` lines between ``---``) and its body."""
    lines = raw.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise ValueError(f"{slug}: a content file starts with front matter between two '---' lines")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if line.strip():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    missing = [key for key in required if not meta.get(key)]
    if missing:
        raise ValueError(f"{slug}: front matter lacks {', '.join(missing)}")
    if meta["stage"] not in GUIDE_STAGES:
        raise ValueError(f"{slug}: unknown stage {meta['stage']!r}")
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def parse_guide(slug: str, raw: str) -> GuideContent:
    """Split a guide file into its front matter (``key: value`` lines between ``---``) and body."""
    meta, body = _front_matter(slug, raw, _REQUIRED)
    return GuideContent(
        slug=slug,
        title=meta["title"],
        stage=meta["stage"],
        summary=meta["summary"],
        reading_minutes=int(meta["reading_minutes"]),
        position=int(meta["position"]),
        body=body,
    )


def built_in_guides() -> list[GuideContent]:
    """Every guide file, in stage order then position."""
    guides = [parse_guide(path.stem, path.read_text(encoding="utf-8")) for path in GUIDES_DIR.glob("*.md")]
    return sorted(guides, key=lambda g: (GUIDE_STAGES.index(g.stage), g.position, g.slug))


_VIDEO_REQUIRED = ("title", "stage", "position")


@dataclass(frozen=True)
class VideoContent:
    """One built-in how-to video: ``<slug>.md`` (front matter and the transcript), with the
    recording ``<slug>.webm`` and its captions ``<slug>.vtt`` beside it."""

    slug: str
    title: str
    stage: str
    position: int
    transcript: str
    video_path: Path
    captions_path: Path


def parse_video(slug: str, raw: str, folder: Path = VIDEOS_DIR) -> VideoContent:
    meta, body = _front_matter(slug, raw, _VIDEO_REQUIRED)
    return VideoContent(
        slug=slug,
        title=meta["title"],
        stage=meta["stage"],
        position=int(meta["position"]),
        transcript=body.strip(),
        video_path=folder / f"{slug}.webm",
        captions_path=folder / f"{slug}.vtt",
    )


def built_in_videos(folder: Path = VIDEOS_DIR) -> list[VideoContent]:
    """Every built-in video whose recording and captions are present, in stage order then position."""
    videos = [
        parse_video(path.stem, path.read_text(encoding="utf-8"), folder) for path in folder.glob("*.md")
    ]
    videos = [v for v in videos if v.video_path.is_file() and v.captions_path.is_file()]
    return sorted(videos, key=lambda v: (GUIDE_STAGES.index(v.stage), v.position, v.slug))
