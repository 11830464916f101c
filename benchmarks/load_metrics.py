"""What the load benchmark reads from outside the server: CPU time and memory of its processes
(from /proc, so nothing in the app changes), percentiles, and a tab's state size in Redis.

The server's processes are found from the port it listens on: the process holding the listening
socket, then every process of its session (the harness starts Reflex in a session of its own, so
that is Reflex, granian and its workers, and nothing else).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import redis

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(fields[9])
    return inodes


def _stat(pid: str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def server_session(port: int) -> int:
    """The session id of the processes serving ``port``."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue
        if links & wanted and (fields := _stat(pid)):
            return int(fields[3])  # field 6 of stat: the session id
    raise RuntimeError(f"no process listens on port {port}")


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    rss_mb: float


def usage(session: int) -> Usage:
    """CPU time (user + system) and resident memory of every process in ``session``."""
    cpu, pages = 0, 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        fields = _stat(pid)
        if fields is None or int(fields[3]) != session:
            continue
        cpu += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        pages += int(fields[21])  # rss (field 24)
    return Usage(cpu / TICKS, pages * PAGE / 1e6)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 when there is nothing to rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def tab_bytes_in_redis(client: redis.Redis, tokens: list[str]) -> list[int]:
    """The bytes Redis holds for each tab: the values of every state key of its client token
    (Reflex names them ``<token>_<state path>``), in one scan of the benchmark's database."""
    wanted = set(tokens)
    keys = [key for key in client.scan_iter(count=1000) if key[:36].decode("ascii", "replace") in wanted]
    pipeline = client.pipeline(transaction=False)
    for key in keys:
        pipeline.type(key)
        pipeline.strlen(key)
    answers = pipeline.execute() if keys else []
    sizes = dict.fromkeys(tokens, 0)
    for key, kind, length in zip(keys, answers[::2], answers[1::2], strict=True):
        if kind == b"string":
            sizes[key[:36].decode()] += int(length)
    return [sizes[token] for token in tokens]


def state_bytes_in_redis(client: redis.Redis, token: str) -> dict[str, int]:
    """One tab's bytes in Redis by state (the part of each key after the token), largest first."""
    sizes = {}
    for key in client.scan_iter(match=f"{token}_*", count=1000):
        if client.type(key) == b"string":
            sizes[key[len(token) + 1 :].decode().rsplit(".", 1)[-1]] = int(client.strlen(key))
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))
