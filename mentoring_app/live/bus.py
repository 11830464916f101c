"""Publishing a change after its commit, and the one listener per backend worker.

Services call ``publish_after_commit(session, member_ids, *topics)`` inside their transaction:
nothing is sent unless that transaction commits (a refused or rolled-back change wakes nobody),
and several changes of one transaction leave as one message. ``publish`` sends at once, for code
that has already committed. Neither ever raises: the member's action has succeeded by then, and a
lost message is caught up by the tab's next refresh (a reconnect refreshes every tab).

Topics say what changed, so a page re-reads only what it shows:
``message`` (a thread), ``request`` (a request or relationship status: sent, answered, edited,
cancelled, expired, accepted, withdrawn, ended), ``notification``, ``relationship:<id>`` (anything
on that relationship's dashboard), ``read`` (the member read messages or notifications elsewhere:
only the header counts change). The header counts are re-read on every wake.

A change also names its origin, the tab whose own event made it (``ORIGIN``, set by the state
layer around each database call): that tab's handler already shows the result, so it is woken only
for what it cannot know (``read``: the header counts), while the member's other tabs and the
partner's get everything.

A change to one part of a relationship's dashboard says which (``relationship:<id>:goals``), so an
open dashboard re-reads that part, not the whole page.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import NamedTuple

from sqlalchemy import event
from sqlalchemy.orm import Session

from mentoring_app.live.transports import (
    InProcessTransport,
    OnMessage,
    OnReconnect,
    PostgresTransport,
    RedisTransport,
    Transport,
)

log = logging.getLogger(__name__)

MESSAGE, REQUEST, NOTIFICATION, READ = "message", "request", "notification", "read"
_PENDING = "live_pending"  # Session.info key: what this transaction will publish once committed

_transport: Transport | None = None
_transport_lock = threading.Lock()


RELATIONSHIP = "relationship:"  # + the relationship's id, and maybe ":" + the part that changed

# The client token of the tab whose event is running ("" outside one): see the module's docstring.
ORIGIN: ContextVar[str] = ContextVar("live_origin", default="")


def relationship_topic(relationship_id: int, part: str = "") -> str:
    """``relationship:<id>`` (anything on that dashboard) or ``relationship:<id>:<part>``."""
    return f"{RELATIONSHIP}{relationship_id}:{part}" if part else f"{RELATIONSHIP}{relationship_id}"


def relationship_parts(topics: Iterable[str], relationship_id: int) -> frozenset[str] | None:
    """Which parts of relationship ``relationship_id`` the topics say changed: None for nothing,
    an empty set for everything (a whole-relationship change)."""
    whole = relationship_topic(relationship_id)
    parts: set[str] = set()
    found = False
    for topic in topics:
        if topic == whole:
            return frozenset()
        if topic.startswith(whole + ":"):
            found = True
            parts.add(topic[len(whole) + 1 :])
    return frozenset(parts) if found else None


class Change(NamedTuple):
    """One published change: whose tabs it concerns, what changed, and the tab that made it."""

    members: set[int]
    topics: set[str]
    origin: str = ""


def choose_transport(*, redis_url: str, database_url: str, engine=None) -> Transport:  # type: ignore[no-untyped-def]
    """Redis when there is Redis; PostgreSQL's LISTEN/NOTIFY when the database is PostgreSQL;
    otherwise the in-process bus (one process holds every tab)."""
    if redis_url:
        return RedisTransport(redis_url)
    if database_url.startswith("postgresql"):
        from mentoring_app.db import get_engine

        return PostgresTransport(engine or get_engine(), libpq_dsn(database_url))
    return InProcessTransport()


def libpq_dsn(database_url: str) -> str:
    """The SQLAlchemy URL as psycopg's own connection string (no ``+psycopg`` driver part)."""
    from sqlalchemy.engine import make_url

    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def get_transport() -> Transport:
    global _transport
    with _transport_lock:
        if _transport is None:
            from mentoring_app.settings import get_settings

            settings = get_settings()
            _transport = choose_transport(redis_url=settings.redis_url, database_url=settings.database_url)
        return _transport


def set_transport(transport: Transport | None) -> None:
    """Use ``transport`` from now on (None: choose from the settings again). For tests."""
    global _transport
    with _transport_lock:
        _transport = transport


Entry = tuple[list[int], list[str], str]  # members, topics, origin


def encode(entries: Iterable[Entry]) -> str:
    return json.dumps(
        [[sorted(set(m)), sorted(set(t)), origin] for m, t, origin in entries], separators=(",", ":")
    )


def decode(payload: str) -> list[Change]:
    """The changes of a payload; nothing for a malformed one."""
    try:
        raw = json.loads(payload)
        changes = []
        for entry in raw:
            origin = str(entry[2]) if len(entry) > 2 else ""
            changes.append(Change({int(m) for m in entry[0]}, {str(t) for t in entry[1]}, origin))
        return changes
    except (ValueError, TypeError, IndexError, KeyError):
        log.warning("Ignored a malformed live message")
        return []


def _send(entries: list[Entry]) -> None:
    entries = [(m, t, origin) for m, t, origin in entries if m and t]
    if not entries:
        return
    try:
        get_transport().publish(encode(entries))
    except Exception:
        # Never the member's problem: the change is committed; tabs catch up on their next refresh.
        log.exception("Could not publish a live update")


def publish(member_ids: Iterable[int | None], *topics: str) -> None:
    """Tell every worker that ``topics`` changed for ``member_ids`` (after the change's commit)."""
    _send([([m for m in member_ids if m], list(topics), ORIGIN.get())])


def publish_after_commit(session: Session, member_ids: Iterable[int | None], *topics: str) -> None:
    """``publish`` once ``session``'s transaction commits; forgotten if it rolls back."""
    if not session.in_transaction():
        session.begin()  # so that a rollback before any query still forgets it
    entry = ([m for m in member_ids if m], list(topics), ORIGIN.get())
    session.info.setdefault(_PENDING, []).append(entry)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        _send(pending)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous) -> None:  # type: ignore[no-untyped-def]
    if not session.in_transaction():  # the outermost transaction rolled back: drop its changes
        session.info.pop(_PENDING, None)


async def listen(
    on_change: Callable[[set[int], set[str], str], None],
    on_reconnect: OnReconnect,
    transport: Transport | None = None,
) -> None:
    """This worker's listener: every published change goes to ``on_change(members, topics, origin)``."""

    def on_message(payload: str) -> None:
        for members, topics, origin in decode(payload):
            try:
                on_change(members, topics, origin)
            except Exception:
                log.exception("Live update handler failed")

    handler: OnMessage = on_message
    await (transport or get_transport()).listen(handler, on_reconnect)
