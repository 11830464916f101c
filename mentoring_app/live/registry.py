"""Which member's tabs this worker holds, and waking them when something of theirs changes.

Every backend worker hears every change (see transports.py), but only the worker holding a tab's
websocket can push to it cheaply, so each keeps its own registry: member id -> open tabs, filled
when a member page loads and emptied when the socket disconnects. A change for members 3 and 7
then costs this worker a dictionary lookup, and a refresh only for tabs it really holds.

The ``Waker`` runs those refreshes. Changes that arrive while a tab is refreshing are merged into
one more refresh (a burst of ten messages costs at most two), and at most ``concurrency``
refreshes run at once, so a catch-up of every tab after a lost connection does not flood the
database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from mentoring_app.live.bus import READ

log = logging.getLogger(__name__)

# The topic a catch-up brings: every page re-reads everything it shows.
EVERYTHING = "*"
# What the tab that made a change still needs from it: its own handler shows the change itself,
# but the header counts only when something was read (bus.READ).
ORIGIN_STILL_WANTS = frozenset({READ})


@dataclass(frozen=True)
class Tab:
    token: str  # Reflex's client token of the tab
    member_id: int
    path: str  # the page the tab has open (decides what its refresh reads)


class TabRegistry:
    """member id -> open tabs on this worker. Used from the worker's event loop only."""

    def __init__(self) -> None:
        self._tabs: dict[str, Tab] = {}
        self._by_member: dict[int, set[str]] = {}

    def open(self, token: str, member_id: int, path: str) -> None:
        """The tab ``token`` shows ``path`` to ``member_id`` (replaces what it showed before)."""
        self.close(token)
        self._tabs[token] = Tab(token, member_id, path)
        self._by_member.setdefault(member_id, set()).add(token)

    def close(self, token: str) -> None:
        tab = self._tabs.pop(token, None)
        if tab is None:
            return
        tokens = self._by_member.get(tab.member_id)
        if tokens is not None:
            tokens.discard(token)
            if not tokens:
                del self._by_member[tab.member_id]

    def get(self, token: str) -> Tab | None:
        return self._tabs.get(token)

    def tabs_of(self, member_ids: Iterable[int]) -> list[Tab]:
        return [self._tabs[t] for m in set(member_ids) for t in self._by_member.get(m, ())]

    def all(self) -> list[Tab]:
        return list(self._tabs.values())

    def members(self) -> int:
        return len(self._by_member)

    def __len__(self) -> int:
        return len(self._tabs)


# Refresh one tab with these topics; False when the tab is no longer held here (it is forgotten).
Refresh = Callable[[Tab, frozenset[str]], Awaitable[bool]]


class Waker:
    """Runs each concerned tab's refresh, merging changes that arrive while it runs."""

    def __init__(self, registry: TabRegistry, refresh: Refresh, *, concurrency: int = 8) -> None:
        self.registry = registry
        self._refresh = refresh
        self._pending: dict[str, set[str]] = {}
        self._running: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(concurrency)

    def changed(self, member_ids: Iterable[int], topics: Iterable[str], origin: str = "") -> int:
        """Wake this worker's tabs of ``member_ids``; returns how many were woken. The ``origin``
        tab made the change and shows it already: it is woken only for the header counts."""
        topics = set(topics)
        woken = 0
        for tab in self.registry.tabs_of(member_ids):
            wanted = topics & ORIGIN_STILL_WANTS if tab.token == origin else topics
            if wanted:
                self._queue(tab.token, wanted)
                woken += 1
        return woken

    def catch_up(self) -> int:
        """After a lost connection: every tab here re-reads what it shows, once."""
        tabs = self.registry.all()
        for tab in tabs:
            self._queue(tab.token, (EVERYTHING,))
        return len(tabs)

    def _queue(self, token: str, topics: Iterable[str]) -> None:
        self._pending.setdefault(token, set()).update(topics)
        if token not in self._running:
            self._running.add(token)
            task = asyncio.get_running_loop().create_task(self._drain(token))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _drain(self, token: str) -> None:
        try:
            while token in self._pending:
                topics = frozenset(self._pending.pop(token))
                tab = self.registry.get(token)
                if tab is None:
                    break
                async with self._slots:
                    try:
                        kept = await self._refresh(tab, topics)
                    except Exception:
                        log.exception("Live refresh of a tab failed")
                        kept = True
                if not kept:
                    self.registry.close(token)
        finally:
            self._running.discard(token)

    async def idle(self) -> None:
        """Wait until every refresh queued so far has run (tests, benchmarks)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
