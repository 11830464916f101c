"""``make videos``: record the built-in how-to videos from the real app.

The production build runs on a fresh demo database (as the browser tests run it); each journey
(``journeys.py``) plays in Debian's Chromium, one browser context per scene (the member's log-in
session is set as their cookie), with Playwright's video recording on. Each step's start and end
are timed as it plays; the scenes' recordings are trimmed to their steps, joined and encoded once
(VP9 WebM, 12 frames a second, no sound) with ffmpeg, and the same step list gives the WebVTT
captions and the transcript, so the three always agree. Written to ``content/videos``:
``<slug>.webm``, ``<slug>.vtt`` and ``<slug>.md`` (front matter and transcript).

Playwright's video recording runs its own ffmpeg build, which it would download (not possible
here); the script points Playwright at the system's ffmpeg instead (Debian's, which ``make
videos`` installs), through a browsers folder of our own under ``var/`` (``PLAYWRIGHT_BROWSERS_PATH``
is set for this process only; the browser itself is Debian's Chromium, by path).

    python -m mentoring_app.howto.record                      # all three
    python -m mentoring_app.howto.record --only setting-a-smart-goal
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mentoring_app.content import VIDEOS_DIR
from mentoring_app.howto import script
from mentoring_app.howto.journeys import JOURNEYS, MENTEE, MENTOR, REQUESTED_MENTOR, Cast, Journey
from mentoring_app.settings import PROJECT_ROOT

WIDTH, HEIGHT = 1280, 720
FRAME_RATE = 12
CRF = 40  # VP9 quality (lower is better and bigger); screens of text stay sharp at this rate
SETTLE_SECONDS = 0.8  # after a scene's first screen is ready, before its first step
MIN_HOLD_SECONDS = 1.0  # every step's result stays on screen at least this long
BROWSERS_DIR = PROJECT_ROOT / "var" / "playwright-browsers"


@dataclass(frozen=True)
class Segment:
    raw: Path  # Playwright's recording of one scene
    start: float  # seconds into that recording where the scene's first step begins
    end: float


def find_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if not found:
        raise SystemExit("ffmpeg not found: install it with `apt-get install -y ffmpeg` (make videos does)")
    return found


def point_playwright_at(ffmpeg: str) -> None:
    """Give Playwright's recorder the system ffmpeg, where Playwright looks for its own build."""
    import playwright

    browsers = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    revision = next(
        b["revision"] for b in json.loads(browsers.read_text())["browsers"] if b["name"] == "ffmpeg"
    )
    folder = BROWSERS_DIR / f"ffmpeg-{revision}"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "ffmpeg-linux"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(ffmpeg)
    (folder / "INSTALLATION_COMPLETE").touch()
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(BROWSERS_DIR)


def demo_database(folder: Path) -> tuple[str, Cast, int]:
    """A migrated demo database; who plays; Sam and Maria's relationship id.

    The mentor Sam asks in the request video is the best match Find mentor gives Sam for the
    region North West, exactly (what the first video saves), so Sam finds them by name either way."""
    from sqlmodel import Session, select

    from mentoring_app.db import make_engine
    from mentoring_app.demo import load_demo_data
    from mentoring_app.migrations import upgrade_to_head
    from mentoring_app.models import MemberCriterion, Relationship, User
    from mentoring_app.models.profiles import MENTEE_SIDE
    from mentoring_app.services.discovery import matching
    from mentoring_app.services.discovery.vocabulary import load_fields

    database_url = f"sqlite:///{folder / 'videos.db'}"
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            load_demo_data(db)
            sam = db.exec(select(User).where(User.email == MENTEE)).one()
            maria = db.exec(select(User).where(User.email == MENTOR)).one()
            fields = load_fields(db)
            field_of = {choice.id: spec.key for spec in fields for choice in spec.choices}
            wanted = db.exec(
                select(MemberCriterion.option_id).where(
                    MemberCriterion.user_id == sam.id, MemberCriterion.side == MENTEE_SIDE
                )
            ).all()
            selected: dict[str, tuple[int, ...]] = {}
            for option_id in wanted:
                selected[field_of[option_id]] = (*selected.get(field_of[option_id], ()), option_id)
            region = next(spec for spec in fields if spec.key == "region").find("North West")
            assert region is not None
            selected["region"] = (region.id,)
            found = matching.find_mentors(
                db, viewer=sam, search=matching.Search(selected=selected, exact=frozenset({"region"}))
            )
            best = next(r for r in found.results if r.user_id != maria.id)
            mentor = db.get(User, best.user_id)
            assert mentor is not None
            pair = db.exec(
                select(Relationship.id).where(
                    Relationship.mentee_id == sam.id, Relationship.mentor_id == maria.id
                )
            ).one()
            return database_url, Cast(mentor.email, mentor.name), pair  # type: ignore[return-value]
    finally:
        engine.dispose()


def open_session(database_url: str, email: str) -> str:
    from sqlmodel import Session, select

    from mentoring_app.db import make_engine
    from mentoring_app.models import User
    from mentoring_app.services.accounts import auth

    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            user = db.exec(select(User).where(User.email == email)).one()
            key = auth.open_session(db, user_id=user.id)  # type: ignore[arg-type]
            db.commit()
            return key
    finally:
        engine.dispose()


