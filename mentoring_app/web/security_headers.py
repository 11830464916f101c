"""Security headers on the HTTP responses the backend sends (pages, assets, uploads, API routes).

Every response carries every header. Pages, and anything a browser could render as a document,
get the page policy below. Scripts, stylesheets, fonts, raster images and media get the strictest
policy there is instead, ``default-src 'none'; frame-ancestors 'none'`` (opened on its own, nothing
in them may load, run or be framed): the page policy, with its script hashes, is about 2.6 KB, and
sent with each of a page's twenty or so scripts over HTTP/1.1 it was more bytes than React's own
code on a phone's first visit.

Reflex pre-renders each page to a static HTML file with a few fixed inline scripts (React Router's
context and streaming, React's reveal helpers, the theme switch), and our head script is inserted
at run time. A nonce cannot be put into static files, so the policy allows exactly those scripts by
their SHA-256 hashes, read once from the build, and no other inline script or inline handler.

Two relaxations the built frontend needs: ``'unsafe-eval'``, because Reflex's client runs
``_call_script`` / ``_call_function`` events with ``eval`` (reflex_base/.templates/web/utils/state.js,
``applyEvent``), and every server-sent ``rx.toast`` and ``rx.call_script`` is such an event; and
``style-src 'unsafe-inline'``, because Emotion and Radix set style attributes and ``<style>``
elements at run time.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
# Content types that are never a document, whatever the URL: these get SUBRESOURCE_POLICY.
# SVG (it can hold scripts), HTML, XML, JSON and anything unknown get the page policy.
SUBRESOURCE_TYPES = re.compile(
    rb"(text/javascript|application/javascript|text/css|font/|image/(?!svg)|video/|audio/)", re.I
)
SUBRESOURCE_POLICY = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=(), fullscreen=(self)"
)


def script_hash(source: str | bytes) -> str:
    """The CSP source expression allowing exactly this inline script."""
    data = source.encode() if isinstance(source, str) else source
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode() + "'"


def inline_script_hashes(static_dir: Path) -> set[str]:
    """Hashes of every inline script in the built HTML pages (empty before a build)."""
    found: set[str] = set()
    if static_dir.is_dir():
        for page in static_dir.rglob("*.html"):
            found.update(script_hash(m.group(1)) for m in INLINE_SCRIPT.finditer(page.read_bytes()))
    return found


def content_security_policy(app_url: str, script_hashes: Iterable[str]) -> str:
    """The policy: our own origin only, scripts by hash, no framing, no plugins."""
    parts = urlsplit(app_url)
    socket_origin = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", "'unsafe-eval'", *sorted(script_hashes)]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "media-src": "'self'",
        "connect-src": f"'self' {socket_origin}",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-src": "'none'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response (replacing any same-named)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        app_url: str,
        static_dir: Callable[[], Path],
        extra_scripts: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.app_url = app_url
        self.static_dir = static_dir
        self.extra_scripts = tuple(extra_scripts)

    @cached_property
    def headers(self) -> list[tuple[bytes, bytes]]:
        """Computed at the first request: by then Reflex has finished the production build."""
        hashes = inline_script_hashes(self.static_dir()) | {script_hash(s) for s in self.extra_scripts}
        values = {
            "content-security-policy": content_security_policy(self.app_url, hashes),
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "same-origin",
            "permissions-policy": PERMISSIONS_POLICY,
            "cross-origin-opener-policy": "same-origin",
        }
        if self.app_url.startswith("https://"):
            values["strict-transport-security"] = "max-age=31536000; includeSubDomains"
        return [(name.encode(), value.encode()) for name, value in values.items()]

    @cached_property
    def subresource_headers(self) -> list[tuple[bytes, bytes]]:
        policy = (b"content-security-policy", SUBRESOURCE_POLICY.encode())
        return [policy if name == policy[0] else (name, value) for name, value in self.headers]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in self.headers}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kind = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                ours = self.subresource_headers if SUBRESOURCE_TYPES.match(kind) else self.headers
                kept = [(n, v) for n, v in headers if n.lower() not in names]
                message = {**message, "headers": kept + ours}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(
    *, app_url: str, static_dir: Callable[[], Path], extra_scripts: Iterable[str] = ()
) -> Callable[[ASGIApp], ASGIApp]:
    """The transformer ``rx.App(api_transformer=...)`` applies to the backend's ASGI app."""

    def wrap(app: ASGIApp) -> ASGIApp:
        return SecurityHeaders(app, app_url=app_url, static_dir=static_dir, extra_scripts=extra_scripts)

    return wrap


def built_frontend_dir() -> Path:
    """Where Reflex's production build puts the static frontend it serves."""
    from reflex.utils import prerequisites
    from reflex_base import constants

    return (prerequisites.get_web_dir() / constants.Dirs.STATIC).resolve()
