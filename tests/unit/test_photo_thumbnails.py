"""Photo thumbnails: lists load faces of a few kilobytes, not the 800-pixel photo (storage.py),
and a photo stored before thumbnails existed gets one on its first request (web/upload_guard.py)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from mentoring_app import storage
from mentoring_app.web.cookies import SESSION_COOKIE
from mentoring_app.web.upload_guard import UploadGuard, UploadRule, Visitor
from tests.unit.test_http_guard import _on_own_loop


@pytest.fixture
def uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(folder))
    return folder


def _picture(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (180, 90, 40)).save(out, format="PNG")
    return out.getvalue()


def test_a_stored_photo_comes_with_a_small_thumbnail(uploads: Path) -> None:
    name = storage.store_photo(_picture(1600, 1200))
    with Image.open(uploads / name) as photo, Image.open(uploads / storage.thumb_name(name)) as thumb:
        assert photo.size == (800, 600)
        assert thumb.format == "JPEG" and thumb.size == (160, 120)
    assert (uploads / storage.thumb_name(name)).stat().st_size < (uploads / name).stat().st_size
    assert storage.thumb_url(name).endswith(f"/_upload/{name.removesuffix('.jpg')}.thumb.jpg")
    assert storage.thumb_url(None) == "" and storage.thumb_url("") == ""
    assert not list(uploads.glob("*.part"))  # written under a temporary name, then renamed
    storage.delete_photo(name)
    assert not (uploads / name).exists() and not (uploads / storage.thumb_name(name)).exists()


def test_an_older_photo_gets_its_thumbnail_when_first_asked_for(uploads: Path) -> None:
    name = storage.store_photo(_picture(900, 900))
    (uploads / storage.thumb_name(name)).unlink()  # as stored before thumbnails existed
    assert not storage.has_thumbnail(name)
    assert storage.ensure_thumbnail(name) is True
    with Image.open(uploads / storage.thumb_name(name)) as thumb:
        assert thumb.size == (160, 160)
    assert storage.ensure_thumbnail(name) is True  # there already: nothing to do


def test_thumbnail_names_are_ours_only(uploads: Path) -> None:
    uploads.mkdir(parents=True)
    (uploads / "photo-broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    assert storage.ensure_thumbnail("photo-broken.jpg") is False  # unreadable: nothing made
    assert storage.ensure_thumbnail("photo-missing.jpg") is False
    for odd in ("../photo-x.jpg", "photo-x.png", "video-x.jpg", "photo-x.thumb.jpg", "photo-a/b.jpg"):
        assert storage.ensure_thumbnail(odd) is False
    assert storage.photo_of_thumb("photo-abc_-9.thumb.jpg") == "photo-abc_-9.jpg"
    for odd in ("photo-abc.jpg", "../photo-abc.thumb.jpg", "photo-a.b.thumb.jpg", "x.thumb.jpg"):
        assert storage.photo_of_thumb(odd) is None
    assert sorted(p.name for p in uploads.iterdir()) == ["photo-broken.jpg"]


async def _get(guard: UploadGuard, path: str, cookie: str = "") -> int:
    sent: list[dict[str, Any]] = []
    headers = [(b"cookie", cookie.encode())] if cookie else []
    scope = {"type": "http", "method": "GET", "path": path, "headers": headers}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await guard(scope, receive, send)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def test_the_upload_gate_makes_a_missing_thumbnail_for_members_only(uploads: Path) -> None:
    name = storage.store_photo(_picture(800, 800))
    thumb = uploads / storage.thumb_name(name)
    thumb.unlink()

    async def files(scope: dict, receive: Any, send: Any) -> None:  # Reflex's static files, in short
        found = (uploads / scope["path"].removeprefix("/_upload/")).exists()
        await send({"type": "http.response.start", "status": 200 if found else 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    guard = UploadGuard(
        files, rules={}, default=UploadRule(1000), resolve={"member-key": Visitor(is_admin=False)}.get
    )
    path = f"/_upload/{thumb.name}"

    assert _on_own_loop(_get(guard, path)) == 404 and not thumb.exists()  # nobody's session: nothing made
    assert _on_own_loop(_get(guard, path, f"{SESSION_COOKIE}=member-key")) == 200 and thumb.exists()
    assert _on_own_loop(_get(guard, "/_upload/photo-nobody.thumb.jpg", f"{SESSION_COOKIE}=member-key")) == 404
