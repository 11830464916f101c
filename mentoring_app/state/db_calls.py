"""Running service calls off the event loop: each call gets its own session in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from mentoring_app.db import session_scope
from mentoring_app.models import User
from mentoring_app.services.accounts import auth
from mentoring_app.services.errors import ServiceError

T = TypeVar("T")


def _run(fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    with session_scope() as session:
        return fn(session, **kwargs)


async def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Call ``fn(session, **kwargs)`` in a thread (bcrypt and queries never block the loop)."""
    return await asyncio.to_thread(_run, fn, kwargs)


def _run_as_member(
    key: str, fn: Callable[..., T], kwargs: dict[str, Any]
) -> tuple[User | None, T | ServiceError | None]:
    with session_scope() as session:
        user = auth.resolve_session(session, key) if key else None
        if user is None:
            return None, None
        try:
            return user, fn(session, user, **kwargs)
        except ServiceError as refusal:
            session.rollback()
            return user, refusal


async def call_as_member(
    key: str, fn: Callable[..., T], /, **kwargs: Any
) -> tuple[User | None, T | ServiceError | None]:
    """Resolve the session ``key`` to its member and, if there is one, call
    ``fn(session, member, **kwargs)``: one thread hop and one session for the check and the work
    (the busiest handlers make one trip to the database instead of several). A refusal
    (ServiceError) comes back as the result, so the caller still learns who the member is."""
    return await asyncio.to_thread(_run_as_member, key, fn, kwargs)
