"""Find mentor at scale: 10,000 and 100,000 mentors, on SQLite and on PostgreSQL (when reachable).

For each representative search it prints the median and p95 of the service call
(`matching.find_mentors`, everything a page needs) by the old SQL path and by the in-process
index, their ratio, the bare SQL page query of the old path, and the index's build time, memory
and the cost of a search right after a change (its refresh). With ``--with-load`` every search is
timed again while other processes load the machine (CPU-bound loops, one per core, or
``--with-load search``: SQL searches back to back). Budget (DESIGN.md): top 20 of 100,000 in
<= 50 ms at the median. Run with `make bench`
(or `python -m benchmarks.matching --sizes 10000 100000 --with-load`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app.db import make_engine
from mentoring_app.demo import LANGUAGE_WEIGHTS, REGION_WEIGHTS
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.models import MemberCriterion, Profile, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.types import utcnow
from mentoring_app.services.discovery import matching, matching_index, matching_index_store
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields

RUNS = 25
BATCH = 5_000


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    names, values = list(weights), list(weights.values())
    chosen: set[str] = set()
    while len(chosen) < k:
        chosen.add(rng.choices(names, weights=values)[0])
    return sorted(chosen)


def populate(engine: Engine, start: int, stop: int, fields: dict[str, FieldSpec]) -> None:
    """Add mentors start..stop-1 with criteria spread like a real linguists' body."""
    rng = random.Random(start)
    now = utcnow()
    ids = {key: {c.label: c.id for c in spec.choices} for key, spec in fields.items()}
    specialisms, areas = list(ids["specialisms"]), list(ids["areas_of_support"])
    for first in range(start, stop, BATCH):
        users, profiles, criteria = [], [], []
        for n in range(first, min(first + BATCH, stop)):
            user_id = n + 1_000  # leave room for the searching mentee
            users.append(
                {
                    "id": user_id,
                    "name": f"Mentor {n}",
                    "email": f"m{n}@bench.example.org",
                    "email_key": f"m{n}@bench.example.org",
                    "password_hash": "!",
                    "is_mentor": True,
                    "is_mentee": False,
                    "is_admin": False,
                    "is_active": rng.random() > 0.02,
                    "created_at": now,
                    "password_changed_at": now,
                    "last_active_at": now - timedelta(minutes=rng.randint(0, 500_000)),
                }
            )
            headline = f"{rng.choice(specialisms)} specialist"
            capacity = rng.choice([0, 1, 2, 2, 3])
            bio = "Experienced in court and legal work." if rng.random() < 0.2 else "Happy to help."
            profiles.append(
                {
                    "user_id": user_id,
                    "search_text": f"mentor {n} {headline} {bio}".casefold(),
                    "headline": headline,
                    "bio": bio,
                    "help_wanted": "",
                    "capacity": capacity,
                    # The tie-breaks: places left, and (for about half) the median hours to answer.
                    "places_left": rng.randint(0, capacity),
                    "answer_hours": rng.randint(0, 72) if rng.random() < 0.5 else None,
                    "available": rng.random() > 0.15,
                    "mentor_matchable": rng.random() > 0.1,
                    "completeness": rng.choice([60, 80, 100]),
                    "updated_at": now,
                }
            )
            options = {ids["region"][_weighted(rng, REGION_WEIGHTS, 1)[0]], ids["languages"]["English"]}
            options |= {
                ids["languages"][x] for x in _weighted(rng, LANGUAGE_WEIGHTS, rng.choice([1, 1, 2, 3]))
            }
            options |= {ids["specialisms"][x] for x in rng.sample(specialisms, rng.choice([1, 2, 3]))}
            options |= {ids["areas_of_support"][x] for x in rng.sample(areas, rng.choice([1, 2, 3]))}
            options.add(rng.choice(list(ids["membership_grade"].values())))
            options.add(rng.choice(list(ids["years_experience"].values())))
            options |= set(rng.sample(list(ids["mentoring_format"].values()), rng.choice([1, 2])))
            user, profile = users[-1], profiles[-1]
            offered = bool(
                user["is_active"]
                and profile["mentor_matchable"]
                and profile["available"]
                and profile["capacity"] > 0
            )
            profile["offered"] = offered
            criteria += [
                {"user_id": user_id, "side": MENTOR_SIDE, "option_id": o, "offered": offered} for o in options
            ]
        with engine.begin() as connection:
            for table, rows in ((User, users), (Profile, profiles), (MemberCriterion, criteria)):
                # Multi-row INSERT statements, not executemany: psycopg runs that as one statement
                # per row, and each statement fires the matching-change triggers once.
                step = 30_000 // len(rows[0])
                for first_row in range(0, len(rows), step):
                    connection.execute(insert(table).values(rows[first_row : first_row + step]))
    # As autovacuum would: fresh statistics (and, on PostgreSQL, a visibility map for index-only scans).
    vacuum = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(vacuum))


