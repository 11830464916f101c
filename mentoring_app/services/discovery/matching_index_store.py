"""Keeps each process's Find mentor index (:mod:`matching_index`) in step with the database.

The database is the source of truth; several workers and instances each hold their own index.
Every search first reads one row, ``matching_version`` (kept by triggers: see
models/matching_changes.py). Same version: the index answers. Newer: the members changed since
are read (``matching_changes``, by an indexed version column) and applied in place, which takes
about a millisecond for a handful of members. When that is not possible (thousands of changes,
a truncated table, a mentor who cannot be placed without re-ordering) the index is rebuilt: in
the searching thread when the database is small, otherwise in a worker thread while searches
take the SQL path. An index is never used at a version older than the one the search read.

One lock per index serialises searches (their in-memory part: about a millisecond, holding the
GIL anyway) with changes, which edit the index in place.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from mentoring_app.models import MatchingChange, MatchingVersion, Profile
from mentoring_app.services.discovery.matching_index import MatchingIndex, NeedsRebuild, build, read_mentors

INCREMENTAL_LIMIT = 2_000  # changed members read and applied in place; more: rebuild
INLINE_BUILD_LIMIT = 20_000  # mentors; below this a (re)build runs in the searching thread (< 50 ms)

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stamp:
    version: int
    reset_version: int


@functools.cache
def _stamp_statement() -> Select:
    """The version row (built once: every search reads it)."""
    return select(MatchingVersion.version, MatchingVersion.reset_version).where(MatchingVersion.id == 1)


def read_stamp(session: Session) -> Stamp | None:
    """The newest change to what matching reads (None before migration 0020 or without its row)."""
    row = session.execute(_stamp_statement()).first()
    return Stamp(int(row[0]), int(row[1])) if row else None


class IndexStore:
    """The index of one database in this process, its freshness and its rebuilds."""

    def __init__(self, engine: Engine) -> None:
        # Weak: the registry below is keyed by the engine, and a strong reference from the value
        # would keep every engine (and its index) alive for the life of the process.
        self._engine_ref = weakref.ref(engine)
        self._dialect = engine.dialect.name
        self._lock = threading.Lock()
        self._index: MatchingIndex | None = None
        self._stuck: MatchingIndex | None = None  # an index a change could not be applied to
        self._builder: threading.Thread | None = None
        self.builds = 0
        self.answers = 0  # searches the index answered
        self.last_build_seconds = 0.0
        self.last_refresh_seconds = 0.0
        self.before_swap: Callable[[], None] | None = None  # tests: pause a background build

    @property
    def index(self) -> MatchingIndex | None:
        return self._index

    def run(self, session: Session, answer: Callable[[MatchingIndex], T]) -> T | None:
        """``answer(index)`` with an index at least as new as the database's version, or None
        when there is none right now (the caller takes the SQL path)."""
        stamp = read_stamp(session)
        if stamp is None:
            return None
        with self._lock:
            index = self._index
            usable = index is not None and stamp.reset_version <= index.version
            if (
                index is None
                or not usable
                or (index.version < stamp.version and not self._catch_up(session, index, stamp))
            ):
                if not self._small(session, index):
                    self.start_build()
                    return None
                index = self._build_here(session, stamp)
            if index.version > stamp.version and self._dialect == "sqlite":
                return None  # this session's snapshot predates the index: its rows may be missing
            if index.needs_compaction():
                self.start_build()  # still fresh: it answers meanwhile
            self.answers += 1
            return answer(index)

    def _small(self, session: Session, index: MatchingIndex | None) -> bool:
        if index is not None:
            return index.size < INLINE_BUILD_LIMIT
        offered = select(func.count()).select_from(Profile).where(Profile.offered.is_(True))  # type: ignore[attr-defined]
        return int(session.execute(offered).scalar_one()) < INLINE_BUILD_LIMIT

    def _build_here(self, session: Session, stamp: Stamp) -> MatchingIndex:
        started = time.perf_counter()
        index = self._index = build(session, stamp.version)
        self._stuck = None
        self.builds += 1
        self.last_build_seconds = time.perf_counter() - started
        return index

    def _catch_up(self, session: Session, index: MatchingIndex, stamp: Stamp) -> bool:
        """Apply the members changed since the index's version; False if a rebuild is needed."""
        if self._stuck is index:
            return False  # already tried: a rebuild is on its way
        started = time.perf_counter()
        changes = session.execute(
            select(MatchingChange.user_id, MatchingChange.version)
            .where(MatchingChange.version > index.version)
            .limit(INCREMENTAL_LIMIT + 1)
        ).all()
        if len(changes) > INCREMENTAL_LIMIT:
            self._stuck = index
            return False
        ids = [user_id for user_id, _ in changes]
        rows = {row.user_id: row for row in read_mentors(session, ids)} if ids else {}
        newest = max([stamp.version, *(version for _, version in changes)])
        try:
            index.apply(ids, rows, newest)
        except NeedsRebuild as reason:
            log.info("Find mentor index: rebuild (%s)", reason)
            self._stuck = index
            return False
        self.last_refresh_seconds = time.perf_counter() - started
        return True

    def start_build(self) -> None:
        """Rebuild in a worker thread (one at a time); searches meanwhile use the current index
        while it is fresh, and SQL otherwise."""
        if self._builder is not None and self._builder.is_alive():
            return
        self._builder = threading.Thread(target=self._build_in_background, name="matching-index", daemon=True)
        self._builder.start()

    def wait(self, timeout: float | None = None) -> None:
        """Until the background build (if any) is done: for tests and benchmarks."""
        if self._builder is not None:
            self._builder.join(timeout)

    def build_now(self, session: Session) -> MatchingIndex:
        """Build in this thread, whatever the size (benchmarks, start-up warming)."""
        stamp = read_stamp(session) or Stamp(0, 0)
        with self._lock:
            return self._build_here(session, stamp)

    def _build_in_background(self) -> None:
        engine = self._engine_ref()
        if engine is None:
            return
        try:
            started = time.perf_counter()
            with Session(engine) as session:
                stamp = read_stamp(session) or Stamp(0, 0)
                index = build(session, stamp.version)
                session.rollback()  # a new snapshot for catching up with what changed meanwhile
                if self.before_swap is not None:
                    self.before_swap()
                with self._lock:
                    stamp = read_stamp(session) or stamp
                    if index.version < stamp.version and not self._catch_up(session, index, stamp):
                        return  # changes too many or unplaceable during the build: the next search retries
                    current = self._index
                    if current is None or current.version <= index.version:
                        self._index, self._stuck = index, None
                        self.builds += 1
                        self.last_build_seconds = time.perf_counter() - started
        except Exception:  # the SQL path answers meanwhile; say why the index is missing
            log.exception("Find mentor index: rebuild failed")


_stores: weakref.WeakKeyDictionary[Engine, IndexStore] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def store_for(session: Session) -> IndexStore:
    """The index store of the database this session uses (one per engine, so per process)."""
    bind = session.get_bind()
    return store_for_engine(bind.engine if isinstance(bind, Connection) else bind)


def store_for_engine(engine: Engine) -> IndexStore:
    """The index store of this engine's database in this process."""
    with _stores_lock:
        store = _stores.get(engine)
        if store is None:
            store = _stores[engine] = IndexStore(engine)
        return store
