"""Page views are written in batches: one worker-thread trip and one database session every
second or so, instead of one of each per page view (DESIGN.md, "visit writes batched").

A page view waits at most ``FLUSH_SECONDS`` in memory; views still waiting when the process
stops are lost, which only makes the visit counts a little low.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from mentoring_app.db import session_scope
from mentoring_app.models.types import utcnow
from mentoring_app.services.staff import visit_batches
from mentoring_app.state.db_calls import in_db_thread

FLUSH_SECONDS = 1.0
MAX_WAITING = 10_000  # beyond this (a database down for long), new views are dropped

_waiting: list[tuple[str, int | None, str, datetime]] = []
_flusher: asyncio.Task[None] | None = None


def count(browser_id: str, user_id: int | None, path: str) -> None:
    """Queue one page view (called on the event loop; never waits)."""
    global _flusher
    if len(_waiting) < MAX_WAITING:
        _waiting.append((browser_id, user_id, path, utcnow()))
    if _flusher is None or _flusher.done():
        _flusher = asyncio.get_running_loop().create_task(_flush_soon())


def _write(batch: list[tuple[str, int | None, str, datetime]]) -> None:
    with session_scope() as session:
        visit_batches.record_page_views(session, batch)


async def _flush_soon() -> None:
    await asyncio.sleep(FLUSH_SECONDS)
    while _waiting:
        batch = _waiting[:]
        del _waiting[: len(batch)]
        try:
            await in_db_thread(_write, batch)
        except Exception:  # counting visits must never disturb a page
            logging.getLogger(__name__).exception("Could not record %d page views", len(batch))
