"""Find mentor at scale: 10,000 and 100,000 mentors, on SQLite and on PostgreSQL (when reachable).

For each representative search it prints the median and p95 time of the service call
(`matching.find_mentors`, everything a page needs) and of the bare SQL page query it issues, and
their ratio. Budget (DESIGN.md): top 20 of 100,000 in <= 50 ms at the median, within 2x of the
bare query. Run with `make bench` (or `python -m benchmarks.matching --sizes 10000 100000`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app.db import make_engine
from mentoring_app.demo import LANGUAGE_WEIGHTS, REGION_WEIGHTS
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.models import MemberCriterion, Profile, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.types import utcnow
from mentoring_app.services.discovery import matching
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
            bio = "Experienced in court and legal work." if rng.random() < 0.2 else "Happy to help."
            profiles.append(
                {
                    "user_id": user_id,
                    "search_text": f"mentor {n} {headline} {bio}".casefold(),
                    "headline": headline,
                    "bio": bio,
                    "help_wanted": "",
                    "capacity": rng.choice([0, 1, 2, 2, 3]),
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
            connection.execute(insert(User), users)
            connection.execute(insert(Profile), profiles)
            connection.execute(insert(MemberCriterion), criteria)
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
    return {
        "broad (5 values, 4 fields)": matching.Search(selected=broad),
        "exact Region": matching.Search(selected=broad, exact=frozenset({"region"})),
        "exact Region + Languages": matching.Search(selected=broad, exact=frozenset({"region", "languages"})),
        "broad + keyword": matching.Search(selected=broad, keyword="court"),
        "no criteria (recent activity)": matching.Search(),
        "broad, page 5": matching.Search(selected=broad, page=5),
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


def run(label: str, engine: Engine, sizes: list[int]) -> list[str]:
    upgrade_to_head(str(engine.url.render_as_string(hide_password=False)))
    with Session(engine) as session:
        fields = {spec.key: spec for spec in load_fields(session)}
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
    lines = []
    loaded = 0
    for size in sizes:
        started = time.perf_counter()
        populate(engine, loaded, size, fields)
        loaded = size
        lines.append(f"\n{label}, {size:,} mentors (loaded in {time.perf_counter() - started:.1f} s)")
        lines.append(
            f"  {'search':<32} {'service median':>14} {'p95':>8} {'bare median':>12} {'p95':>8} {'ratio':>6}"
        )
        with Session(engine) as session:
            field_list = load_fields(session)
            for name, search in searches(fields).items():
                statement = matching.search_statement(
                    matching.clean_search(search, field_list), field_list, viewer.id, engine.dialect.name
                )
                service = timed(lambda s=search: matching.find_mentors(session, viewer=viewer, search=s))
                bare = timed(lambda st=statement: session.execute(st).all())
                found = matching.find_mentors(session, viewer=viewer, search=search)
                # The budget is set for 100,000 mentors; at 10,000 the figures show the trend (a
                # fixed ~3 ms of page details weighs more against a 3 ms query).
                if size >= 100_000:
                    budget = "ok" if service[0] <= 50 and service[0] <= 2 * bare[0] else "OVER"
                else:
                    budget = ""
                lines.append(
                    f"  {name:<32} {service[0]:>11.1f} ms {service[1]:>5.1f} ms {bare[0]:>9.1f} ms "
                    f"{bare[1]:>5.1f} ms {service[0] / bare[0]:>5.2f}x  {found.total:>6,} found  {budget}"
                )
        print("\n".join(lines[-(len(searches(fields)) + 2) :]), flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        run("SQLite", engine, args.sizes)
        engine.dispose()
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
        run("PostgreSQL", engine, args.sizes)
        engine.dispose()
    finally:
        drop_postgres_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
