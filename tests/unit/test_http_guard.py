"""The HTTP guards in front of Reflex (web/), the ?next= check and id parsing, without a server."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import UploadFile

from mentoring_app import routes
from mentoring_app.mentoring_app import TIME_ZONE_SCRIPT
from mentoring_app.state.payload import MAX_ID, as_id, id_from_path
from mentoring_app.state.uploads import CHUNK_BYTES, read_capped
from mentoring_app.web.cookies import SESSION_COOKIE
from mentoring_app.web.route_ids import ClampRouteIds
from mentoring_app.web.security_headers import SecurityHeaders, inline_script_hashes, script_hash
from mentoring_app.web.upload_guard import MULTIPART_OVERHEAD, UploadGuard, UploadRule, Visitor


def _on_own_loop(coroutine: Any) -> Any:
    """Run a coroutine on a loop of its own in a thread: the browser suites' Playwright keeps an
    event loop running in the main thread when they run first in the same process."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


HOSTILE_NEXT = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/\t/evil.example",
    "\t//evil.example",
    "/\r\n/evil.example",
    "/%0d%0a" + "\r",
    "/home\x00",
    "/home\x7f",
    "/home\u2028",
    "/\u200b/evil.example",
    " /home",
    "/login",
    "/login/",
    "/register?next=/x",
    "/" + "a" * 5000,
]


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
def test_next_refuses_anything_but_one_local_path(hostile: str) -> None:
    assert routes.safe_next(hostile) == routes.HOME


@pytest.mark.parametrize("fine", ["/account", "/find-mentor?region=1,2&page=2", "/relationships/7", "/%0d"])
def test_next_keeps_local_paths(fine: str) -> None:
    assert routes.safe_next(fine) == fine  # "/%0d" stays a path on this site, never a header


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        (7, 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), 0),
        (MAX_ID + 1, 0),
        ("9" * 5000, 0),
        ("9" * 20, 0),
        ("²", 0),
        ("١٢", 0),
        ("-1", 0),
        (" 7", 0),
        ("", 0),
        (True, 0),
        (None, 0),
    ],
)
def test_ids_beyond_the_64_bit_range_match_nothing(raw: object, expected: int) -> None:
    assert as_id(raw) == expected


def test_id_from_path() -> None:
    assert id_from_path("/relationships/12/") == 12
    assert id_from_path("/members/" + "9" * 5000) == 0
    assert id_from_path("/messages/abc") == 0


# ASGI plumbing for the middleware tests.


def _run(app: Any, scope: dict[str, Any], body_chunks: list[bytes]) -> tuple[list[dict], list[str]]:
    sent: list[dict] = []
    received: list[str] = []
    chunks = list(body_chunks)

    async def receive() -> dict:
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    async def go() -> None:
        await app(scope, receive, send)

    _on_own_loop(go())
    return sent, received


class ReadingApp:
    """Stands in for Reflex: reads the whole body, then answers 200 (or what it saw)."""

    def __init__(self) -> None:
        self.calls = 0
        self.bytes_read = 0
        self.saw_disconnect = False

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        self.calls += 1
        if scope["method"] == "POST":
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    self.saw_disconnect = True
                    break
                self.bytes_read += len(message.get("body", b""))
                if not message.get("more_body"):
                    break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


SESSIONS = {"member-key": Visitor(is_admin=False), "admin-key": Visitor(is_admin=True)}
RULES = {"photo": UploadRule(1000), "video": UploadRule(5000, admin_only=True)}


def _guard(inner: ReadingApp) -> UploadGuard:
    return UploadGuard(inner, rules=RULES, default=UploadRule(5000), resolve=SESSIONS.get)


