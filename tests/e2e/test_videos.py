"""The built-in how-to videos in a real browser: synced at start-up, listed under Guides and
videos and on the dashboard's shelf, each with a visible title, a captions track that is on by
default (its cues loaded from the served WebVTT file), a readable transcript, and the files served
to members with the right content type (and to nobody else)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

from playwright.sync_api import Locator, Page, expect

from tests.e2e.test_dashboard import PASSWORD, _pair
from tests.harness import RunningApp, log_in

REQUEST_VIDEO = "Sending and answering a mentoring request"
TITLES = {
    "Finding a mentor with Exact match": "Preparing",
    REQUEST_VIDEO: "Preparing",
    "Setting a SMART goal": "Goal setting",
}
# What the page's own video element reports once its metadata and captions have loaded.
_PLAYER = """video => new Promise((resolve) => {
    const report = () => {
        const track = video.querySelector('track');
        const text = video.textTracks[0];
        resolve({
            duration: video.duration,
            width: video.videoWidth,
            error: video.error && video.error.code,
            trackDefault: !!(track && track.default),
            trackKind: text && text.kind,
            trackLabel: text && text.label,
            trackLanguage: text && text.language,
            mode: text && text.mode,
            cues: text && text.cues ? text.cues.length : 0,
            firstCue: text && text.cues && text.cues.length ? text.cues[0].text : '',
            lastCueEnd: text && text.cues && text.cues.length ? text.cues[text.cues.length - 1].endTime : 0,
            trackSrc: track ? track.src : '',
        });
    };
    const ready = () => video.readyState >= 1 && video.textTracks.length
        && video.textTracks[0].cues && video.textTracks[0].cues.length > 0;
    if (ready()) { report(); return; }
    const started = Date.now();
    const poll = setInterval(() => {
        if (ready() || Date.now() - started > 15000) { clearInterval(poll); report(); }
    }, 100);
})"""


def _item(page: Page, title: str) -> Locator:
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=title, level=3, exact=True)
    )


def _check_player(page: Page, item: Locator, title: str) -> dict:
    video = item.get_by_label(title)  # the player is named by the video's title
    expect(video).to_be_visible()
    found = video.evaluate(_PLAYER)
    assert found["error"] is None and found["duration"] > 20 and found["width"] == 1280, found
    assert found["trackDefault"] and found["trackKind"] == "captions", found
    assert (found["trackLabel"], found["trackLanguage"]) == ("English", "en"), found
    assert found["mode"] == "showing", found  # captions on without the viewer asking
    assert found["cues"] >= 5, found
    assert abs(found["duration"] - found["lastCueEnd"]) < 1.0, found  # captions run to the end, no further
    return {**found, "src": video.get_attribute("src") or ""}


def test_built_in_videos_play_with_captions_and_transcripts(
    page: Page, app: RunningApp, unique_email
) -> None:
    mentee_email = unique_email("viewer")
    rid = _pair(app, unique_email("viewer-mentor"), mentee_email)
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    page.goto(app.url("/guides"))
    expect(page.get_by_role("heading", name="Guides and videos", level=1)).to_be_visible()

    served = {}
    for title, stage in TITLES.items():
        shelf = page.get_by_role("list", name=f"Videos: {stage}")
        item = _item(page, title)
        expect(shelf.get_by_role("heading", name=title, level=3)).to_be_visible()
        served[title] = _check_player(page, item, title)
        # The transcript, behind a disclosure under the player.
        transcript = item.get_by_text(re.compile(r"^Sam, a mentee"))
        expect(transcript).to_be_hidden()
        item.get_by_text("Transcript", exact=True).click()
        expect(transcript).to_be_visible()
        expect(transcript).to_contain_text("The video has no sound; the captions say what happens on screen.")
        assert served[title]["firstCue"].replace("\n", " ") in (item.text_content() or "")
    smart = _item(page, "Setting a SMART goal")
    expect(smart.get_by_text("Specific: what exactly you want to achieve.", exact=False)).to_be_visible()

    # The files: served to members with the right type, to nobody without a log-in.
    for found in served.values():
        video, captions = page.request.get(found["src"]), page.request.get(found["trackSrc"])
        assert video.status == 200 and video.headers["content-type"] == "video/webm", video.headers
        assert video.body()[:4] == b"\x1a\x45\xdf\xa3"
        assert captions.status == 200 and captions.headers["content-type"].startswith("text/vtt")
        assert captions.text().startswith("WEBVTT")
        ranged = page.request.get(found["src"], headers={"Range": "bytes=0-99"})  # seeking works
        assert ranged.status == 206 and len(ranged.body()) == 100
        try:
            urllib.request.urlopen(found["src"], timeout=10)  # noqa: S310 - loopback
            raise AssertionError("an anonymous request got the video")
        except urllib.error.HTTPError as refused:
            assert refused.code == 404

    # The dashboard's shelf: the Guides and videos section shows this stage's videos, the Goals
    # section the SMART goal video, each with its captions on.
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    page.get_by_role("tab", name="Guides and videos").click()
    videos = page.get_by_role("list", name="Videos", exact=True)
    expect(videos.get_by_role("heading", name="Finding a mentor with Exact match", level=3)).to_be_visible()
    found = _check_player(page, _item(page, REQUEST_VIDEO), REQUEST_VIDEO)
    assert found["src"] == served[REQUEST_VIDEO]["src"]
    # Every section links to its stage's videos (Goals: the SMART goal one), played in the library.
    page.get_by_role("tab", name="Goals").click()
    page.get_by_role("link", name="Video: Setting a SMART goal").click()
    expect(page.get_by_role("heading", name="Guides and videos", level=1)).to_be_visible()
    expect(page.get_by_label("Setting a SMART goal")).to_be_visible()
