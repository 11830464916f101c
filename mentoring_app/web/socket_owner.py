"""Keep a tab's state when the instance holding its websocket dies (Redis mode only).

Reflex records in Redis which worker holds each tab's socket (``token_manager_socket_record_*``,
reflex/utils/token_manager.py). A worker that stops cleanly deletes its records; one that crashes
(killed, out of memory, machine lost) leaves them until they expire. When the tab reconnects
through the proxy to another instance, Reflex finds the record, takes the tab for a duplicate of a
live one, and gives it a new token: a fresh, empty state, and the page starts over.

So each worker announces that it is alive by holding a Redis subscription to a channel named after
its socket-owner id for as long as it runs; Redis drops the subscription the moment the process
dies. When a tab connects with a token whose record names another worker that was seen alive and
now has no subscriber, the record is an orphan: it is released (only if unchanged) and the tab
keeps its token and its state. A worker that is stopping may still hold both for a moment when the
tab arrives, so the tab waits up to HANDOVER_SECONDS for it to let go. A worker that never
announced itself is left to Reflex's rule.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import pickle
from typing import Any

from redis.exceptions import RedisError
from reflex.utils.token_manager import RedisTokenManager, SocketRecord

log = logging.getLogger(__name__)

ALIVE_CHANNEL = "mentoring_worker_alive:"
SEEN_KEY = "mentoring_worker_seen:"
SEEN_SECONDS = 2 * 3600  # longer than a socket record lives (Reflex: an hour); renewed every minute
# Delete the record only if it is still the orphan we read (a live worker may have replaced it).
RELEASE_IF_UNCHANGED = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


# How long a connecting tab waits for the worker named in its record to let go of it. A worker that
# is stopping closes its sockets first and deletes their records (and drops its alive subscription)
# a moment later, and the proxy sends the tab on at once: without the wait, the tab could arrive
# while the record and the subscription are still there and be taken for a duplicate (a new token,
# the page's state lost). A genuine duplicate tab (the same token in two tabs) waits this long once.
HANDOVER_SECONDS = 2.0
HANDOVER_POLL = 0.1


async def release_if_orphaned(manager: RedisTokenManager, token: str) -> bool:
    """Delete ``token``'s socket record when the worker it names is dead (waiting a moment for a
    worker that is stopping); True if released."""
    key = manager._get_redis_key(token)
    deadline = asyncio.get_running_loop().time() + HANDOVER_SECONDS
    try:
        while True:
            raw = await manager.redis.get(key)
            if not raw:
                return False  # no record (or its worker deleted it on the way out): nothing to do
            try:
                record = pickle.loads(raw)  # noqa: S301 - written by Reflex's own workers, as Reflex reads it
            except Exception:  # not a record we know: leave it to Reflex
                return False
            if not isinstance(record, SocketRecord) or record.instance_id == manager.instance_id:
                return False
            owner = record.instance_id
            if not await manager.redis.exists(SEEN_KEY + owner):
                return False  # not one of ours, or not announced yet: keep Reflex's duplicate rule
            [(_, subscribers)] = await manager.redis.pubsub_numsub(ALIVE_CHANNEL + owner)
            if not subscribers:
                break
            if asyncio.get_running_loop().time() >= deadline:
                return False  # its worker is alive: a genuine duplicate tab gets a new token
            await asyncio.sleep(HANDOVER_POLL)
        released = await manager.redis.eval(RELEASE_IF_UNCHANGED, 1, key, raw)  # type: ignore[misc]
    except RedisError:
        log.exception("Could not check the owner of a socket record")
        return False
    if released:
        log.info("Tab reconnected from a worker that is gone; it keeps its state")
    return bool(released)


def install() -> None:
    """Check for an orphaned record before Reflex links a connecting tab's token (idempotent)."""
    link = RedisTokenManager.link_token_to_sid
    if getattr(link, "_releases_orphans", False):
        return

    @functools.wraps(link)
    async def link_token_to_sid(self: RedisTokenManager, token: str, sid: str) -> str | None:
        await release_if_orphaned(self, token)
        return await link(self, token, sid)

    link_token_to_sid._releases_orphans = True  # type: ignore[attr-defined]
    RedisTokenManager.link_token_to_sid = link_token_to_sid  # type: ignore[method-assign]


async def announce_alive(token_manager: Any) -> None:
    """Hold this worker's alive subscription until cancelled (a lifespan task of every worker).

    Reflex gives each worker its socket-owner id when its event processor starts, so the id is
    read again every second and the subscription follows it. A lost Redis connection is retried.
    """
    if not isinstance(token_manager, RedisTokenManager):
        return
    while True:
        try:
            await _hold_subscription(token_manager)
        except RedisError as error:
            log.warning("Alive subscription lost (%s); retrying", error)
            await asyncio.sleep(1)


async def _hold_subscription(token_manager: RedisTokenManager) -> None:
    redis = token_manager.redis
    pubsub = redis.pubsub()
    current, renewed = "", 0.0
    loop = asyncio.get_running_loop()
    try:
        while True:
            if token_manager.instance_id != current:
                if current:
                    await pubsub.unsubscribe(ALIVE_CHANNEL + current)
                current, renewed = token_manager.instance_id, 0.0
                await pubsub.subscribe(ALIVE_CHANNEL + current)
            if loop.time() - renewed > 60:
                await redis.set(SEEN_KEY + current, "1", ex=SEEN_SECONDS)
                renewed = loop.time()
            # Nobody publishes here; reading keeps the connection's replies drained.
            await pubsub.get_message(timeout=1.0)
            await asyncio.sleep(0.2)
    finally:
        await pubsub.aclose()
