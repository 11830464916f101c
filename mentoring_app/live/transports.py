"""Three interchangeable ways to carry a change from the worker that committed it to every worker.

Each transport does two things: ``publish(payload)`` from any thread (the service's worker thread,
right after its commit), and ``listen(on_message, on_reconnect)``, one long-running task per
backend worker that hands each payload to ``on_message``. All three are fire-and-forget: a tab that
misses a message because the connection was down catches up when ``on_reconnect`` runs (the
listener calls it once it is subscribed again, so nothing published after that point is missed).

- ``InProcessTransport``: the default single process (SQLite, in-memory state); no I/O at all.
- ``RedisTransport``: Redis pub/sub, when ``REDIS_URL`` is set (several workers, several instances).
- ``PostgresTransport``: PostgreSQL ``LISTEN/NOTIFY`` on the app's own database, when it is
  PostgreSQL and there is no Redis (several instances sharing one database).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import threading
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

OnMessage = Callable[[str], None]
OnReconnect = Callable[[], None]

# Reconnection: quick at first (a restarted Redis is back in a moment), then at most every 5 s.
FIRST_RETRY_SECONDS = 0.1
MAX_RETRY_SECONDS = 5.0
# A subscription that hears nothing for this long checks that its connection is still alive
# (a silently dropped connection would otherwise look like a quiet one).
IDLE_CHECK_SECONDS = 15.0


class Transport(Protocol):
    name: str

    def publish(self, payload: str) -> None:
        """Send ``payload`` to every listener; may raise (the caller logs and carries on)."""

    async def listen(self, on_message: OnMessage, on_reconnect: OnReconnect) -> None:
        """Deliver every payload to ``on_message`` until cancelled; after a lost connection,
        reconnect with backoff and call ``on_reconnect`` once subscribed again."""


def _next_delay(delay: float) -> float:
    return min(delay * 2, MAX_RETRY_SECONDS)


class InProcessTransport:
    """Listeners in this process, each on its own event loop; publishing only schedules a call."""

    name = "in-process"

    def __init__(self) -> None:
        self._listeners: list[tuple[asyncio.AbstractEventLoop, OnMessage]] = []
        self._lock = threading.Lock()

    def publish(self, payload: str) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, on_message in listeners:
            try:
                # In a context of its own, as over Redis or PostgreSQL: the publishing event's
                # context (its Reflex event, its tab) must not follow the wake-ups it causes.
                loop.call_soon_threadsafe(on_message, payload, context=contextvars.Context())
            except RuntimeError:  # that loop has closed (a test's, or a stopped worker's)
                log.debug("A live listener's loop is closed")

    async def listen(self, on_message: OnMessage, on_reconnect: OnReconnect) -> None:
        entry = (asyncio.get_running_loop(), on_message)
        with self._lock:
            self._listeners.append(entry)
        try:
            await asyncio.Event().wait()  # nothing can be lost in process: wait to be cancelled
        finally:
            with self._lock:
                self._listeners.remove(entry)


def redis_channel(url: str, base: str = "mentoring_live") -> str:
    """The channel for ``url``: Redis pub/sub ignores the database index, so the index is part of
    the name (two apps, or two test runs, on different databases of one Redis do not hear each
    other)."""
    path = urlsplit(url).path.strip("/")
    return f"{base}:{path or '0'}"


class RedisTransport:
    """Redis pub/sub: a synchronous client for publishing from worker threads, an asyncio
    subscription per listener."""

    name = "redis"

    def __init__(self, url: str, channel: str | None = None) -> None:
        self.url = url
        self.channel = channel or redis_channel(url)
        self.client_name = "live-" + re.sub(r"[^A-Za-z0-9_.:-]", "_", self.channel)
        self._client = None
        self._lock = threading.Lock()

    def _publisher(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._client is None:
                import redis

                # Short timeouts: a change is committed by now; waiting on Redis only slows the member.
                self._client = redis.Redis.from_url(
                    self.url, socket_timeout=1.0, socket_connect_timeout=1.0, retry_on_timeout=False
                )
            return self._client

    def publish(self, payload: str) -> None:
        self._publisher().publish(self.channel, payload)

    async def listen(self, on_message: OnMessage, on_reconnect: OnReconnect) -> None:
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        delay, lost = FIRST_RETRY_SECONDS, False
        while True:
            client = aioredis.Redis.from_url(
                self.url,
                socket_connect_timeout=2.0,
                health_check_interval=IDLE_CHECK_SECONDS,
                client_name=self.client_name,  # operators (and tests) can find it in CLIENT LIST
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                if lost:
                    log.info("Live updates: Redis subscription restored; open tabs catch up")
                    on_reconnect()
                delay, lost = FIRST_RETRY_SECONDS, False
                while True:
                    message = await pubsub.get_message(timeout=IDLE_CHECK_SECONDS)
                    if message and message.get("type") == "message":
                        data = message["data"]
                        on_message(data.decode() if isinstance(data, bytes) else str(data))
            except (RedisError, OSError) as error:
                log.warning("Live updates: Redis subscription lost (%s); retrying in %.1f s", error, delay)
                lost = True
            finally:
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except Exception:  # closing a broken connection may fail too
                    log.debug("Closing the Redis subscription failed", exc_info=True)
            await asyncio.sleep(delay)
            delay = _next_delay(delay)


_CHANNEL_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresTransport:
    """PostgreSQL ``NOTIFY`` through the app's engine (a pooled connection, after the change's own
    commit), and ``LISTEN`` on a dedicated psycopg connection per listener. Notifications are
    per database, so test databases never hear each other."""

    name = "postgresql"

    def __init__(self, engine, dsn: str, channel: str = "mentoring_live") -> None:  # type: ignore[no-untyped-def]
        if not _CHANNEL_NAME.fullmatch(channel):  # it is spliced into LISTEN as an identifier
            raise ValueError(f"Not a channel name: {channel!r}")
        self.engine, self.dsn, self.channel = engine, dsn, channel
        self.application_name = f"live-{channel}"  # operators (and tests) find it in pg_stat_activity

    def publish(self, payload: str) -> None:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            connection.execute(
                text("SELECT pg_notify(:channel, :payload)"), {"channel": self.channel, "payload": payload}
            )
            connection.commit()

    async def listen(self, on_message: OnMessage, on_reconnect: OnReconnect) -> None:
        import psycopg

        delay, lost = FIRST_RETRY_SECONDS, False
        while True:
            try:
                connection = await psycopg.AsyncConnection.connect(
                    self.dsn, autocommit=True, connect_timeout=3, application_name=self.application_name
                )
            except (psycopg.Error, OSError) as error:
                log.warning("Live updates: cannot reach PostgreSQL (%s); retrying in %.1f s", error, delay)
                lost = True
                await asyncio.sleep(delay)
                delay = _next_delay(delay)
                continue
            try:
                async with connection:
                    await connection.execute(f"LISTEN {self.channel}")
                    if lost:
                        log.info("Live updates: PostgreSQL LISTEN restored; open tabs catch up")
                        on_reconnect()
                    delay, lost = FIRST_RETRY_SECONDS, False
                    while True:
                        async for notice in connection.notifies(timeout=IDLE_CHECK_SECONDS):
                            on_message(notice.payload)
                        await connection.execute("SELECT 1")  # quiet for a while: still connected?
            except (psycopg.Error, OSError) as error:
                log.warning("Live updates: PostgreSQL LISTEN lost (%s); retrying in %.1f s", error, delay)
                lost = True
            await asyncio.sleep(delay)
            delay = _next_delay(delay)