def searches(fields: dict[str, FieldSpec]) -> dict[str, matching.Search]:
    def ids(key: str, *labels: str) -> tuple[int, ...]:
        return tuple(fields[key].find(label).id for label in labels)  # type: ignore[union-attr]

    broad = {
        "region": ids("region", "North West"),
        "languages": ids("languages", "Spanish", "Polish"),
        "specialisms": ids("specialisms", "Legal translation"),
        "areas_of_support": ids("areas_of_support", "Starting as a freelancer"),
    }
    nice = frozenset({"languages", "areas_of_support"})
    return {
        "broad (5 values, 4 fields)": matching.Search(selected=broad),
        "exact Region": matching.Search(selected=broad, exact=frozenset({"region"})),
        "exact Region + Languages": matching.Search(selected=broad, exact=frozenset({"region", "languages"})),
        "broad + keyword": matching.Search(selected=broad, keyword="court"),
        "no criteria (recent activity)": matching.Search(),
        "broad, page 5": matching.Search(selected=broad, page=5),
        # Importance: Languages and Areas of support only Nice to have; then Must match fields.
        "broad weighted": matching.Search(selected=broad, nice=nice),
        "weighted + Must Region": matching.Search(selected=broad, exact=frozenset({"region"}), nice=nice),
        "weighted + Must Region + Lang.": matching.Search(
            selected=broad, exact=frozenset({"region", "languages"}), nice=frozenset({"areas_of_support"})
        ),
    }


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    fn()  # warm caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def _viewer(engine: Engine) -> User:
    with Session(engine, expire_on_commit=False) as session:
        viewer = session.get(User, 1)
        if viewer is None:
            viewer = User(
                id=1,
                name="Bench Mentee",
                email="mentee@bench.example.org",
                email_key="mentee@bench.example.org",
                password_hash="!",  # noqa: S106 - an unusable hash: no log-in
                is_mentee=True,
            )
            session.add(viewer)
            session.commit()
            session.refresh(viewer)
        return viewer


