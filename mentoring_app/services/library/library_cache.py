"""The guides and videos in use, kept per process: every dashboard section shows its stage's shelf,
and the library changes only when an admin edits it (or the built-in guides are synced).

A change committed in this process forgets the cached copy at once (the flush that writes a Guide
or a Video marks its transaction); another worker's change shows here within ``CACHE_SECONDS``,
as for the matching vocabulary (services/discovery/vocabulary.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlmodel import Session

from mentoring_app.models import Guide, Video

T = TypeVar("T")

CACHE_SECONDS = 30.0
_CHANGED = "library_changed"  # Session.info key: this transaction wrote a guide or a video
_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop the cached library (the next read goes to the database)."""
    with _lock:
        _cache.clear()


def cached(session: Session, load: Callable[[Session], T]) -> T:
    """``load(session)``'s answer for this database, read at most every CACHE_SECONDS."""
    key = session.get_bind().url.render_as_string(hide_password=True)
    now = time.monotonic()
    with _lock:
        found = _cache.get(key)
    if found is not None and now - found[0] < CACHE_SECONDS:
        return found[1]  # type: ignore[no-any-return]
    value = load(session)
    with _lock:
        _cache[key] = (now, value)
    return value


@event.listens_for(Session, "after_flush")
def _note_library_writes(session: Session, _context: object) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, Guide | Video) for row in touched):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_after_library_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        forget()


@event.listens_for(Session, "after_soft_rollback")
def _nothing_changed(session: Session, _previous: object) -> None:
    if not session.in_transaction():
        session.info.pop(_CHANGED, None)
