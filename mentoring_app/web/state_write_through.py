"""Reflex's opportunistic Redis lock, with every event's changes written to Redis at once.

In Redis mode Reflex normally takes a tab's lock, reads its state tree from Redis, runs the event,
writes the changed states and releases the lock: two round trips of locking and a full read for
every event. With its opportunistic lock (``REFLEX_OPLOCK_ENABLED``, set in rxconfig.py) the worker
that handled a tab's event keeps the lock and the state in memory for a lease (half the lock expiry)
and serves the tab's next events from there; another worker asking for the tab breaks the lease.

Reflex writes a leased state back only when the lease ends, so an instance that crashes loses up to
a lease of its tabs' changes: what a member typed, the section they opened. Here each event served
from the lease also writes the states it changed (as the unleased path does, without the lock's
round trips or the read), so Redis always holds every handled event, as without the lease.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator
from typing import Any

from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken


def _clear_touched(state: Any) -> None:
    stack = [state]
    while stack:
        current = stack.pop()
        current._was_touched = False
        stack.extend(current.substates.values())


def install() -> None:
    """Write leased states through to Redis after each event (idempotent)."""
    original = StateManagerRedis._try_modify_state
    if getattr(original, "_writes_through", False):
        return

    @functools.wraps(original)
    @contextlib.asynccontextmanager
    async def _try_modify_state(self: StateManagerRedis, token: Any, **context: Any) -> AsyncIterator[Any]:
        async with original(self, token, **context) as state:
            yield state
            # Served from this worker's lease (Reflex holds the lease's state lock around us):
            # nothing else will write until the lease ends, so write now. Unleased events are
            # written by Reflex itself, under the lock, when this block returns.
            if (
                state is not None
                and isinstance(token, BaseStateToken)
                and token.lock_key in self._local_leases
                and self._cached_states.get(token.lock_key) is state
            ):
                await self.set_state(token, state)
                _clear_touched(state)

    _try_modify_state._writes_through = True  # type: ignore[attr-defined]
    StateManagerRedis._try_modify_state = _try_modify_state  # type: ignore[method-assign]
