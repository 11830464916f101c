"""Page URLs with an id past any real range (``/members/<5000 digits>``) are served as id 0.

Past about 4,000 characters the static frontend's file lookup fails (the name is too long for the
file system) and answers a bare "Not Found" instead of the page; a digits-only path segment longer
than any 64-bit id is therefore replaced by ``0`` before it is served. The page then loads, reads
its id from the browser's address (which still holds the long one), finds it out of range
(state/payload.py) and shows the same "not found" as for any unknown id.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from mentoring_app.state.payload import MAX_ID

_MAX_DIGITS = len(str(MAX_ID))


def _clamped(path: str) -> str:
    segments = path.split("/")
    changed = ["0" if len(s) > _MAX_DIGITS and s.isascii() and s.isdigit() else s for s in segments]
    return "/".join(changed)


class ClampRouteIds:
    """ASGI middleware: see the module docstring (GET and HEAD only; API routes are untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            path = scope.get("path", "")
            clamped = _clamped(path)
            if clamped != path:
                scope = {**scope, "path": clamped, "raw_path": clamped.encode()}
        await self.app(scope, receive, send)


def clamp_route_ids() -> Callable[[ASGIApp], ASGIApp]:
    """The transformer ``rx.App(api_transformer=...)`` applies to the backend's ASGI app."""
    return ClampRouteIds