def index_figures(engine: Engine, viewer: User) -> str:
    """Build time (a full rebuild, as a worker thread does it), memory, and the cost of a search
    right after one mentor changed (the incremental refresh included)."""
    store = matching_index_store.IndexStore(engine)
    with Session(engine) as session:
        builds, cpu = [], []
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            store.build_now(session)
            builds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            session.rollback()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        index = matching_index.build(session, 0)
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        session.rollback()
        mentors = list(index.pos_of)[:: max(1, index.size // 50)]
        del index
    live = matching_index_store.store_for_engine(engine)
    with Session(engine) as session:
        live.build_now(session)
    builds_before = live.builds
    after_change, refreshes = [], []
    with Session(engine) as session:
        newest = session.execute(select(func.max(User.last_active_at))).scalar_one() or utcnow()
        for n, user_id in enumerate(mentors):
            # Half log-ins (to the top), half older times (re-placed lower down).
            when = newest + timedelta(seconds=n + 1) if n % 2 else newest - timedelta(days=30 + n)
            session.execute(update(User).where(User.id == user_id).values(last_active_at=when))  # type: ignore[arg-type]
            session.commit()
            started = time.perf_counter()
            matching.find_mentors(session, viewer=viewer, search=matching.Search(), use_index=True)
            after_change.append((time.perf_counter() - started) * 1000)
            refreshes.append(live.last_refresh_seconds * 1000)
            session.commit()
    return (
        f"index: build {statistics.median(builds) * 1000:.0f} ms (median of 3; "
        f"{statistics.median(cpu) * 1000:.0f} ms of CPU), "
        f"{held / 1e6:.1f} MB held for {store.index.size:,} mentors; "  # type: ignore[union-attr]
        f"search right after one mentor changed {statistics.median(after_change):.1f} ms median "
        f"(of which refresh in place {statistics.median(refreshes):.2f} ms; "
        f"rebuilds {live.builds - builds_before})"
    )


HEADER = (
    f"  {'search':<30} {'':<7} {'SQL median':>10} {'p95':>7} {'index median':>12} {'p95':>7} "
    f"{'SQL/index':>9} {'bare SQL':>9} {'found':>7}  budget"
)


def compare(engine: Engine, viewer: User, fields: dict[str, FieldSpec], condition: str) -> list[str]:
    """Old SQL path and new index path side by side, per representative search."""
    lines = []
    with Session(engine) as session:
        field_list = load_fields(session)
        store = matching_index_store.store_for(session)
        if store.index is None:
            store.build_now(session)
        for name, search in searches(fields).items():
            statement = matching.search_statement(
                matching.clean_search(search, field_list), field_list, viewer.id, engine.dialect.name
            )
            old = timed(
                lambda s=search: matching.find_mentors(session, viewer=viewer, search=s, use_index=False)
            )
            answered = store.answers
            new = timed(
                lambda s=search: matching.find_mentors(session, viewer=viewer, search=s, use_index=True)
            )
            assert store.answers > answered, "the index did not answer"
            bare = timed(lambda st=statement: session.execute(st).all())
            found = matching.find_mentors(session, viewer=viewer, search=search)
            assert found == matching.find_mentors(session, viewer=viewer, search=search, use_index=False)
            budget = "ok" if new[0] <= 50 else "OVER"
            lines.append(
                f"  {name:<30} {condition:<7} {old[0]:>7.1f} ms {old[1]:>7.1f} {new[0]:>9.1f} ms "
                f"{new[1]:>7.1f} {old[0] / new[0]:>8.1f}x {bare[0]:>6.1f} ms {found.total:>7,}  {budget}"
            )
    return lines


def run(label: str, engine: Engine, sizes: list[int], load: str | None) -> list[str]:
    upgrade_to_head(str(engine.url.render_as_string(hide_password=False)))
    with Session(engine) as session:
        fields = {spec.key: spec for spec in load_fields(session)}
    viewer = _viewer(engine)
    lines: list[str] = []
    loaded = 0
    for size in sizes:
        started = time.perf_counter()
        populate(engine, loaded, size, fields)
        loaded = size
        block = [
            f"\n{label}, {size:,} mentors (loaded in {time.perf_counter() - started:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
            "  " + index_figures(engine, viewer),
            HEADER,
        ]
        quiet = compare(engine, viewer, fields, "quiet")
        noisy: list[str] = []
        if load:
            with background_load(load, engine):
                noisy = compare(engine, viewer, fields, "loaded")
        for n, line in enumerate(quiet):
            block.append(line)
            if noisy:
                block.append(noisy[n])
        if load:
            block.append(f"  (loaded: {LOADS[load]}; load average after {os.getloadavg()[0]:.1f})")
        print("\n".join(block), flush=True)
        lines += block
    return lines


LOADS = {
    "cpu": "CPU-bound loops, one process per core",
    "search": "a process running Find mentor searches back to back (SQL path)",
}


@contextmanager
def background_load(kind: str, engine: Engine) -> Iterator[None]:
    """Load while the searches are timed: one process per core spinning (``cpu``: with a core
    left free, one spinning process changes nothing on a 2-core machine), or one process
    running SQL searches back to back (``search``)."""
    url = engine.url.render_as_string(hide_password=False)
    count = (os.cpu_count() or 1) if kind == "cpu" else 1
    processes = [
        subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "benchmarks.matching", "--load-worker", kind, "--load-url", url],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    time.sleep(1.0)  # let them get going
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)


def load_worker(kind: str, url: str) -> None:
    """The background load: spin, or search (the old SQL path, the heaviest) until terminated."""
    if kind == "cpu":
        n = 0
        while True:
            n = (n * 1103515245 + 12345) % 2**31
    engine = make_engine(url)
    viewer = _viewer(engine)
    with Session(engine) as session:
        fields = {spec.key: spec for spec in load_fields(session)}
        every = list(searches(fields).values())
        while True:
            for search in every:
                matching.find_mentors(session, viewer=viewer, search=search, use_index=False)
                session.rollback()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--with-load",
        nargs="?",
        const="cpu",
        choices=sorted(LOADS),
        help="also time every search while a second process loads the machine (default: cpu)",
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--load-worker", choices=sorted(LOADS), help=argparse.SUPPRESS)
    parser.add_argument("--load-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_worker:
        load_worker(args.load_worker, args.load_url)
        return 0
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            run("SQLite", engine, args.sizes, args.with_load)
            engine.dispose()
    if args.only == "sqlite":
        return 0
    try:
        from tests.conftest import (
            create_postgres_database,
            drop_postgres_database,
            postgres_unavailable_reason,
        )
    except ImportError:  # pragma: no cover - the tests package ships with the repository
        return 0
    reason = postgres_unavailable_reason()
    if reason:
        print(f"\nPostgreSQL skipped: {reason}")
        return 0
    url = create_postgres_database()
    try:
        engine = make_engine(url)
        run("PostgreSQL", engine, args.sizes, args.with_load)
        engine.dispose()
    finally:
        drop_postgres_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
