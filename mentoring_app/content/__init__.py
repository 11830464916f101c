"""Content we write ourselves and ship with the app: the built-in guides (Markdown files).

This module reads files only (no database, no app imports), so the migration that seeds the
``guides`` table can use it as well as ``services.guides.sync_built_in_guides``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GUIDES_DIR = Path(__file__).resolve().parent / "guides"
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


def parse_guide(slug: str, raw: str) -> GuideContent:
    """Split a guide file into its front matter (``key: value`` lines between ``---``) and body."""
    lines = raw.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise ValueError(f"{slug}: a guide starts with front matter between two '---' lines")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if line.strip():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    missing = [key for key in _REQUIRED if not meta.get(key)]
    if missing:
        raise ValueError(f"{slug}: front matter lacks {', '.join(missing)}")
    if meta["stage"] not in GUIDE_STAGES:
        raise ValueError(f"{slug}: unknown stage {meta['stage']!r}")
    return GuideContent(
        slug=slug,
        title=meta["title"],
        stage=meta["stage"],
        summary=meta["summary"],
        reading_minutes=int(meta["reading_minutes"]),
        position=int(meta["position"]),
        body="\n".join(lines[end + 1 :]).strip() + "\n",
    )


def built_in_guides() -> list[GuideContent]:
    """Every guide file, in stage order then position."""
    guides = [parse_guide(path.stem, path.read_text(encoding="utf-8")) for path in GUIDES_DIR.glob("*.md")]
    return sorted(guides, key=lambda g: (GUIDE_STAGES.index(g.stage), g.position, g.slug))
