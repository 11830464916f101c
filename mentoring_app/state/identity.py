"""A tab's state belongs to whoever is logged in on it now (DESIGN.md, rule 7).

Reflex keeps every state var per tab (its client token), and the token outlives a log-out. So
when the member behind a tab changes (log-in, log-out, expiry, deactivation, deletion), every
var of every state class of this app goes back to its default: in memory, and in Redis, where
the reset instances are written back. The classes are found by walking the state tree, so a
state class added later is covered without being listed anywhere. A state this tab never stored
(no key in Redis, not loaded) already holds its defaults and is left alone: creating it would
only make the tab's state in Redis bigger.
"""

from __future__ import annotations

from collections.abc import Iterator

import reflex as rx
from reflex.istate.manager import get_state_manager
from reflex.istate.manager.redis import StateManagerRedis


def app_state_classes(root: type[rx.State] = rx.State) -> Iterator[type[rx.State]]:
    """Every state class of this app (Reflex's own internal states are left alone)."""
    for cls in root.get_substates():
        if not cls.__module__.startswith(("reflex.", "reflex_base.")):
            yield cls  # type: ignore[misc]
        yield from app_state_classes(cls)  # type: ignore[arg-type]


def _loaded(state: rx.State) -> Iterator[type[rx.State]]:
    """The classes of the states this event already has in memory (all of them without Redis)."""
    for substate in state.substates.values():
        yield type(substate)  # type: ignore[misc]
        yield from _loaded(substate)  # type: ignore[arg-type]


async def _in_redis(root: rx.State, classes: list[type[rx.State]]) -> set[type[rx.State]]:
    """Which of ``classes`` this tab has stored in Redis (one round trip; none without Redis)."""
    manager = get_state_manager()
    if not isinstance(manager, StateManagerRedis) or not classes:
        return set()
    token = root.router.session.client_token
    pipeline = manager.redis.pipeline(transaction=False)
    for cls in classes:
        pipeline.exists(f"{token}_{cls.get_full_name()}")
    answers = await pipeline.execute()
    return {cls for cls, exists in zip(classes, answers, strict=True) if exists}


async def reset_app_states(state: rx.State, *, keep: frozenset[str] = frozenset()) -> None:
    """Put every var of every app state of this tab back to its default, except those in ``keep``
    (facts about the browser, such as its time zone, not about a member)."""
    root = state._get_root_state()
    classes = list(app_state_classes())
    held = set(_loaded(root))
    held |= await _in_redis(root, [cls for cls in classes if cls not in held])
    for cls in classes:
        if cls not in held:
            continue
        instance = await root.get_state(cls)
        for name, field in cls.__fields__.items():
            if field._owner is cls and name not in keep:
                default = field.default_value()
                if getattr(instance, name) != default:
                    setattr(instance, name, default)
