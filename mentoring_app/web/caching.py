"""Cache-Control on what the backend serves: hashed build assets are cached for a year, the rest
revalidates.

The production build names every JavaScript and CSS file under ``/assets/`` after a hash of its
content (``entry.client-BfeRvdMD.js``): a new build makes new names, so a browser may keep these
for a year without asking again (``immutable``: not even on reload). Pages and un-hashed files
(``/login/``, ``/favicon.ico``, ``/print.css``) keep their names across builds, so they must
revalidate (``no-cache``: the browser may store them but asks with the ETag first, a 304 when
unchanged); otherwise a new build's pages could meet an old page that points at assets the new
build no longer has. Uploaded photos are members-only, so no shared cache may keep them
(``private``). A response that already says how to cache it (the session routes' ``no-store``)
keeps its own header. Errors are never cached for long: a 404 for a hashed name that does not
exist yet must not stick.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
PRIVATE_REVALIDATE = b"private, no-cache"
# Vite's output: /assets/<name>-<8-character content hash>.<ext> (the hash may hold - and _).
HASHED_ASSET = re.compile(r"^/assets/[^/]+-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")
UPLOADS_PREFIX = "/_upload/"
CACHEABLE_STATUSES = (200, 304)


def cache_policy(path: str, status: int) -> bytes:
    """The Cache-Control value for a response to GET ``path`` with ``status``."""
    if HASHED_ASSET.match(path) and status in CACHEABLE_STATUSES:
        return IMMUTABLE
    if path.startswith(UPLOADS_PREFIX):
        return PRIVATE_REVALIDATE
    return REVALIDATE


class CacheControl:
    """ASGI middleware: sets Cache-Control on GET/HEAD responses by :func:`cache_policy`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                policy = cache_policy(path, message["status"])
                has_own = any(name.lower() == b"cache-control" for name, _ in headers)
                if policy == IMMUTABLE or not has_own:
                    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                    message = {**message, "headers": [*headers, (b"cache-control", policy)]}
            await send(message)

        await self.app(scope, receive, send_with_policy)


def cache_control() -> Callable[[ASGIApp], ASGIApp]:
    """The transformer ``rx.App(api_transformer=...)`` applies to the backend's ASGI app."""
    return CacheControl
