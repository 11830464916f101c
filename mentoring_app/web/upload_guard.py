"""The gate in front of Reflex's upload endpoint and uploaded files (``/_upload``).

Reflex parses a whole multipart body into temporary files before any handler runs, with no size
limit, and serves ``/_upload/<name>`` to anyone. So before Reflex sees a byte this middleware:

- refuses uploads without a valid log-in session (401), and admin-only uploads from non-admins
  (403), resolving the session cookie in a worker thread;
- refuses a declared ``Content-Length`` over the handler's cap (413) and counts the body as it
  streams in, cutting it off with 413 at the cap (chunked or lying clients);
- answers 404 to anonymous reads of uploaded files (members' photos are for members only);
- makes a photo's thumbnail on the first member's request for it, when the photo was stored
  before thumbnails existed (mentoring_app/storage.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mentoring_app import storage
from mentoring_app.web import session_cookie

UPLOAD_PATH = "/_upload"
# Room for the multipart framing around the file (boundaries, part headers, a small args field).
MULTIPART_OVERHEAD = 64 * 1024
READER_CACHE_SECONDS = 10.0
READER_CACHE_SIZE = 10_000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadRule:
    """What one upload handler accepts: at most ``max_bytes`` of file, from admins only or not."""

    max_bytes: int
    admin_only: bool = False

    @property
    def body_limit(self) -> int:
        return self.max_bytes + MULTIPART_OVERHEAD


@dataclass(frozen=True)
class Visitor:
    """Who sent a request, as far as the gate needs to know (never the user row itself)."""

    is_admin: bool


# Given a session key, the active member behind it (None when unknown, expired or deactivated).
Resolver = Callable[[str], "Visitor | None"]


def session_key(scope: Scope) -> str:
    """The log-in session key from the request's cookies ("" when there is none)."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and (key := session_cookie.read_key(value.decode("latin-1"))):
            return key
    return ""


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value.decode("latin-1")
    return None


def _as_length(declared: str) -> int:
    """A Content-Length as a number; anything malformed counts as too large."""
    if declared.isascii() and declared.isdigit() and len(declared) <= 15:
        return int(declared)
    return 2**63


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class UploadGuard:
    """ASGI middleware: see the module docstring. ``rules`` maps the upload handler's name (the
    ``Reflex-Event-Handler`` header) to its rule; unknown names get ``default`` (Reflex refuses them
    anyway, but only after this gate)."""

    def __init__(
        self, app: ASGIApp, *, rules: Mapping[str, UploadRule], default: UploadRule, resolve: Resolver
    ) -> None:
        self.app = app
        self.rules = dict(rules)
        self.default = default
        self.resolve = resolve
        self._readers: dict[str, tuple[Visitor, float]] = {}

    async def _visitor(self, scope: Scope) -> Visitor | None:
        key = session_key(scope)
        if not key:
            return None
        try:
            return await asyncio.to_thread(self.resolve, key)
        except Exception:  # a database hiccup must not open the gate
            log.exception("Could not resolve a session at the upload gate")
            return None

    async def _reader(self, scope: Scope) -> Visitor | None:
        """The visitor for reading uploaded files, remembered for a few seconds per session: a
        page of 20 photos then costs one session lookup, not 20. Uploads always look up afresh."""
        key = session_key(scope)
        now = time.monotonic()
        remembered = self._readers.get(key)
        if remembered and remembered[1] > now:
            return remembered[0]
        visitor = await self._visitor(scope)
        if len(self._readers) > READER_CACHE_SIZE:
            self._readers.clear()
        if visitor is not None:
            self._readers[key] = (visitor, now + READER_CACHE_SECONDS)
        return visitor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path == UPLOAD_PATH and scope.get("method") == "POST":
            await self._upload(scope, receive, send)
            return
        if path.startswith(UPLOAD_PATH + "/"):
            if await self._reader(scope) is None:
                await _refuse(send, 404, "Not Found")
                return
            photo = storage.photo_of_thumb(path.removeprefix(UPLOAD_PATH + "/"))
            if photo is not None:  # the file checks off the event loop (a shared folder may be slow)
                await asyncio.to_thread(storage.ensure_thumbnail, photo)
        await self.app(scope, receive, send)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self.rules.get(_header(scope, b"reflex-event-handler") or "", self.default)
        declared = _header(scope, b"content-length")
        if declared is not None and _as_length(declared) > rule.body_limit:
            await _refuse(send, 413, "That file is too large.")
            return
        visitor = await self._visitor(scope)
        if visitor is None:
            await _refuse(send, 401, "Log in to upload files.")
            return
        if rule.admin_only and not visitor.is_admin:
            await _refuse(send, 403, "Only admins can upload this.")
            return
        await self._counted(scope, receive, send, rule.body_limit)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass the body through while counting it; past ``limit`` tell Reflex the client left
        (so it drops what it spooled) and answer 413 in its place."""
        received = 0
        over = False
        answered = False

        async def counting_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if over and not answered:
                return  # Reflex's answer to the "disconnect" is replaced by ours below
            answered = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)
        if over and not answered:
            await _refuse(send, 413, "That file is too large.")


def upload_guard(
    *, rules: Mapping[str, UploadRule], default: UploadRule, resolve: Resolver
) -> Callable[[ASGIApp], ASGIApp]:
    """The transformer ``rx.App(api_transformer=...)`` applies to the backend's ASGI app."""

    def wrap(app: ASGIApp) -> ASGIApp:
        return UploadGuard(app, rules=rules, default=default, resolve=resolve)

    return wrap


def resolve_visitor(key: str) -> Visitor | None:
    """Resolve a session key with the app's database (runs in a worker thread)."""
    from mentoring_app.db import session_scope
    from mentoring_app.services.accounts import auth

    with session_scope() as session:
        user = auth.resolve_session(session, key)
        return Visitor(is_admin=bool(user.is_admin)) if user is not None else None


__all__ = ["UploadGuard", "UploadRule", "Visitor", "resolve_visitor", "session_key", "upload_guard"]