def _scope(path: str = "/_upload", method: str = "POST", **headers: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


def _status(sent: list[dict]) -> int:
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def test_anonymous_upload_is_refused_before_a_byte_is_read() -> None:
    inner = ReadingApp()
    sent, _ = _run(_guard(inner), _scope(reflex_event_handler="photo"), [b"x" * 10])
    assert _status(sent) == 401 and inner.calls == 0
    forged = _scope(reflex_event_handler="photo", cookie=f"{SESSION_COOKIE}=made-up")
    sent, _ = _run(_guard(inner), forged, [b"x" * 10])
    assert _status(sent) == 401 and inner.calls == 0


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    inner = ReadingApp()
    scope = _scope(
        reflex_event_handler="photo",
        cookie=f"other=1; {SESSION_COOKIE}=member-key",
        content_length=str(1000 + MULTIPART_OVERHEAD + 1),
    )
    sent, _ = _run(_guard(inner), scope, [b"x"])
    assert _status(sent) == 413 and inner.calls == 0
    for odd in ("12abc", "²", "9" * 40):
        cookie = f"{SESSION_COOKIE}=member-key"
        scope = _scope(reflex_event_handler="photo", cookie=cookie, content_length=odd)
        sent, _ = _run(_guard(inner), scope, [b"x"])
        assert _status(sent) == 413


def test_admin_only_upload_from_a_member_is_refused() -> None:
    inner = ReadingApp()
    scope = _scope(reflex_event_handler="video", cookie=f"{SESSION_COOKIE}=member-key")
    sent, _ = _run(_guard(inner), scope, [b"x"])
    assert _status(sent) == 403 and inner.calls == 0


def test_streamed_body_is_cut_off_at_the_cap() -> None:
    inner = ReadingApp()
    scope = _scope(reflex_event_handler="photo", cookie=f"{SESSION_COOKIE}=member-key")
    chunk = b"x" * 16 * 1024
    sent, _ = _run(_guard(inner), scope, [chunk] * 100)  # 1.6 MB, no Content-Length
    assert _status(sent) == 413
    assert inner.saw_disconnect and inner.bytes_read <= 1000 + MULTIPART_OVERHEAD
    assert [m for m in sent if m["type"] == "http.response.start"] == sent[:1]  # Reflex's answer dropped


def test_upload_within_the_cap_reaches_reflex() -> None:
    inner = ReadingApp()
    scope = _scope(reflex_event_handler="video", cookie=f"{SESSION_COOKIE}=admin-key", content_length="3000")
    sent, _ = _run(_guard(inner), scope, [b"x" * 1500, b"x" * 1500])
    assert _status(sent) == 200 and inner.bytes_read == 3000


def test_uploaded_files_are_for_members_only() -> None:
    inner = ReadingApp()
    sent, _ = _run(_guard(inner), _scope("/_upload/photo-a.jpg", "GET"), [])
    assert _status(sent) == 404 and inner.calls == 0
    member = _scope("/_upload/photo-a.jpg", "GET", cookie=f"{SESSION_COOKIE}=member-key")
    sent, _ = _run(_guard(inner), member, [])
    assert _status(sent) == 200
    sent, _ = _run(_guard(inner), _scope("/login", "GET"), [])  # pages are not gated here
    assert _status(sent) == 200


def test_long_id_segments_are_served_as_id_zero() -> None:
    seen: list[str] = []

    async def inner(scope: dict, receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    _run(ClampRouteIds(inner), _scope("/members/" + "9" * 5000, "GET"), [])
    _run(ClampRouteIds(inner), _scope("/relationships/12", "GET"), [])
    assert seen == ["/members/0", "/relationships/12"]


def _headers(
    app_url: str, static_dir: Path, content_type: str = "text/html; charset=utf-8"
) -> dict[str, str]:
    async def inner(scope: dict, receive: Any, send: Any) -> None:
        old = [(b"x-content-type-options", b"x"), (b"content-type", content_type.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": old})
        await send({"type": "http.response.body", "body": b""})

    guard = SecurityHeaders(
        inner, app_url=app_url, static_dir=lambda: static_dir, extra_scripts=[TIME_ZONE_SCRIPT]
    )
    sent, _ = _run(guard, _scope("/", "GET"), [])
    return {k.decode(): v.decode() for k, v in sent[0]["headers"]}


def test_security_headers_allow_only_the_built_inline_scripts(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '<html><script>window.a=1</script><script type="module" src="/x.js"></script></html>'
    )
    headers = _headers("http://localhost:3000", tmp_path)
    policy = headers["content-security-policy"]
    assert script_hash("window.a=1") in policy and script_hash(TIME_ZONE_SCRIPT) in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy and "connect-src 'self' ws://localhost:3000" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers
    assert inline_script_hashes(tmp_path) == {script_hash("window.a=1")}


def test_scripts_styles_and_pictures_carry_the_strictest_policy_instead_of_the_pages(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<html><script>window.a=1</script></html>")
    for kind in ("text/javascript; charset=utf-8", "text/css", "image/jpeg", "font/woff2", "video/webm"):
        headers = _headers("https://mentoring.example", tmp_path, kind)
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'", kind
        assert headers["x-content-type-options"] == "nosniff", kind
        assert headers["referrer-policy"] == "same-origin", kind
        assert headers["x-frame-options"] == "DENY" and "camera=()" in headers["permissions-policy"], kind
        assert headers["strict-transport-security"].startswith("max-age="), kind
    # Whatever a browser could show as a document gets the page policy.
    for kind in ("text/html", "image/svg+xml", "application/json", "text/plain", ""):
        policy = _headers("https://mentoring.example", tmp_path, kind)["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and script_hash("window.a=1") in policy, kind


def test_hsts_only_over_https(tmp_path: Path) -> None:
    headers = _headers("https://mentoring.example", tmp_path)
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "wss://mentoring.example" in headers["content-security-policy"]


def test_read_capped_stops_one_chunk_past_the_cap() -> None:
    class CountingFile(io.BytesIO):
        read_total = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            CountingFile.read_total += len(data)
            return data

    small = UploadFile(io.BytesIO(b"abc"))
    assert _on_own_loop(read_capped(small, 3)) == b"abc"
    big = CountingFile(b"x" * (10 * CHUNK_BYTES))
    assert _on_own_loop(read_capped(UploadFile(big), CHUNK_BYTES + 1)) is None
    assert CountingFile.read_total <= 2 * CHUNK_BYTES
    declared = UploadFile(io.BytesIO(b"x" * 10), size=10)
    assert _on_own_loop(read_capped(declared, 5)) is None
