"""Running service calls off the event loop: each call gets its own session in a database thread.

The calls run on a small pool of their own (``DB_THREADS``, default 2), not asyncio's default of
up to 32 threads: only one thread runs Python at a time, so each extra runnable thread only adds
switching and cache misses. Measured with 50 busy members (benchmarks/load.py): asyncio's six
threads made each action cost 27 ms of server CPU and p95 643 ms; two threads, 18.6 ms and 196 ms.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from reflex_base.event.context import EventContext

from mentoring_app import live
from mentoring_app.db import read_scope, session_scope
from mentoring_app.models import User
from mentoring_app.services.accounts import auth
from mentoring_app.services.errors import ServiceError
from mentoring_app.settings import get_settings

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """This process's database threads (made on first use, again in a forked worker)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(get_settings().db_threads, thread_name_prefix="db")
            _pool_pid = os.getpid()
        return _pool


def _event_tab() -> str:
    """The client token of the tab whose Reflex event is running here ("" outside an event)."""
    try:
        return EventContext.get().token
    except LookupError:
        return ""


async def in_db_thread(fn: Callable[..., T], /, *args: Any) -> T:
    """``fn(*args)`` on a database thread, with the caller's context (as asyncio.to_thread), and
    the running event's tab as the origin of any change it publishes (mentoring_app/live/bus.py)."""
    context = contextvars.copy_context()
    context.run(live.ORIGIN.set, _event_tab())
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), functools.partial(context.run, fn, *args))


def _run(fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    with session_scope() as session:
        return fn(session, **kwargs)


async def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Call ``fn(session, **kwargs)`` on a database thread (bcrypt and queries never block the loop)."""
    return await in_db_thread(_run, fn, kwargs)


def _run_as_member(
    key: str, fn: Callable[..., T], kwargs: dict[str, Any], reads_only: bool = False
) -> tuple[User | None, T | ServiceError | None]:
    with read_scope() if reads_only else session_scope() as session:
        user = auth.resolve_session(session, key) if key else None
        if user is None:
            return None, None
        # The member as resolved stays readable whatever the work does with the session (a
        # refusal's rollback, or a change that commits and reads back, expires what it holds).
        session.expunge(user)
        try:
            return user, fn(session, user, **kwargs)
        except ServiceError as refusal:
            session.rollback()
            return user, refusal


async def call_as_member(
    key: str, fn: Callable[..., T], /, *, reads_only: bool = False, **kwargs: Any
) -> tuple[User | None, T | ServiceError | None]:
    """Resolve the session ``key`` to its member and, if there is one, call
    ``fn(session, member, **kwargs)``: one thread hop and one session for the check and the work
    (the busiest handlers make one trip to the database instead of several). A refusal
    (ServiceError) comes back as the result, so the caller still learns who the member is.
    ``reads_only``: ``fn`` only reads, in db.read_scope (no transaction's round trips)."""
    return await in_db_thread(_run_as_member, key, fn, kwargs, reads_only)
