"""Running service calls off the event loop: each call gets its own session in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from mentoring_app.db import session_scope

T = TypeVar("T")


def _run(fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    with session_scope() as session:
        return fn(session, **kwargs)


async def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Call ``fn(session, **kwargs)`` in a thread (bcrypt and queries never block the loop)."""
    return await asyncio.to_thread(_run, fn, kwargs)
