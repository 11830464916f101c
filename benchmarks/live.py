"""What live pages cost: N idle member tabs over the real websocket, then change-to-screen delay.

For each mode (default: SQLite, in-process state, one worker; redis: PostgreSQL + Redis, Reflex's
workers) it builds a fresh database with the demo data and N simulated members in pairs, starts
the production app, and for each N (10, 100, 500 by default) opens each member's relationship
dashboard in a tab of its own (the page that polled the database every 1.5 s before changes were
pushed) and leaves them idle. It then reports:

- the server's CPU (all its processes, user + system; one core = 100 %) and memory over a fixed
  idle period, and the CPU per 100 idle tabs: above the server's own idle cost with no tab open
  (push: close to nothing; polling: a query per tab every 1.5 s);
- the delay from a change to its arrival at the affected tab under that load: one member of a pair
  sends a message from their dashboard, and the clock stops when the partner's idle dashboard
  receives it (p50 / p95; the change's own round trip is included, so this is an upper bound).

Everything talks to 127.0.0.1 only and stops by itself. Run with `make bench-live` (or
`python -m benchmarks.live --n 10,100 --idle 10 --modes default`). To measure another version of
the app (say the polling code before push), copy this file into that checkout and run it from
there: the harness serves the app of the tree it is imported from.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from pathlib import Path

os.environ.setdefault("BCRYPT_ROUNDS", "4")  # the simulated members' hashes; the server uses 12
# A Redis database index of this benchmark's own (bench-load and the cluster tests use 12).
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")

from benchmarks import load_setup
from benchmarks.load import DASHBOARD, _tab
from benchmarks.load_metrics import percentile, server_session, usage
from benchmarks.load_protocol import NETWORK_ERRORS, Tab, form_payload
from benchmarks.load_setup import SimMember, World
from tests.harness import RunningApp, storing_uploads_for

OPENING_AT_ONCE = 10  # tabs connecting together, as members arrive
TIMEOUT = 30.0
SETTLE_SECONDS = 3.0  # after the last tab opened, before the idle period is measured


async def _open(app: RunningApp, sims: list[SimMember]) -> tuple[dict[int, Tab], int]:
    """Each member's dashboard in a tab of its own (a few at a time); (tabs by member id, errors)."""
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    tabs: dict[int, Tab] = {}
    errors = 0

    async def arrive(sim: SimMember) -> None:
        nonlocal errors
        tab = _tab(app, f"mentoring_session={sim.session_key}")
        async with gate:
            try:
                reply = await tab.open(f"/relationships/{sim.relationship_id}", TIMEOUT)
            except NETWORK_ERRORS:
                errors += 1
                return
        if reply.error:
            errors += 1
            await tab.close()
            return
        tabs[sim.user_id] = tab

    await asyncio.gather(*(arrive(sim) for sim in sims))
    return tabs, errors


async def _delays(tabs: dict[int, Tab], sims: list[SimMember], changes: int) -> tuple[list[float], int]:
    """Send ``changes`` messages, each from one member of a pair whose two dashboards are open;
    seconds until the partner's tab shows it (missed ones counted apart)."""
    pairs = [s for s in sims if s.user_id in tabs and s.partner_id in tabs and s.is_mentee]
    delays: list[float] = []
    missed = 0
    for i in range(changes):
        sender = pairs[i % len(pairs)]
        out, into = tabs[sender.user_id], tabs[sender.partner_id]
        body = f"Live bench {secrets.token_hex(6)}"
        into._drain()
        started = time.perf_counter()
        await out._emit(
            {
                "name": f"{DASHBOARD}.send_message",
                "payload": form_payload([("body", body), ("field_body", body)]),
                "router_data": {
                    "pathname": out.path,
                    "asPath": out.path,
                    "query": {"relationship_id": str(sender.relationship_id)},
                },
            }
        )
        reply = await into._collect(started, lambda frame, b=body: b in frame, TIMEOUT)
        if reply.error:
            missed += 1
        else:
            delays.append(reply.seconds)
        out._drain()
        await asyncio.sleep(0.3)
    return delays, missed


async def run_mode(app: RunningApp, world: World, ns: list[int], idle: float, changes: int) -> list[str]:
    port = int(app.base_url.rsplit(":", 1)[1])
    server = server_session(port)
    tabs: dict[int, Tab] = {}
    rows = []
    # The server's own idle cost with no tab open (mail relay, housekeeping): subtracted, so the
    # per-100-tabs figure is what the tabs cost.
    await asyncio.sleep(SETTLE_SECONDS)
    before = usage(server)
    await asyncio.sleep(idle)
    baseline = (usage(server).cpu_seconds - before.cpu_seconds) / idle * 100
    print(f"  no tab open: {baseline:.1f} % CPU", flush=True)
    try:
        for n in ns:
            wanted = world.members[:n]
            started = time.perf_counter()
            opened, errors = await _open(app, [s for s in wanted if s.user_id not in tabs])
            tabs.update(opened)
            print(
                f"  N={n}: {len(tabs)} tabs open ({errors} failed) in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
            await asyncio.sleep(SETTLE_SECONDS)
            before = usage(server)
            await asyncio.sleep(idle)
            after = usage(server)
            cpu = (after.cpu_seconds - before.cpu_seconds) / idle * 100
            per_100 = max(cpu - baseline, 0.0) / len(tabs) * 100 if tabs else 0.0
            delays, missed = await _delays(tabs, wanted, changes)
            p50, p95 = percentile(delays, 0.5), percentile(delays, 0.95)
            row = (
                f"  {len(tabs):>5} | {cpu:>8.1f} % | {per_100:>11.2f} % | {after.rss_mb:>8.0f} MB | "
                f"{p50 * 1000:>7.0f} ms | {p95 * 1000:>7.0f} ms | {missed}"
            )
            rows.append(row)
            print(row, flush=True)
    finally:
        await asyncio.gather(*(t.close() for t in tabs.values()), return_exceptions=True)
    return rows


HEADER = "  tabs  | idle CPU   | CPU/100 tabs | memory    | delay p50 | delay p95 | missed"


def _serve_and_run(args: argparse.Namespace, folder: Path, database_url: str, redis_url: str = "") -> None:
    started = time.perf_counter()
    with storing_uploads_for(folder):
        world = load_setup.populate(database_url, max(args.n))
    print(
        f"  {len(world.members)} simulated members ready in {time.perf_counter() - started:.0f} s", flush=True
    )
    app = load_setup.serve(folder, database_url, redis_url=redis_url)
    running = next(app)
    try:
        print(HEADER, flush=True)
        rows = asyncio.run(run_mode(running, world, sorted(args.n), args.idle, args.changes))
        print("\n" + HEADER + "\n" + "\n".join(rows), flush=True)
    finally:
        app.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=lambda s: [int(p) for p in s.split(",") if p.strip()], default=[10, 100, 500]
    )
    parser.add_argument("--idle", type=float, default=15.0, help="seconds of idle measurement per N")
    parser.add_argument("--changes", type=int, default=20, help="changes timed per N")
    parser.add_argument("--modes", default="default,redis")
    args = parser.parse_args(argv)
    load_setup.run_modes(args, "live", _serve_and_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
