"""The built-in how-to videos: the shipped files (recording, WebVTT captions, transcript) agree
with each other, and the start-up sync adds them once, with their files in the upload folder,
leaves what admins did alone, and refreshes an unedited one after a re-recording."""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path

from sqlmodel import Session, select

from mentoring_app.content import built_in_videos
from mentoring_app.howto import script
from mentoring_app.howto.journeys import JOURNEYS
from mentoring_app.models import Video
from mentoring_app.services.library import built_in_videos as sync
from mentoring_app.services.library import guides

SLUGS = {
    "finding-a-mentor-with-exact-match": "preparing",
    "sending-and-answering-a-request": "preparing",
    "setting-a-smart-goal": "goal_setting",
}
MAX_BYTES = 2 * 1024 * 1024
_CUE_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _cues(vtt: str) -> list[tuple[float, float, str]]:
    assert vtt.startswith("WEBVTT\n\n")
    cues = []
    for block in vtt.split("\n\n")[1:]:
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        number, timing, *text = lines
        assert number.isdigit()
        found = _CUE_TIME.match(timing)
        assert found, timing
        start, end = _seconds(*found.groups()[:4]), _seconds(*found.groups()[4:])
        assert text and all(len(line) <= script.LINE_WIDTH for line in text), text
        cues.append((start, end, " ".join(text)))
    return cues


def test_three_videos_ship_with_captions_and_a_transcript_that_agree() -> None:
    shipped = {v.slug: v for v in built_in_videos()}
    assert {slug: v.stage for slug, v in shipped.items()} == SLUGS
    journeys = {j.slug: j for j in JOURNEYS}
    for slug, video in shipped.items():
        data = video.video_path.read_bytes()
        assert data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64], slug  # a WebM file
        assert 20_000 < len(data) < MAX_BYTES, (slug, len(data))
        assert video.title == journeys[slug].title
        cues = _cues(video.captions_path.read_text(encoding="utf-8"))
        assert len(cues) >= len([s for scene in journeys[slug].scenes for s in scene.steps])
        assert all(start < end for start, end, _ in cues)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(cues)), "cues overlap"
        assert 20 < cues[-1][1] < 180, "a short video"
        # Every step's caption is in the captions and, with its time, in the transcript.
        captions = " ".join(text for _, _, text in cues)
        for scene in journeys[slug].scenes:
            for step in scene.steps:
                assert step.caption in captions, step.caption
                assert re.search(rf"\d+:\d\d  {re.escape(step.caption)}", video.transcript), step.caption


def test_sync_adds_them_once_with_files_and_captions(db: Session, make_member, tmp_path: Path) -> None:
    member = make_member()
    uploads = tmp_path / "uploads"
    assert sync.sync_built_in_videos(db, upload_folder=uploads) == 3
    assert sync.sync_built_in_videos(db, upload_folder=uploads) == 0  # idempotent
    rows = db.exec(select(Video)).all()
    assert len(rows) == 3 and all(r.built_in and r.slug in SLUGS for r in rows)
    for content in built_in_videos():
        row = next(r for r in rows if r.slug == content.slug)
        assert (uploads / row.file_name).read_bytes() == content.video_path.read_bytes()
        assert (uploads / row.captions_file_name).read_bytes() == content.captions_path.read_bytes()
        assert row.file_name.endswith(".webm") and row.captions_file_name.endswith(".vtt")
        assert row.transcript == content.transcript and row.title == content.title
    shelves = {s.stage: s for s in guides.library(db, actor=member)}
    assert [v.title for v in shelves["preparing"].videos] == [
        "Finding a mentor with Exact match",
        "Sending and answering a mentoring request",
    ]
    smart = guides.for_section(db, actor=member, section="goals").videos
    assert [v.title for v in smart] == ["Setting a SMART goal"]
    assert smart[0].captions_file_name == "builtin-setting-a-smart-goal.vtt" and smart[0].built_in
    assert "Specific: what exactly you want to achieve." in smart[0].transcript


def test_admins_can_retire_and_edit_them_and_the_sync_respects_it(
    db: Session, make_member, tmp_path: Path
) -> None:
    admin = make_member(role="mentor")
    admin.is_admin = True
    db.add(admin)
    db.commit()
    member = make_member()
    uploads = tmp_path / "uploads"
    sync.sync_built_in_videos(db, upload_folder=uploads)
    by_slug = {v.slug: v for v in db.exec(select(Video)).all()}
    smart, finding = by_slug["setting-a-smart-goal"], by_slug["finding-a-mentor-with-exact-match"]

    guides.retire_video(db, actor=admin, video_id=smart.id)
    guides.update_video(
        db,
        actor=admin,
        video_id=finding.id,
        title="Find a mentor (our version)",
        stage="preparing",
        file_name=finding.file_name,
        transcript="Our own words.",
    )
    _, admin_rows = guides.admin_library(db, actor=admin)
    assert all(r.built_in for r in admin_rows)

    # A re-recording changes the shipped titles and transcripts; a lost upload folder is refilled.
    (uploads / smart.captions_file_name).unlink()
    changed = [dataclasses.replace(c, transcript=c.transcript + "\nRe-recorded.") for c in built_in_videos()]
    assert sync.sync_built_in_videos(db, upload_folder=uploads, contents=changed) == 0
    assert (uploads / smart.captions_file_name).is_file()
    db.expire_all()
    rows = {v.slug: v for v in db.exec(select(Video)).all()}
    assert len(rows) == 3
    assert rows["setting-a-smart-goal"].retired_at is not None  # still retired, content refreshed
    assert rows["setting-a-smart-goal"].transcript.endswith("Re-recorded.")
    assert rows["finding-a-mentor-with-exact-match"].transcript == "Our own words."  # the admin's edit stands
    assert rows["sending-and-answering-a-request"].transcript.endswith("Re-recorded.")
    assert all(v.title != "Setting a SMART goal" for s in guides.library(db, actor=member) for v in s.videos)

    # Captions belong to their recording: an admin's replacement file drops them.
    guides.update_video(
        db,
        actor=admin,
        video_id=finding.id,
        title="Find a mentor (our version)",
        stage="preparing",
        file_name="video-abc.webm",
    )
    assert db.get(Video, finding.id).captions_file_name == ""


def test_captions_are_wrapped_split_and_never_overlap() -> None:
    long = "Tick Exact match: Region and search: now only North West mentors are listed, best first."
    vtt = script.webvtt([script.Cue(0, 4, long), script.Cue(3.5, 6, "Next."), script.Cue(6, 8.25, "Last.")])
    cues = _cues(vtt)
    assert " ".join(t for _, _, t in cues[:-2]) == long and len(cues) == 4  # two lines per cue at most
    assert cues[1][1] == 3.5 and cues[-1] == (6.0, 8.25, "Last.")
    assert script.timestamp(3725.5) == "01:02:05.500" and script.clock(65.9) == "1:05"
    text = script.transcript([script.Cue(65, 70, "Second."), script.Cue(0, 5, "First.")], intro="About.")
    assert text == "About.\n\n0:00  First.\n1:05  Second."
    assert script.duration_words(61) == "1 minute 1 second" and script.duration_words(45) == "45 seconds"