def record_journey(
    browser, base_url: str, database_url: str, journey: Journey, cast: Cast, pair: int, raw_dir: Path
) -> tuple[list[Segment], list[script.Cue]]:
    """Play a journey, scene by scene, recording each; return the recordings and the timed steps."""
    from mentoring_app.web.cookies import SESSION_COOKIE

    segments: list[Segment] = []
    cues: list[script.Cue] = []
    offset = 0.0
    for scene in journey.scenes:
        email = cast.request_mentor_email if scene.member == REQUESTED_MENTOR else scene.member
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            record_video_dir=str(raw_dir),
            record_video_size={"width": WIDTH, "height": HEIGHT},
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.add_cookies(
            [
                {
                    "name": SESSION_COOKIE,
                    "value": open_session(database_url, email),
                    "url": base_url,
                    "httpOnly": True,
                    "sameSite": "Strict",
                }
            ]
        )
        page = context.new_page()
        began = time.monotonic()  # the recording starts with the page
        page.goto(base_url + scene.start_path.format(relationship_id=pair))
        scene.ready(page)
        time.sleep(SETTLE_SECONDS)
        start = time.monotonic() - began
        for step in scene.steps:
            step_start = time.monotonic() - began
            if step.action is not None:
                try:
                    step.action(page, cast)
                except Exception:
                    shot = PROJECT_ROOT / "var" / f"howto-failed-{journey.slug}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"Step failed: {step.caption!r}; the page is in {shot}", file=sys.stderr)
                    raise
            spent = time.monotonic() - began - step_start
            time.sleep(max(MIN_HOLD_SECONDS, script.hold_seconds(step.caption) - spent))
            step_end = time.monotonic() - began
            cues.append(
                script.Cue(offset + step_start - start, offset + step_end - start, step.caption, step.note)
            )
            print(f"  {script.clock(offset + step_start - start)}  {step.caption}", flush=True)
        end = time.monotonic() - began
        video = page.video
        context.close()  # writes the recording
        assert video is not None
        segments.append(Segment(Path(video.path()), start, end))
        offset += end - start
    return segments, cues


def encode(ffmpeg: str, segments: list[Segment], target: Path) -> None:
    """Trim each scene's recording to its steps, join them, and encode one small VP9 WebM."""
    inputs: list[str] = []
    parts: list[str] = []
    for index, segment in enumerate(segments):
        inputs += ["-i", str(segment.raw)]
        # Exactly the scene's length (its last frame held if the recording stops a little short),
        # so the next scene, and its captions, start on time.
        length = segment.end - segment.start
        parts.append(
            f"[{index}:v]trim=start={segment.start:.3f}:end={segment.end:.3f},setpts=PTS-STARTPTS,"
            f"tpad=stop_mode=clone:stop_duration=2,trim=duration={length:.3f},"
            f"fps={FRAME_RATE},scale={WIDTH}:{HEIGHT},setsar=1[v{index}]"
        )
    joined = "".join(f"[v{i}]" for i in range(len(segments)))
    graph = ";".join(parts) + f";{joined}concat=n={len(segments)}:v=1:a=0,format=yuv420p[out]"
    temporary = target.with_suffix(".part.webm")
    subprocess.run(  # noqa: S603 - our own arguments, the system ffmpeg
        [
            ffmpeg, "-y", "-loglevel", "error", *inputs,
            "-filter_complex", graph, "-map", "[out]", "-an",
            "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", str(CRF), "-row-mt", "1",
            "-deadline", "good", "-cpu-used", "2", "-g", str(FRAME_RATE * 10),
            "-map_metadata", "-1", str(temporary),
        ],
        check=True,
    )  # fmt: skip
    temporary.replace(target)


def write_journey(journey: Journey, cues: list[script.Cue], duration: float, out_dir: Path) -> None:
    intro = f"{journey.intro} Length: {script.duration_words(duration)}."
    (out_dir / f"{journey.slug}.vtt").write_text(script.webvtt(cues), encoding="utf-8")
    (out_dir / f"{journey.slug}.md").write_text(
        script.content_file(
            title=journey.title,
            stage=journey.stage,
            position=journey.position,
            body=script.transcript(cues, intro=intro),
        ),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Record the built-in how-to videos from the app.")
    parser.add_argument("--only", nargs="*", default=[], help="slugs to record (default: all)")
    parser.add_argument("--out", type=Path, default=VIDEOS_DIR, help="where to write them")
    args = parser.parse_args(argv)
    chosen = [j for j in JOURNEYS if not args.only or j.slug in args.only]
    if not chosen:
        print(f"no journey named {args.only}; known: {[j.slug for j in JOURNEYS]}", file=sys.stderr)
        return 2
    ffmpeg = find_ffmpeg()
    point_playwright_at(ffmpeg)
    from playwright.sync_api import sync_playwright

    from tests.harness import CHROMIUM, CHROMIUM_ARGS, start_app

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="howto-videos-") as folder:
        work = Path(folder)
        # The demo portraits go where the app will serve them from (start_app's upload folder).
        os.environ["REFLEX_UPLOADED_FILES_DIR"] = str(work / "uploads")
        database_url, cast, pair = demo_database(work)
        print("Building and starting the production app (a minute or two)...", flush=True)
        app = start_app(work, database_url=database_url)
        running = next(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for journey in chosen:
                    print(f"Recording {journey.slug}", flush=True)
                    raw = work / "raw" / journey.slug
                    segments, cues = record_journey(
                        browser, running.base_url, database_url, journey, cast, pair, raw
                    )
                    target = args.out / f"{journey.slug}.webm"
                    encode(ffmpeg, segments, target)
                    duration = sum(s.end - s.start for s in segments)
                    write_journey(journey, cues, duration, args.out)
                    print(
                        f"  wrote {target} ({target.stat().st_size / 1024:.0f} KB, {duration:.0f} s)",
                        flush=True,
                    )
                browser.close()
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
