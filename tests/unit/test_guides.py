"""The guides and videos library: built-in content, seeding, reading by stage, admin management
with field errors, and safe Markdown against XSS payloads."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from mentoring_app.content import GUIDE_STAGES, built_in_guides, parse_guide
from mentoring_app.models import Guide, Video
from mentoring_app.models.guides import STAGES
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed
from mentoring_app.services.library import guides


def _admin(db: Session, make_member):
    admin = make_member(role="mentor")
    admin.is_admin = True
    db.add(admin)
    db.commit()
    return admin


def test_built_in_guides_are_substantial_and_cover_every_stage() -> None:
    content = built_in_guides()
    assert len(content) >= 8 and tuple(STAGES) == GUIDE_STAGES
    assert {g.stage for g in content} == set(GUIDE_STAGES)
    for g in content:
        words = len(g.body.split())
        assert 500 <= words <= 900, (g.slug, words)
        assert g.title and g.summary and re.fullmatch(r"[a-z0-9-]+", g.slug)
        assert guides.safe_markdown(g.body) == g.body, g.slug  # nothing in our own text needs neutralising
    with pytest.raises(ValueError, match="unknown stage"):
        parse_guide(
            "x", "---\ntitle: T\nstage: later\nsummary: S\nreading_minutes: 2\nposition: 1\n---\nBody"
        )


def test_seeding_is_idempotent_and_the_library_reads_by_stage(db: Session, make_member) -> None:
    member = make_member()
    guides.sync_built_in_guides(db)  # the migration seeded them (SQLite); an emptied database gets them here
    assert guides.sync_built_in_guides(db) == 0
    rows = db.exec(select(Guide)).all()
    assert len(rows) == len(built_in_guides()) and all(r.built_in for r in rows)
    shelves = guides.library(db, actor=member)
    assert [s.stage for s in shelves] == list(GUIDE_STAGES)
    assert sum(len(s.guides) for s in shelves) == len(rows)
    (goal_setting,) = guides.library(db, actor=member, stage="goal_setting")
    assert [g.slug for g in goal_setting.guides] == ["setting-smart-goals", "the-grow-model"]
    assert guides.for_section(db, actor=member, section="goals") == goal_setting
    assert guides.for_section(db, actor=member, section="ending").guides[0].slug == "ending-well"
    read = guides.guide(db, actor=member, slug="active-listening")
    assert read.title == "Active listening" and "## Reflect back" in read.body_markdown
    with pytest.raises(NotFound):
        guides.guide(db, actor=member, slug="no-such-guide")
    with pytest.raises(NotAllowed):
        guides.library(db, actor=None)


def test_admins_manage_guides_and_videos(db: Session, make_member) -> None:
    admin, member = _admin(db, make_member), make_member()
    with pytest.raises(NotAllowed):
        guides.create_guide(
            db, actor=member, slug="x", title="X", stage="ending", summary="", body_markdown="Text"
        )
    with pytest.raises(ValidationFailed) as failure:
        guides.create_guide(
            db, actor=admin, slug="Not A Slug", title="", stage="later", summary="s" * 401, body_markdown=" "
        )
    assert set(failure.value.errors) == {"slug", "title", "stage", "summary", "body_markdown"}
    made = guides.create_guide(
        db, actor=admin, slug="working-with-agencies", title="Working with agencies", stage="progressing",
        summary="Terms, rates and saying no.", body_markdown="Read the terms. <script>alert(1)</script>",
    )  # fmt: skip
    assert "<script>" not in made.body_markdown and made.reading_minutes == 1
    row = db.exec(select(Guide).where(Guide.slug == "working-with-agencies")).one()
    assert (
        row.built_in is False and "<script>" in row.body_markdown
    )  # stored as written, made safe on reading
    with pytest.raises(ValidationFailed) as failure:
        guides.create_guide(
            db,
            actor=admin,
            slug="working-with-agencies",
            title="Again",
            stage="ending",
            summary="",
            body_markdown="x",
        )
    assert set(failure.value.errors) == {"slug"}
    guides.update_guide(
        db,
        actor=admin,
        guide_id=row.id,
        title="Agencies",
        stage="ending",
        summary="",
        body_markdown="New text",
    )
    db.refresh(row)
    assert (row.title, row.stage) == ("Agencies", "ending")
    guides.retire_guide(db, actor=admin, guide_id=row.id)
    with pytest.raises(NotFound):
        guides.guide(db, actor=member, slug=row.slug)
    assert guides.guide(db, actor=admin, slug=row.slug).title == "Agencies"
    assert all(g.slug != row.slug for s in guides.library(db, actor=member) for g in s.guides)
    guides.restore_guide(db, actor=admin, guide_id=row.id)
    assert guides.guide(db, actor=member, slug=row.slug).title == "Agencies"

    for url in ("javascript:alert(1)", "ftp://example.org/v.mp4", "https://", "https://exa mple.org"):
        with pytest.raises(ValidationFailed) as failure:
            guides.create_video(db, actor=admin, title="Listening", stage="progressing", url=url)
        assert set(failure.value.errors) == {"url"}
    with pytest.raises(ValidationFailed) as failure:
        guides.create_video(
            db, actor=admin, title="Both", stage="ending", url="https://v.example.org/1", file_name="a.mp4"
        )
    assert set(failure.value.errors) == {"url"}
    with pytest.raises(ValidationFailed) as failure:
        guides.create_video(db, actor=admin, title="Upload", stage="ending", file_name="../../etc/passwd")
    assert set(failure.value.errors) == {"file_name"}
    video = guides.create_video(
        db, actor=admin, title="Active listening in practice", stage="progressing",
        url="https://video.example.org/listening", transcript="Hello and welcome.",
    )  # fmt: skip
    (progressing,) = guides.library(db, actor=member, stage="progressing")
    assert [v.title for v in progressing.videos] == ["Active listening in practice"]
    guides.update_video(
        db, actor=admin, video_id=video.id, title="Listening", stage="ending", file_name="listening-1.mp4"
    )
    assert (db.get(Video, video.id).url, db.get(Video, video.id).file_name) == ("", "listening-1.mp4")
    guides.retire_video(db, actor=admin, video_id=video.id)
    assert all(not s.videos for s in guides.library(db, actor=member))
    with pytest.raises(NotAllowed):
        guides.retire_video(db, actor=member, video_id=video.id)
    guide_rows, video_rows = guides.admin_library(db, actor=admin)
    assert any(r.slug == row.slug for r in guide_rows) and [v.retired for v in video_rows] == [True]


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](java\\script:alert(1))",
        "[click](javascript\\:alert(1))",
        "[click](java&#115;cript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](\njavascript:alert(1))",
        "![img](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox(1))",
        "[click][r]\n\n[r]: javascript:alert(1)",
        "[click][r]\n\n[r]:\n  javascript:alert(1)",
        "- item\n\n  [r]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "```\n</code><script>alert(1)</script>\n```",
        "`</code><script>alert(1)</script>`",
        "<!-- x --><svg onload=alert(1)>",
        "[click](//evil.example.org)",
    ],
)
def test_safe_markdown_neutralises_xss(payload: str) -> None:
    safe = guides.safe_markdown(payload)
    assert "<" not in safe and ">" not in safe
    targets = re.findall(r"\]\(\s*([^)\s]*)", safe) + re.findall(r"\]:\s*(\S+)", safe)
    assert all(guides.safe_link(t) for t in targets)
    assert not re.search(r"\]\(\s*(?:javascript|vbscript|data|//)", safe, re.IGNORECASE)


def test_safe_markdown_keeps_ordinary_markdown() -> None:
    text = (
        "## Rates\n\nSee [the guide](https://example.org/a_(b)), [write to us](mailto:help@example.org) "
        "or [our page](/guides/setting-smart-goals).\n\n- **Bold** and *italic*\n1. Step"
    )
    assert guides.safe_markdown(text) == text
    assert guides.safe_markdown("Fish & chips, 3 > 2") == "Fish &amp; chips, 3 &gt; 2"
