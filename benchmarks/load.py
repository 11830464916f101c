"""Capacity under load: simulated members over the real websocket protocol, no browser.

For each mode (default: SQLite, in-process state, one worker; redis: PostgreSQL + Redis, Reflex's
workers) it builds a fresh database with the demo data and simulated members, starts the production
app, proves one real log-in round trip (websocket log-in, one-time code, HttpOnly cookie, reload),
then for each N runs N members at once, each with its own session and tab, through a realistic mix
with about a second of thought between actions: Home, Find mentor with criteria changes, a mentor's
profile, the relationship dashboard, a milestone ticked or a message to their partner. Each step
warms up, then measures for a fixed time; a search-only step at --search-n gives the server CPU
per Find mentor search. Everything talks to 127.0.0.1 only and stops by itself.

Run with `make bench-load` (or `python -m benchmarks.load --n 10,25 --seconds 15 --modes default`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("BCRYPT_ROUNDS", "4")  # the simulated members' hashes; the server uses 12

from benchmarks import load_setup
from benchmarks.load_metrics import (
    percentile,
    server_session,
    state_bytes_in_redis,
    tab_bytes_in_redis,
    usage,
)
from benchmarks.load_protocol import (
    HYDRATED,
    NETWORK_ERRORS,
    Reply,
    Tab,
    claim_session,
    delta_holds,
    form_payload,
    handoff_code,
    state,
)
from benchmarks.load_setup import SimMember, World
from tests.harness import RunningApp, storing_uploads_for

HOST = "127.0.0.1"
FIND_MENTOR = state("find_mentor", "find_mentor_state")
DASHBOARD = state("dashboard", "dashboard_state")
LOGIN = state("account_forms", "login_state")
ACTION_TIMEOUT = 30.0  # a round trip longer than this counts as an error
OPENING_AT_ONCE = 10  # tabs connecting together while a step starts
# Seconds a member thinks between actions.
MIN_THOUGHT, MAX_THOUGHT = 0.5, 1.5


@dataclass
class Sample:
    action: str
    started: float
    reply: Reply


@dataclass
class Member:
    """One simulated member with their own tab, walking through the mix."""

    sim: SimMember
    world: World
    tab: Tab
    rng: random.Random
    samples: list[Sample] = field(default_factory=list)
    milestone_done: bool = False

    def journey(self, search_only: bool) -> Iterator[str]:
        """The actions in order: a mentee's round from Home to their dashboard; a mentor's the same
        without Find mentor (it is for mentees); or nothing but criteria changes."""
        if search_only:
            while True:
                yield "search"
        while True:
            yield "home"
            if self.sim.is_mentee:
                yield "find_mentor"
                yield "search"
            yield "profile"
            yield "dashboard"
            yield self.rng.choice(["milestone", "message"])

    async def act(self, action: str) -> Reply:
        return await ACTIONS[action](self)

    async def run(self, until: float, search_only: bool) -> None:
        """Act with about a second of thought between actions until ``until`` (and never more
        actions than that time allows at the shortest thought, whatever happens)."""
        await asyncio.sleep(self.rng.uniform(0, 1))
        most = int((until - time.monotonic()) / MIN_THOUGHT) + 1
        for count, action in enumerate(self.journey(search_only)):
            if time.monotonic() >= until or count >= most:
                return
            started = time.monotonic()
            try:
                reply = await self.act(action)
            except NETWORK_ERRORS as error:
                reply = Reply(seconds=time.monotonic() - started, error=type(error).__name__)
            self.samples.append(Sample(action, started, reply))
            if reply.error == "disconnected":
                return
            await asyncio.sleep(self.rng.uniform(MIN_THOUGHT, MAX_THOUGHT))


def _criteria(member: Member) -> list[tuple[str, str]]:
    """A criteria change as the Find mentor form submits it: a region or two, a language or two,
    sometimes a specialism, sometimes Region as an exact filter."""
    rng, fields = member.rng, {spec.key: spec for spec in member.world.fields}
    chosen: list[tuple[str, str]] = [("q", ""), ("page", "1")]
    for key, most in (("region", 2), ("languages", 2), ("specialisms", 1)):
        options = [c.id for c in fields[key].choices]
        for option in rng.sample(options, rng.randint(0 if key == "specialisms" else 1, most)):
            chosen.append((key, str(option)))
    if rng.random() < 0.3:
        chosen.append(("exact", "region"))
    return chosen


async def _home(member: Member) -> Reply:
    return await member.tab.navigate("/home", ACTION_TIMEOUT)


async def _find_mentor(member: Member) -> Reply:
    return await member.tab.navigate("/find-mentor", ACTION_TIMEOUT)


async def _search(member: Member) -> Reply:
    """Submit new criteria: one event whose answer carries the results (the URL follows in the
    browser); before that change, the handler redirected and the page's on_load searched."""
    if not member.tab.path.startswith("/find-mentor"):
        await member.tab.navigate("/find-mentor", ACTION_TIMEOUT)
    payload = form_payload(_criteria(member))
    # The answer always carries the results (a search leaves the form, and its key, as they are).
    done = (lambda f: HYDRATED in f) if BASELINE.on else delta_holds("results")
    return await member.tab.send(f"{FIND_MENTOR}.search", payload, done, ACTION_TIMEOUT)


