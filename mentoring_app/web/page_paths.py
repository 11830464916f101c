"""``/login`` is served as the page itself, not as a redirect to ``/login/``.

Reflex prerenders each page to ``<route>/index.html`` and serves the build with Starlette's
``StaticFiles(html=True)``, which answers a path naming a folder without its trailing slash with a
307 to the slashed path (starlette/staticfiles.py, ``get_response``). Every link in the app and
every address people type is slashless, so each first visit paid one more round trip before the
first byte of the page (Lighthouse: about 600 ms on its mobile profile). The prerendered pages use
absolute URLs only, so the same file is correct at either address; this middleware serves it
directly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

INDEX = "index.html"


def page_folders(static_dir: Path) -> frozenset[str]:
    """URL paths (``/login``, ``/admin/members``) with a prerendered ``index.html``."""
    if not static_dir.is_dir():
        return frozenset()
    return frozenset(
        "/" + index.parent.relative_to(static_dir).as_posix()
        for index in static_dir.rglob(INDEX)
        if index.parent != static_dir
    )


class SlashlessPages:
    """ASGI middleware: GET/HEAD ``/<page>`` is served as ``/<page>/`` without a redirect."""

    def __init__(self, app: ASGIApp, *, static_dir: Callable[[], Path]) -> None:
        self.app = app
        self.static_dir = static_dir

    @cached_property
    def pages(self) -> frozenset[str]:
        """Read at the first request: by then Reflex has finished the production build."""
        return page_folders(self.static_dir())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            path = scope.get("path", "")
            if path in self.pages:
                scope = {**scope, "path": path + "/", "raw_path": (path + "/").encode()}
        await self.app(scope, receive, send)


def slashless_pages(*, static_dir: Callable[[], Path]) -> Callable[[ASGIApp], ASGIApp]:
    """The transformer ``rx.App(api_transformer=...)`` applies to the backend's ASGI app."""

    def wrap(app: ASGIApp) -> ASGIApp:
        return SlashlessPages(app, static_dir=static_dir)

    return wrap
