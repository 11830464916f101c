"""Captions and transcript from one list of timed steps, so the two always agree with the video.

A step's caption is what the captions track shows while the step plays on screen; the same
text, with the time it starts, is the transcript. Nothing here touches a browser or a file.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

LINE_WIDTH = 42  # characters per caption line (the usual limit for readable captions)
MAX_LINES = 2  # lines per cue; a longer caption becomes several cues over the step's time
READING_CHARS_PER_SECOND = 15.0
MIN_STEP_SECONDS = 2.5


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the start of the video
    end: float
    text: str
    note: str = ""  # what the screen shows beyond the caption (typed text), for the transcript only


def hold_seconds(caption: str) -> float:
    """How long a caption should stay on screen for a viewer to read it."""
    return max(MIN_STEP_SECONDS, len(caption) / READING_CHARS_PER_SECOND + 0.8)


def timestamp(seconds: float) -> str:
    """WebVTT time: ``00:01:02.345``."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def clock(seconds: float) -> str:
    """Transcript time: ``1:02``."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def split_cue(cue: Cue) -> list[Cue]:
    """A cue whose text needs more than two lines becomes several, each shown for a share of the
    time in proportion to its length; every cue's text is wrapped to ``LINE_WIDTH``."""
    lines = textwrap.wrap(cue.text, LINE_WIDTH)
    chunks = ["\n".join(lines[i : i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)] or [""]
    total = sum(len(c) for c in chunks) or 1
    cues, start = [], cue.start
    for index, chunk in enumerate(chunks):
        end = cue.end if index == len(chunks) - 1 else start + (cue.end - cue.start) * len(chunk) / total
        cues.append(Cue(start, end, chunk))
        start = end
    return cues


def webvtt(cues: list[Cue]) -> str:
    """A WebVTT file: numbered cues in time order, none overlapping the next."""
    out = ["WEBVTT", ""]
    ordered = sorted(cues, key=lambda c: c.start)
    number = 0
    for index, cue in enumerate(ordered):
        end = min(cue.end, ordered[index + 1].start) if index + 1 < len(ordered) else cue.end
        for part in split_cue(Cue(cue.start, end, cue.text)):
            number += 1
            out += [str(number), f"{timestamp(part.start)} --> {timestamp(part.end)}", part.text, ""]
    return "\n".join(out)


def transcript(cues: list[Cue], *, intro: str) -> str:
    """The transcript shown under the video: an introduction, then each step with its time."""
    lines = [intro.strip(), ""]
    lines += [
        f"{clock(c.start)}  {c.text}" + (f" {c.note}" if c.note else "")
        for c in sorted(cues, key=lambda c: c.start)
    ]
    return "\n".join(lines).strip()


def duration_words(seconds: float) -> str:
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    parts = ([f"{minutes} minute{'s' * (minutes != 1)}"] if minutes else []) + (
        [f"{secs} second{'s' * (secs != 1)}"] if secs or not minutes else []
    )
    return " ".join(parts)


def content_file(*, title: str, stage: str, position: int, body: str) -> str:
    """``content/videos/<slug>.md``: the front matter the app reads, then the transcript."""
    return f"---\ntitle: {title}\nstage: {stage}\nposition: {position}\n---\n\n{body.strip()}\n"