async def _profile(member: Member) -> Reply:
    return await member.tab.navigate(f"/members/{member.rng.choice(member.world.mentor_ids)}", ACTION_TIMEOUT)


async def _dashboard(member: Member) -> Reply:
    return await member.tab.navigate(f"/relationships/{member.sim.relationship_id}", ACTION_TIMEOUT)


async def _milestone(member: Member) -> Reply:
    """Tick (or untick) the pair's milestone; done when the refreshed goals come back."""
    member.milestone_done = not member.milestone_done
    payload = {"milestone_id": member.sim.milestone_id, "done_flag": member.milestone_done}
    return await member.tab.send(
        f"{DASHBOARD}.mark_milestone", payload, delta_holds("milestones_done"), ACTION_TIMEOUT
    )


async def _message(member: Member) -> Reply:
    body = f"Load test message {member.rng.randint(1, 10**6)} to my partner."
    payload = form_payload([("body", body), ("field_body", body)])
    return await member.tab.send(
        f"{DASHBOARD}.send_message", payload, delta_holds("message_form_key"), ACTION_TIMEOUT
    )


ACTIONS: dict[str, Callable[[Member], Awaitable[Reply]]] = {
    "home": _home,
    "find_mentor": _find_mentor,
    "search": _search,
    "profile": _profile,
    "dashboard": _dashboard,
    "milestone": _milestone,
    "message": _message,
}


def _tab(app: RunningApp, cookie: str = "") -> Tab:
    port = urlsplit(app.base_url).port or 80
    return Tab(HOST, port, app.base_url, str(uuid.uuid4()), cookie)


async def real_log_in(app: RunningApp, sim: SimMember) -> str:
    """One log-in as the browser does it: the form over the websocket, the one-time code posted to
    /_session/claim (303 with the HttpOnly cookie), then the page reloaded with the cookie."""
    tab = _tab(app)
    started = time.perf_counter()
    await tab.open("/login")
    tab.path = "/login"
    fields = [("email", sim.email), ("password", sim.password)]
    reply = await tab.send(f"{LOGIN}.submit", form_payload(fields), lambda f: bool(handoff_code(f)), 60)
    code = tab.last_frame_matching(handoff_code) if not reply.error else ""
    if not code:
        await tab.close()
        return f"log-in FAILED: no hand-over code ({reply.error or 'no code in the delta'})"
    status, cookie = await asyncio.to_thread(claim_session, HOST, tab.port, app.base_url, code, "/home")
    tab.cookie = cookie
    await tab.open("/home")
    signed_in = tab.last_frame_matching(lambda f: "ok" if '"signed_in_rx_state_":true' in f else "")
    await tab.close()
    took = time.perf_counter() - started
    if status != 303 or not cookie.startswith("mentoring_session=") or not signed_in:
        return f"log-in FAILED: claim answered {status}, cookie {cookie[:18]!r}, signed in: {bool(signed_in)}"
    return f"log-in round trip ok ({took:.2f} s: websocket log-in, claim 303 with the cookie, signed in)"


@dataclass
class StepResult:
    n: int
    label: str
    seconds: float
    samples: list[Sample]
    cpu_seconds: float
    rss_mb: float
    open_errors: int
    tab_bytes: int | None = None

    @property
    def actions(self) -> int:
        return len(self.samples)

    def row(self) -> str:
        times = [s.reply.seconds * 1000 for s in self.samples]
        errors = sum(1 for s in self.samples if s.reply.error) + self.open_errors
        cpu_ms = self.cpu_seconds * 1000 / self.actions if self.actions else 0.0
        results = [s.reply.largest["results"] for s in self.samples if "results" in s.reply.largest]
        frame = f"{statistics.median(results) / 1000:.1f} KB" if results else "-"
        tab = f"{self.tab_bytes / 1000:.1f} KB" if self.tab_bytes is not None else "-"
        return (
            f"  {self.label:<12} {self.n:>4} {self.actions / self.seconds:>8.1f} "
            f"{percentile(times, 0.5):>7.0f} {percentile(times, 0.95):>7.0f} {percentile(times, 0.99):>7.0f} "
            f"{errors:>6} {cpu_ms:>8.1f} {self.rss_mb:>7.0f} {frame:>9} {tab:>9}"
        )

    def error_kinds(self) -> str:
        kinds: dict[str, int] = defaultdict(int)
        for sample in self.samples:
            if sample.reply.error:
                kinds[f"{sample.action} {sample.reply.error}"] += 1
        if self.open_errors:
            kinds["page load on arrival"] = self.open_errors
        return ", ".join(f"{kind}: {count}" for kind, count in sorted(kinds.items()))

    def by_action(self) -> str:
        groups: dict[str, list[float]] = defaultdict(list)
        for sample in self.samples:
            groups[sample.action].append(sample.reply.seconds * 1000)
        parts = [
            f"{a} {len(v)}x {percentile(v, 0.5):.0f}/{percentile(v, 0.95):.0f}" for a, v in groups.items()
        ]
        return f"  {'':<12} {self.n:>4}  per action (count, p50/p95 ms): " + ", ".join(parts)


