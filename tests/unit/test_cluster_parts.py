"""Pieces of the cluster checked without starting it: the proxy configuration HAProxy accepts, each
instance's settings, and the rule that frees a crashed worker's socket records (and only those)."""

from __future__ import annotations

import asyncio
import pickle
import secrets
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis
from reflex.utils.token_manager import SocketRecord

from mentoring_app import cluster
from mentoring_app.web import socket_owner
from tests.conftest import skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/12"


def _on_own_loop(coroutine: Any) -> Any:
    """Run a coroutine on a loop of its own in a thread: the browser suites' Playwright keeps an
    event loop running in the main thread when they run first in the same process."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_proxy_configuration_names_every_instance_and_haproxy_accepts_it(tmp_path: Path) -> None:
    config = cluster.ClusterConfig(proxy_port=18780, instance_ports=(18781, 18782, 18783))
    rendered = cluster.render_proxy_config(config)
    assert "bind 127.0.0.1:18780" in rendered
    for n, port in ((1, 18781), (2, 18782), (3, 18783)):
        assert f"server app{n} 127.0.0.1:{port} cookie app{n} check" in rendered
    assert "option forwardfor" in rendered and "timeout tunnel" in rendered
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        skip_or_fail("haproxy is not installed (`make test` installs it)")
    (tmp_path / "haproxy.cfg").write_text(rendered)
    checked = subprocess.run(
        [haproxy, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_instance_is_told_the_proxy_is_its_address() -> None:
    config = cluster.ClusterConfig(proxy_port=18780, instance_ports=(18781, 18782), workers=3)
    env = cluster.instance_env(config, 18782)
    assert env["APP_URL"] == "http://127.0.0.1:18780" and env["PORT"] == "18782"
    assert env["TRUSTED_PROXIES"] == "127.0.0.1" and env["WORKERS"] == "3"
    assert env["REFLEX_WEB_WORKDIR"] == str(config.web_dir)  # one build for all instances


@dataclass
class _Manager:
    """The parts of Reflex's RedisTokenManager that release_if_orphaned uses."""

    redis: aioredis.Redis
    instance_id: str
    prefix: str

    def _get_redis_key(self, token: str) -> str:
        return self.prefix + token


def test_only_a_dead_workers_socket_record_is_released() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {type(error).__name__}")

    async def scenario() -> list[bool]:
        client = aioredis.Redis.from_url(REDIS_URL)
        here = _Manager(client, "worker-here-" + secrets.token_hex(4), f"test_record_{secrets.token_hex(4)}_")
        outcomes = []
        for owner_state in ("never announced", "alive", "dead"):
            owner = f"worker-{owner_state.replace(' ', '-')}-{secrets.token_hex(4)}"
            token = secrets.token_hex(8)
            record = pickle.dumps(SocketRecord(instance_id=owner, sid="sid-1"))
            await client.set(here._get_redis_key(token), record, ex=60)
            listener = client.pubsub()
            if owner_state != "never announced":
                await client.set(socket_owner.SEEN_KEY + owner, "1", ex=60)
            if owner_state == "alive":
                await listener.subscribe(socket_owner.ALIVE_CHANNEL + owner)
            released = await socket_owner.release_if_orphaned(here, token)  # type: ignore[arg-type]
            assert await client.exists(here._get_redis_key(token)) == (0 if released else 1)
            outcomes.append(released)
            await listener.aclose()
            await client.delete(here._get_redis_key(token), socket_owner.SEEN_KEY + owner)
        await client.aclose()
        return outcomes

    # Unknown and live owners keep Reflex's duplicate-tab rule; a dead one's record is freed.
    assert _on_own_loop(scenario()) == [False, False, True]


@pytest.mark.parametrize("text", ["", "not a pickle"])
def test_a_missing_or_foreign_record_is_left_alone(text: str) -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {type(error).__name__}")

    async def scenario() -> bool:
        client = aioredis.Redis.from_url(REDIS_URL)
        here = _Manager(client, "worker-here", f"test_record_{secrets.token_hex(4)}_")
        if text:
            await client.set(here._get_redis_key("t"), text, ex=60)
        try:
            return await socket_owner.release_if_orphaned(here, "t")  # type: ignore[arg-type]
        finally:
            await client.delete(here._get_redis_key("t"))
            await client.aclose()

    assert _on_own_loop(scenario()) is False
