"""Uploads are bounded before Reflex spools them (issue 11, item 2) and uploaded files are for
members only (item 8).

Oversized bodies are streamed from a generator to the running production app (declared length and
chunked); the app's processes' memory and the temporary files they hold must stay flat.
"""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from reflex_base.utils.format import format_event_handler
from sqlmodel import Session

from mentoring_app.services.accounts import auth
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.state.admin_library import AdminLibraryState
from mentoring_app.state.profile import ProfileState
from mentoring_app.web.cookies import SESSION_COOKIE
from tests.harness import RunningApp
from tests.security.upload_probe import MB, Peak, app_pids, post_upload

PASSWORD = "violet-harbour-lantern-42"
VIDEO = format_event_handler(AdminLibraryState.upload_video)
PHOTO = format_event_handler(ProfileState.upload_photo)
FLAT = 30 * MB


def _session_cookie(app: RunningApp, email: str, *, admin: bool = False) -> str:
    with Session(app.engine, expire_on_commit=False) as db:
        if admin:
            user = admin_service.create_admin(db, email=email, password=PASSWORD, name="Ada Admin")[0]
        else:
            user = auth.register(db, name="Mo Member", email=email, password=PASSWORD, role="mentee")
        key = auth.open_session(db, user_id=user.id)
    return f"{SESSION_COOKIE}={key}"


def _port(app: RunningApp) -> int:
    port = urlsplit(app.base_url).port
    assert port
    return port


def _assert_flat(peak: Peak, baseline_spool: int, limit: int = FLAT) -> None:
    assert peak.rss_growth < limit, f"memory grew by {peak.rss_growth / MB:.0f} MB"
    spooled = peak.spool_peak - baseline_spool
    assert spooled < limit, f"{spooled / MB:.0f} MB spooled to temporary files"


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_anonymous_oversized_upload_is_refused_before_spooling(app: RunningApp, declare_length: bool) -> None:
    pids = app_pids(_port(app))
    assert pids, "the app's processes were not found"
    baseline = Peak(pids)
    with baseline:
        pass
    with Peak(pids) as peak:
        result = post_upload(app.base_url, handler=VIDEO, size=300 * MB, declare_length=declare_length)
    assert result.status in (401, 413, None), result
    _assert_flat(peak, baseline.spool_peak)


def test_member_oversized_uploads_are_refused_before_spooling(app: RunningApp, unique_email) -> None:
    cookie = _session_cookie(app, unique_email("bulky"))
    pids = app_pids(_port(app))
    baseline = Peak(pids)
    with baseline:
        pass
    with Peak(pids) as peak:
        declared = post_upload(app.base_url, handler=PHOTO, size=200 * MB, cookie=cookie)
        streamed = post_upload(
            app.base_url, handler=PHOTO, size=250 * MB, cookie=cookie, declare_length=False
        )
        as_video = post_upload(app.base_url, handler=VIDEO, size=150 * MB, cookie=cookie)
    assert declared.status in (413, None), declared
    assert streamed.status in (413, None), streamed
    assert as_video.status in (403, 413, None), as_video
    _assert_flat(peak, baseline.spool_peak)
    # Refusals name the reason when the client is still there to read it.
    small_video = post_upload(app.base_url, handler=VIDEO, size=1024, cookie=cookie)
    assert small_video.status == 403
    too_big = post_upload(app.base_url, handler=PHOTO, size=6 * MB, cookie=cookie)
    assert too_big.status in (413, None)


def test_admin_video_streamed_past_the_cap_is_cut_at_the_cap(app: RunningApp, unique_email) -> None:
    cookie = _session_cookie(app, unique_email("boss"), admin=True)
    pids = app_pids(_port(app))
    baseline = Peak(pids)
    with baseline:
        pass
    with Peak(pids) as peak:
        result = post_upload(app.base_url, handler=VIDEO, size=180 * MB, cookie=cookie, declare_length=False)
    assert result.status in (413, None), result
    # At most the video cap (100 MB) reaches a temporary file, and none of it stays in memory.
    _assert_flat(peak, baseline.spool_peak, limit=100 * MB + FLAT)
    assert peak.rss_growth < FLAT


def _get(app: RunningApp, path: str, cookie: str = "") -> http.client.HTTPResponse:
    parts = urlsplit(app.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_uploaded_photos_are_served_to_members_only(app: RunningApp, unique_email) -> None:
    folder = Path(app.env["REFLEX_UPLOADED_FILES_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "photo-members-only.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    anonymous = _get(app, "/_upload/photo-members-only.jpg")
    assert anonymous.status in (403, 404)
    forged = _get(app, "/_upload/photo-members-only.jpg", cookie=f"{SESSION_COOKIE}=made-up-key")
    assert forged.status in (403, 404)
    member = _get(app, "/_upload/photo-members-only.jpg", cookie=_session_cookie(app, unique_email("viewer")))
    assert member.status == 200