HEADER = (
    f"  {'step':<12} {'N':>4} {'act/s':>8} {'p50 ms':>7} {'p95':>7} {'p99':>7} "
    f"{'errors':>6} {'CPU ms/a':>8} {'RSS MB':>7} {'results':>9} {'tab Redis':>9}"
)


async def _open_tabs(
    app: RunningApp, sims: list[SimMember], world: World, path: str
) -> tuple[list[Member], int]:
    """Each member's tab, loaded with their session cookie (a few at a time, as members arrive)."""
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    members: list[Member] = []
    errors = 0

    async def arrive(sim: SimMember) -> None:
        nonlocal errors
        tab = _tab(app, f"mentoring_session={sim.session_key}")
        if BASELINE.on:  # the session key was a script-readable cookie the page sent as a state var
            tab.storage["session_key"] = sim.session_key
        tab.measure = ("results",)
        async with gate:
            try:
                reply = await tab.open(path, ACTION_TIMEOUT)
            except NETWORK_ERRORS:
                errors += 1
                return
        if reply.error:
            errors += 1
            return
        members.append(Member(sim, world, tab, random.Random(sim.index)))

    await asyncio.gather(*(arrive(sim) for sim in sims))
    return members, errors


async def run_step(
    app: RunningApp,
    world: World,
    sims: list[SimMember],
    *,
    label: str,
    warmup: float,
    seconds: float,
    search_only: bool,
    redis_client: object | None,
) -> StepResult:
    """N members at once: arrive, warm up, then ``seconds`` measured; only actions started in the
    measured window count, and the server's CPU is read at its start and end."""
    session = server_session(urlsplit(app.base_url).port or 80)
    members, open_errors = await _open_tabs(app, sims, world, "/find-mentor" if search_only else "/home")
    start = time.monotonic() + warmup
    end = start + seconds
    loops = asyncio.gather(*(m.run(end, search_only) for m in members))
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    before = usage(session)
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    after = usage(session)
    await loops
    tab_bytes = None
    if redis_client is not None and members:
        sizes = tab_bytes_in_redis(redis_client, [m.tab.token for m in members])  # type: ignore[arg-type]
        tab_bytes = int(statistics.median(sizes))
        if STATE_SIZES.on:
            token = members[sizes.index(sorted(sizes)[len(sizes) // 2])].tab.token
            parts = state_bytes_in_redis(redis_client, token)  # type: ignore[arg-type]
            print(f"    {label}: a median tab's states in Redis (bytes): {parts}", flush=True)
    await asyncio.gather(*(m.tab.close() for m in members))
    samples = [s for m in members for s in m.samples if start <= s.started < end]
    return StepResult(
        len(sims),
        label,
        seconds,
        samples,
        after.cpu_seconds - before.cpu_seconds,
        after.rss_mb,
        open_errors,
        tab_bytes,
    )


async def run_mode(
    app: RunningApp, world: World, args: argparse.Namespace, redis_client: object | None
) -> None:
    if not BASELINE.on:
        print(await real_log_in(app, world.members[0]), flush=True)
    print(HEADER, flush=True)
    for n in args.n:
        result = await run_step(
            app,
            world,
            world.members[:n],
            label="mix",
            warmup=args.warmup,
            seconds=args.seconds,
            search_only=False,
            redis_client=redis_client,
        )
        print(result.row(), flush=True)
        print(result.by_action(), flush=True)
        if errors := result.error_kinds():
            print(f"  {'':<12} {n:>4}  errors: {errors}", flush=True)
    mentees = [m for m in world.members if m.is_mentee][: args.search_n]
    searches = await run_step(
        app,
        world,
        mentees,
        label="search only",
        warmup=args.warmup,
        seconds=args.seconds,
        search_only=True,
        redis_client=redis_client,
    )
    print(searches.row(), flush=True)
    if errors := searches.error_kinds():
        print(f"  {'':<12} {searches.n:>4}  errors: {errors}", flush=True)
    per_search = searches.cpu_seconds * 1000 / searches.actions if searches.actions else 0.0
    print(
        f"  CPU per Find mentor search (one event, results in its answer): {per_search:.1f} ms",
        flush=True,
    )


def _serve_and_run(args: argparse.Namespace, folder: Path, database_url: str, redis_url: str = "") -> None:
    members = max(max(args.n, default=0), 2 * args.search_n)
    started = time.perf_counter()
    with storing_uploads_for(folder):
        world = load_setup.populate(database_url, members)
    took = time.perf_counter() - started
    print(f"  {len(world.members)} simulated members ready in {took:.0f} s; starting the app", flush=True)
    app = load_setup.serve(folder, database_url, redis_url=redis_url)
    running = next(app)
    try:
        client = None
        if redis_url:
            import redis

            client = redis.Redis.from_url(redis_url)
        asyncio.run(run_mode(running, world, args, client))
    finally:
        app.close()


def _paired(args: argparse.Namespace) -> None:
    """Both modes' apps at once, search-only steps alternating between them (default first in
    odd rounds, Redis first in even ones), so the machine's drift falls on both alike: the CPU
    ratio of each round and their median."""
    import tempfile

    if reason := load_setup.services_unavailable_reason():
        print(f"  skipped: {reason}")
        return
    members = 2 * args.search_n
    print(f"\nPaired search-only steps: both modes running, {args.paired} rounds", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="bench-pair-") as folder,
        load_setup.postgres_database() as pg_url,
        load_setup.redis_database() as client,
    ):
        sqlite_url = f"sqlite:///{Path(folder) / 'pair.db'}"
        urls = {"default": (sqlite_url, ""), "redis": (pg_url, load_setup.REDIS_URL)}
        worlds, servers = {}, {}
        for mode, (database_url, redis_url) in urls.items():
            home = Path(folder) / mode
            home.mkdir()
            with storing_uploads_for(home):
                worlds[mode] = load_setup.populate(database_url, members)
            servers[mode] = load_setup.serve(home, database_url, redis_url=redis_url)
        try:
            apps = {mode: next(server) for mode, server in servers.items()}
            print(HEADER, flush=True)
            ratios = []
            for round_ in range(args.paired):
                per_search = {}
                for mode in ("default", "redis") if round_ % 2 == 0 else ("redis", "default"):
                    mentees = [m for m in worlds[mode].members if m.is_mentee][: args.search_n]
                    step = asyncio.run(
                        run_step(
                            apps[mode],
                            worlds[mode],
                            mentees,
                            label=mode,
                            warmup=args.warmup,
                            seconds=args.seconds,
                            search_only=True,
                            redis_client=client if mode == "redis" else None,
                        )
                    )
                    print(step.row(), flush=True)
                    per_search[mode] = step.cpu_seconds * 1000 / max(step.actions, 1)
                ratios.append(per_search["redis"] / per_search["default"])
                print(f"  round {round_ + 1}: Redis/default CPU per search {ratios[-1]:.2f}", flush=True)
            print(
                f"  Redis/default CPU per search: median {statistics.median(ratios):.2f} "
                f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})",
                flush=True,
            )
        finally:
            for server in servers.values():
                server.close()


