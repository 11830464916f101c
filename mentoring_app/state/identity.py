"""A tab's state belongs to whoever is logged in on it now (DESIGN.md, rule 7).

Reflex keeps every state var per tab (its client token), and the token outlives a log-out. So
when the member behind a tab changes (log-in, log-out, expiry, deactivation, deletion), every
var of every state class of this app goes back to its default: in memory, and in Redis, where
the reset instances are written back. The classes are found by walking the state tree, so a
state class added later is covered without being listed anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator

import reflex as rx


def app_state_classes(root: type[rx.State] = rx.State) -> Iterator[type[rx.State]]:
    """Every state class of this app (Reflex's own internal states are left alone)."""
    for cls in root.get_substates():
        if not cls.__module__.startswith(("reflex.", "reflex_base.")):
            yield cls  # type: ignore[misc]
        yield from app_state_classes(cls)  # type: ignore[arg-type]


async def reset_app_states(state: rx.State, *, keep: frozenset[str] = frozenset()) -> None:
    """Put every var of every app state of this tab back to its default, except those in ``keep``
    (facts about the browser, such as its time zone, not about a member)."""
    root = state._get_root_state()
    for cls in app_state_classes():
        instance = await root.get_state(cls)
        for name, field in cls.__fields__.items():
            if field._owner is cls and name not in keep:
                setattr(instance, name, field.default_value())
