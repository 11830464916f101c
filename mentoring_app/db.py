"""Database engine and sessions: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL.

Prebuilt statements: SQLAlchemy caches a statement's compiled SQL, but it still builds the
statement object and walks it for the cache key on every call. For the statements every page or
every event runs (session look-up, the header's counts, Home's reads) that walk cost several times
what the query does (a three-subquery count: about 0.8 ms of CPU built each time, 0.2 ms built
once). Those services build their statement once (``functools.cache`` on a builder with
``bindparam`` placeholders) and pass the values at execution; the statement object memoises its
own cache key.
"""

from __future__ import annotations

import functools
import select
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg import Error as DriverError
from psycopg.pq import ConnStatus
from sqlalchemy import event, exc, inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from mentoring_app.models import LoginSession, User
from mentoring_app.settings import get_settings


def _normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, *, autocommit: bool = False) -> Engine:
    """Build an engine with the connection settings our invariants rely on (``autocommit``: each
    PostgreSQL statement on its own, for :func:`read_scope`)."""
    url = _normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Search groups and sorts tens of thousands of index rows: keep that work in memory.
            cursor.execute("PRAGMA temp_store=MEMORY")
            cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache per connection
            cursor.execute("PRAGMA mmap_size=268435456")
            cursor.close()

        return engine
    # Our queries are short and index-driven; PostgreSQL's JIT, which a high cost estimate switches
    # on, spends longer compiling them than running them (Find mentor: 43 ms -> 29 ms without it).
    engine = create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        connect_args={"options": "-c jit=off"},
        **({"isolation_level": "AUTOCOMMIT"} if autocommit else {}),
    )
    event.listen(engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Hand out no pooled connection that PostgreSQL has closed (a restart, a terminated backend):
    the pool drops every older connection and opens a new one, so the work never meets it.

    SQLAlchemy's ``pool_pre_ping`` asks the server on every checkout: a round trip per event, 0.2
    to 0.5 ms of CPU in a Find mentor search's 3.5 to 4 ms (measured in-process). An idle
    connection has nothing to read unless the server has spoken: it announces a shutdown or a
    terminated backend, then closes the socket. So only a connection whose socket is readable (or
    that libpq already knows is broken) gets the real ping, and one that fails it is refused."""
    pgconn = dbapi_connection.pgconn
    try:
        if pgconn.status == ConnStatus.OK:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN)
            if poller.poll(0):
                _ping(dbapi_connection)
            return
    except DriverError:
        pass
    raise exc.InvalidatePoolError("PostgreSQL closed a pooled connection")


def _ping(dbapi_connection: Any) -> None:
    """One round trip outside any transaction (as SQLAlchemy's own ping); raises if it fails."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("SELECT 1")
    finally:
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = autocommit


@functools.cache
def get_engine() -> Engine:
    """The process-wide engine for ``DATABASE_URL``."""
    return make_engine(get_settings().database_url)


def get_read_engine() -> Engine:
    """The engine for :func:`read_scope`: on PostgreSQL a pool of its own whose connections run
    each statement on its own; SQLite's driver opens no transaction for a read anyway."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return engine
    return _autocommit_twin(engine.url.render_as_string(hide_password=False))


@functools.cache
def _autocommit_twin(url: str) -> Engine:
    return make_engine(url, autocommit=True)


# What a read-only session may still write (services/accounts/auth.resolve_session, at most once a
# minute): the log-in session's last-seen time and the member's last activity, each on its own;
# and it may remove an expired log-in session.
_TOUCHABLE = {LoginSession: {"last_seen_at"}, User: {"last_active_at"}}


def _only_touched(obj: object) -> bool:
    allowed = _TOUCHABLE.get(type(obj))
    return allowed is not None and all(
        attr.key in allowed or not attr.history.has_changes() for attr in inspect(obj).attrs
    )


class _ReadSession(Session):
    """A session of :func:`read_scope`: its flushes may only touch (``_TOUCHABLE``)."""


@event.listens_for(_ReadSession, "before_flush")
def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if (
        session.new
        or not all(isinstance(obj, LoginSession) for obj in session.deleted)
        or not all(_only_touched(obj) for obj in session.dirty)
    ):
        raise RuntimeError(
            "read_scope is for reads: this work writes, so run it in session_scope (one transaction)"
        )


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for work that only reads, such as a Find mentor search: on PostgreSQL it skips the
    BEGIN and COMMIT round trips of a transaction (each statement sees what is committed when it
    runs, which is what a page of results needs). It refuses to write anything but the log-in
    session's touch (``_TOUCHABLE``): work that writes belongs in ``session_scope``. With the pool's
    check (``_refuse_closed_connection``), a search's trip to PostgreSQL is its four statements,
    where it was seven round trips (a ping, BEGIN, the four, COMMIT)."""
    with _committed(_ReadSession(get_read_engine(), expire_on_commit=False)) as session:
        yield session


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    with _committed(Session(engine or get_engine(), expire_on_commit=False)) as session:
        yield session


@contextmanager
def _committed(session: Session) -> Iterator[Session]:
    with session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