class STATE_SIZES:
    """Whether to print a median tab's bytes in Redis state by state (--state-sizes)."""

    on = False


class BASELINE:
    """Whether the app under test is the one before the HttpOnly cookie and one-event searches."""

    on = False


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=_numbers, default=[10, 25, 50, 100, 200], help="members per step, e.g. 10,25"
    )
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per step")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of warm-up per step")
    parser.add_argument("--search-n", type=int, default=25, help="members in the search-only step")
    parser.add_argument("--modes", default="default,redis", help="default, redis or both (comma separated)")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="the app under test predates the HttpOnly session cookie and one-event searches "
        "(run from a checkout of that commit, to put today's figures beside the new ones)",
    )
    parser.add_argument(
        "--state-sizes", action="store_true", help="print a median tab's bytes in Redis, state by state"
    )
    parser.add_argument(
        "--paired",
        type=int,
        default=0,
        help="instead of the steps above: K rounds of search-only steps alternating between both "
        "modes' apps, running at once (the Redis/default CPU ratio on a noisy machine)",
    )
    args = parser.parse_args(argv)
    BASELINE.on = args.baseline
    STATE_SIZES.on = args.state_sizes
    if args.paired:
        _paired(args)
    else:
        load_setup.run_modes(args, "load", _serve_and_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
