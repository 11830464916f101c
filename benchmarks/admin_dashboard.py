"""The admin dashboard at scale: 100,000 members and 1,000,000 visits, on SQLite and PostgreSQL.

Generates members over three years (mentors, mentees and both), 1,000,000 visits over the last 24
months (about 30% logged in; page view counts on each visit, but no ``page_views`` rows: no chart
reads them), 30,000 requests and relationships with every transition recorded, message threads
for most accepted pairs, and reports. Each accepted relationship gets its dashboard: one journey
(its agreement confirmed by both in about 60% of them), 0-3 goals (some achieved, some dropped)
and 0-6 held meetings, plus a planned one for some live pairs; ``relationships.updated_at`` is the
last of those changes, as the dashboard's writes set it. Check-ins every four weeks and the
finished pairs' outcome surveys are added in proportion (benchmarks/outcomes_data), and the
Outcomes page's queries are timed with the charts. Then times each chart's service call
(the SQL aggregate plus its zero-filling) and prints the median and p95 of RUNS runs against the
budget: each chart in at most 200 ms at the median, the funnel at p95 too. With ``--with-load N``
every chart is timed again while `benchmarks.load` runs N simulated members (25 by default) over
the websocket against their own app on this machine. Run with `make bench-admin` (which loads
with 25) or `python -m benchmarks.admin_dashboard [--with-load [N]]`.

The funnel reads its summary (models/funnel); the bulk load below marks every mentee for it, so
the first refresh is timed apart as a one-off, and the funnel counted from the rows (as it was
before the summary) is timed beside the charts as a reference.

Visits are generated inside the database (a recursive CTE on SQLite, ``generate_series`` on
PostgreSQL), so loading them takes seconds, not minutes; then ``visit_months``, which the app
keeps counting as visits happen, is recounted from them once.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from benchmarks.outcomes_data import outcome_charts, populate_outcomes
from mentoring_app.db import make_engine
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.models import (
    Checkin,
    Goal,
    Journey,
    Meeting,
    OutcomeSurvey,
    Profile,
    Relationship,
    RelationshipEvent,
    Report,
    Thread,
    User,
)
from mentoring_app.services.staff import analytics
from mentoring_app.services.staff.analytics_funnel import count_from_rows, refresh_funnel
from mentoring_app.services.staff.visits import rebuild_visit_months

RUNS = 15
BATCH = 10_000
BUDGET_MS = 200.0
NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
TODAY = NOW.date()
VISITS_FROM = datetime(2024, 7, 1, tzinfo=UTC)  # 24 months up to June 2026
MEMBERS_FROM = NOW - timedelta(days=3 * 365)

SQLITE_VISITS = text(
    """
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
    INSERT INTO visits (browser_digest, user_id, started_at, last_seen_at, landing_path, page_views)
    SELECT printf('%064x', i), user_id, started, started, '/', views
    FROM (
        SELECT i,
               CASE WHEN abs(random()) % 100 < 30 THEN 2 + abs(random()) % :members END AS user_id,
               strftime('%Y-%m-%d %H:%M:%S.000000', :start + abs(random()) % :span, 'unixepoch') AS started,
               1 + abs(random()) % 8 AS views
        FROM n
    )
    """
)
POSTGRES_VISITS = text(
    """
    INSERT INTO visits (browser_digest, user_id, started_at, last_seen_at, landing_path, page_views)
    SELECT lpad(to_hex(i), 64, '0'), user_id, started, started, '/', views
    FROM (
        SELECT i,
               CASE WHEN random() < 0.3 THEN 2 + floor(random() * :members)::int END AS user_id,
               to_timestamp(:start + floor(random() * :span)) AS started,
               1 + floor(random() * 8)::int AS views
        FROM generate_series(1, :count) AS i
    ) AS generated
    """
)


def _members(engine: Engine, count: int, rng: random.Random) -> None:
    """An admin (id 1) and ``count`` members: 45% mentees, 35% mentors, 20% both; 3% deactivated."""
    span = int((NOW - MEMBERS_FROM).total_seconds())
    admin_row = {"id": 1, "name": "Bench Admin", "email": "admin@bench.example.org", "is_admin": True}
    for first in range(0, count + 1, BATCH):
        users, profiles = [], []
        for n in range(first, min(first + BATCH, count + 1)):
            created = MEMBERS_FROM + timedelta(seconds=rng.randrange(span))
            role = rng.random()
            row = (
                admin_row
                if n == 0
                else {"id": n + 1, "name": f"Member {n}", "email": f"m{n}@bench.example.org"}
            )
            users.append(
                {
                    "is_mentor": n > 0 and role >= 0.45,
                    "is_mentee": n > 0 and (role < 0.45 or role >= 0.8),
                    "is_admin": False,
                    "is_active": rng.random() > 0.03,
                    "password_hash": "!",
                    "created_at": created,
                    "password_changed_at": created,
                    "last_active_at": created + timedelta(days=rng.randrange(30)),
                    **row,
                    "email_key": row["email"],
                }
            )
            profiles.append(
                {
                    "user_id": row["id"],
                    "completeness": rng.choice([25, 50, 75, 100, 100]),
                    "updated_at": created,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(User), users)
            connection.execute(insert(Profile), profiles)


def _at(start: datetime, stop: datetime, rng: random.Random) -> datetime:
    """A random moment in [start, stop)."""
    return start + timedelta(seconds=rng.randrange(max(1, int((stop - start).total_seconds()))))


def _dashboard(
    row: dict, rng: random.Random, journeys: list[dict], goals: list[dict], meetings: list[dict]
) -> None:
    """The relationship dashboard of an accepted relationship ``row``: journey, goals, meetings.
    Moves ``row["updated_at"]`` to its last change while the relationship is still accepted."""
    started, stop = row["decided_at"], row["ended_at"] or NOW
    journey = {
        "id": row["id"],
        "relationship_id": row["id"],
        "number": 1,
        "started_at": started,
        "closed_at": row["ended_at"],
        "closed_reason": "ended" if row["ended_at"] else None,
        "topics": "",
        "ground_rules": "",
        "agreement_version": 0,
        "agreement_updated_at": None,
        "mentee_confirmed_at": None,
        "mentor_confirmed_at": None,
    }  # every row of a batch insert has the same keys
    changes = []
    if rng.random() < 0.6:
        confirmed = _at(started, stop, rng)
        journey.update(
            topics="Rates and contracts",
            ground_rules="We come prepared.",
            agreement_version=1,
            agreement_updated_at=confirmed,
            mentee_confirmed_at=confirmed,
            mentor_confirmed_at=confirmed,
        )
        changes.append(confirmed)
    journeys.append(journey)
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        created = _at(started, stop, rng)
        goal = {
            "journey_id": row["id"],
            "proposed_by": row["mentee_id"],
            "specific": "Win two direct clients",
            "measurable": "Two signed contracts",
            "achievable": "Four hours a week",
            "relevant": "Better rates",
            "target_date": (created + timedelta(days=120)).date(),
            "status": "proposed",
            "created_at": created,
            "updated_at": created,
            "agreed_at": None,
            "achieved_at": None,
            "closed_at": None,
        }
        fate = rng.random()
        if fate < 0.8:
            goal["status"] = "agreed"
            goal["agreed_at"] = goal["updated_at"] = _at(created, stop, rng)
            if fate < 0.4:
                goal["status"] = "achieved"
                goal["achieved_at"] = goal["closed_at"] = goal["updated_at"] = _at(
                    goal["agreed_at"], stop, rng
                )
            elif fate < 0.5:
                goal["status"] = "dropped"
                goal["closed_at"] = goal["updated_at"] = _at(goal["agreed_at"], stop, rng)
            elif fate < 0.7:
                goal["status"] = "in_progress"
        goals.append(goal)
        changes.append(goal["updated_at"])
    for _ in range(rng.randrange(7)):
        logged = _at(started, stop, rng)
        meetings.append(
            {
                "relationship_id": row["id"],
                "journey_id": row["id"],
                "status": "held",
                "starts_at": None,
                "held_on": logged.date(),
                "duration_minutes": 60,
                "created_at": logged,
                "updated_at": logged,
            }
        )
        changes.append(logged)
    if row["status"] == "accepted" and rng.random() < 0.3:
        scheduled = _at(started, stop, rng)
        meetings.append(
            {
                "relationship_id": row["id"],
                "journey_id": row["id"],
                "status": "planned",
                "starts_at": NOW + timedelta(days=rng.randrange(1, 30)),
                "held_on": None,
                "duration_minutes": 60,
                "created_at": scheduled,
                "updated_at": scheduled,
            }
        )
        changes.append(scheduled)
    if row["status"] == "accepted" and changes:
        row["updated_at"] = max(row["updated_at"], *changes)


def _relationships(engine: Engine, members: int, count: int, rng: random.Random) -> None:
    """``count`` requests between distinct pairs, with a realistic mix of outcomes and their events."""
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < count:
        pairs.add((2 + rng.randrange(members), 2 + rng.randrange(members)))
    rels, events, threads = [], [], []
    journeys: list[dict] = []
    goals: list[dict] = []
    meetings: list[dict] = []
    for rel_id, (mentee, mentor) in enumerate(sorted(pairs), start=1):
        if mentee == mentor:
            mentor = mentee + 1
        sent = VISITS_FROM + timedelta(seconds=rng.randrange(int((NOW - VISITS_FROM).total_seconds())))
        outcome = rng.random()
        row = {
            "id": rel_id,
            "mentee_id": mentee,
            "mentor_id": mentor,
            "request_text": "Hello",
            "created_at": sent,
            "updated_at": sent,
            "decided_at": None,
            "ended_at": None,
            "status": "requested",
        }
        steps: list[tuple[str, datetime]] = []
        answer = sent + timedelta(hours=rng.expovariate(1 / 40))
        if NOW - sent < timedelta(days=14) and outcome < 0.3:
            pass  # still pending
        elif outcome < 0.55:
            steps.append(("accepted", answer))
            end = answer + timedelta(days=rng.randrange(30, 300))
            if end < NOW:
                steps.append(("ended" if rng.random() < 0.7 else "withdrawn", end))
        elif outcome < 0.8:
            steps.append(("declined", answer))
        elif outcome < 0.9:
            steps.append(("expired", sent + timedelta(days=14)))
        else:
            steps.append(("cancelled", sent + timedelta(days=rng.randrange(1, 10))))
        events.append({"relationship_id": rel_id, "from_status": None, "to_status": "requested", "at": sent})
        for status, when in steps:
            events.append(
                {"relationship_id": rel_id, "from_status": row["status"], "to_status": status, "at": when}
            )
            row["status"], row["updated_at"] = status, when
            if status in ("accepted", "declined"):
                row["decided_at"] = when
            if status in ("ended", "withdrawn"):
                row["ended_at"] = when
        if row["status"] in analytics.STARTED:
            _dashboard(row, rng, journeys, goals, meetings)
        rels.append(row)
        if row["decided_at"] and rng.random() < 0.8:
            low, high = sorted((mentee, mentor))
            last = min(NOW, row["decided_at"] + timedelta(days=rng.randrange(0, 200)))
            threads.append({"low_id": low, "high_id": high, "created_at": sent, "last_message_at": last})
    reports = [
        {
            "reporter_id": 2 + rng.randrange(members),
            "subject_user_id": 2 + rng.randrange(members),
            "reason": "Bench report",
            "created_at": NOW - timedelta(days=rng.randrange(300)),
            "resolved_at": None if rng.random() < 0.2 else NOW,
        }
        for _ in range(500)
    ]
    with engine.begin() as connection:
        for table, rows in (
            (Relationship, rels),
            (RelationshipEvent, events),
            (Thread, threads),
            (Report, reports),
            (Journey, journeys),
            (Goal, goals),
            (Meeting, meetings),
        ):
            for first in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[first : first + BATCH])


def populate(engine: Engine, members: int, visits: int, relationships: int) -> None:
    rng = random.Random(7)
    _members(engine, members, rng)
    statement = POSTGRES_VISITS if engine.dialect.name == "postgresql" else SQLITE_VISITS
    with engine.begin() as connection:
        connection.execute(
            statement,
            {
                "count": visits,
                "members": members,
                "start": int(VISITS_FROM.timestamp()),
                "span": int((NOW - VISITS_FROM).total_seconds()),
            },
        )
    with Session(engine) as session:
        rebuild_visit_months(session)  # what record_page_view counts as visits happen
    _relationships(engine, members, relationships, rng)
    populate_outcomes(engine, NOW, rng)  # check-ins and outcome surveys (benchmarks/outcomes_data)
    vacuum = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(vacuum))


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    fn()  # warm caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


FUNNEL = "funnel, 24 months"


def charts(session: Session, admin: User) -> dict[str, Callable[[], object]]:
    last_12, last_24 = date(2025, 7, 1), date(2024, 7, 1)
    a = {"actor": admin}
    return {
        "visits per month, 12 months": lambda: analytics.visits_per_month(
            session, **a, start=last_12, end=TODAY
        ),
        "visits per month, 24 months": lambda: analytics.visits_per_month(
            session, **a, start=last_24, end=TODAY
        ),
        "registrations per month, 24": lambda: analytics.registrations_per_month(
            session, **a, start=last_24, end=TODAY
        ),
        "requests per month, 24": lambda: analytics.requests_per_month(
            session, **a, start=last_24, end=TODAY
        ),
        "active relationships, 24": lambda: analytics.active_relationships_per_month(
            session, **a, start=last_24, end=TODAY
        ),
        "goals per month, 24": lambda: analytics.goals_per_month(session, **a, start=last_24, end=TODAY),
        FUNNEL: lambda: analytics.funnel(session, **a, start=last_24, end=TODAY),
        "median answer time, 24": lambda: analytics.median_answer_time(
            session, **a, start=last_24, end=TODAY
        ),
        "summary": lambda: analytics.summary(session, **a, today=TODAY),
        "needs attention": lambda: analytics.needs_attention(session, **a, now=NOW),
        **outcome_charts(session, admin, TODAY),
    }


def prepare(label: str, engine: Engine, members: int, visits: int, relationships: int) -> None:
    """Migrate, load, and bring the summaries up to date once (the bulk load marked every mentee
    for the funnel's summary: its first refresh is a one-off, timed here, not a chart)."""
    upgrade_to_head(str(engine.url.render_as_string(hide_password=False)))
    started = time.perf_counter()
    populate(engine, members, visits, relationships)
    print(
        f"\n{label}: {members:,} members, {visits:,} visits, {relationships:,} requests "
        f"(loaded in {time.perf_counter() - started:.1f} s)"
    )
    with engine.connect() as connection:
        sizes = {
            model.__tablename__: connection.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Journey, Goal, Meeting, Checkin, OutcomeSurvey)
        }
    print("  " + ", ".join(f"{count:,} {name}" for name, count in sizes.items()))
    with Session(engine) as session:
        started = time.perf_counter()
        recounted = refresh_funnel(session)
        print(
            f"  funnel summary: {recounted:,} members counted after the bulk load in "
            f"{time.perf_counter() - started:.1f} s (one-off; afterwards a read recounts only the changed)"
        )
        admin = session.get(User, 1)
        months = analytics.months_between(date(2024, 7, 1), TODAY)
        stages = analytics.funnel(session, actor=admin, start=date(2024, 7, 1), end=TODAY).stages
        from_rows = count_from_rows(session, months)
        assert [s.count for s in stages] == from_rows, (stages, from_rows)
        print(
            "  (check: funnel " + " > ".join(f"{s.key} {s.count:,}" for s in stages) + ", as from the rows)"
        )
        figures = analytics.visits_per_month(session, actor=admin, start=date(2024, 7, 1), end=TODAY)
        print(f"  (check: {sum(figures.values('total')):,} visits counted over 24 months)")
        recount = timed(lambda: rebuild_visit_months(session), runs=3)
        print(f"  recount visit_months (repair): {recount[0]:.1f} ms (not a chart: a one-off repair)")


def measure(engine: Engine, runs: int) -> dict[str, tuple[float, float]]:
    """Median and p95 of ``runs`` calls of each chart's service; the funnel counted from the rows
    (as before its summary) as a reference."""
    figures = {}
    with Session(engine) as session:
        admin = session.get(User, 1)
        assert admin is not None and admin.is_admin
        for name, call in charts(session, admin).items():
            figures[name] = timed(call, runs)
        months = analytics.months_between(date(2024, 7, 1), TODAY)
        figures[FROM_ROWS] = timed(lambda: count_from_rows(session, months), runs)
    return figures


FROM_ROWS = "(funnel from the rows, before)"


def report(label: str, results: dict[str, dict[str, tuple[float, float]]], runs: int) -> bool:
    """Print each chart's median and p95, quiet and loaded, against the budget: every chart at most
    200 ms at the median, and the funnel at most 200 ms at p95 as well."""
    conditions = list(results)
    print(f"\n{label} ({runs} runs each; budget {BUDGET_MS:.0f} ms median, funnel p95 too)")
    print(f"  {'chart':<32}" + "".join(f" {c + ' median':>15} {'p95':>8}" for c in conditions))
    ok = True
    for name in results[conditions[0]]:
        line = f"  {name:<32}"
        verdict = ""
        for condition in conditions:
            median, p95 = results[condition][name]
            line += f" {median:>12.1f} ms {p95:>8.1f}"
            if name != FROM_ROWS:
                within = median <= BUDGET_MS and (name != FUNNEL or p95 <= BUDGET_MS)
                ok &= within
                verdict = verdict if within else "OVER"
        print(line + ("  " + (verdict or "ok") if name != FROM_ROWS else "  (reference)"), flush=True)
    return ok


@contextmanager
def background_load(n: int) -> Iterator[None]:
    """`make bench-load`'s simulated members (N of them, the default mode: SQLite, one worker)
    running against their own app on this machine while the charts are timed. Waits until its
    members are acting, and stops it (and the app it started) afterwards. Its temporary files
    (database, build log) go to a folder of ours, removed afterwards however it stopped."""
    folder = Path(tempfile.mkdtemp(prefix="admin-bench-load-"))
    log = folder / "load.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [
                sys.executable,
                "-m",
                "benchmarks.load",
                "--n",
                str(n),
                "--seconds",
                "3600",
                "--modes",
                "default",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(folder)},
        )
    try:
        deadline = time.monotonic() + 600
        while "act/s" not in log.read_text(errors="replace"):  # its table's header: members start
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the background load did not start:\n{log.read_text()[-3000:]}")
            time.sleep(1)
        time.sleep(LOAD_SETTLE)  # members open their tabs and warm up
        average = os.getloadavg()[0]
        print(f"  (load: {n} simulated members; load average {average:.1f} on {os.cpu_count()} cores)")
        yield
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)
        print(f"  (load average after {os.getloadavg()[0]:.1f})", flush=True)


LOAD_SETTLE = 15.0


def _descendants(pid: int) -> list[int]:
    """Child processes of ``pid`` and theirs (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Interrupt the load (it stops its app on the way out); if it lingers, end it and the process
    groups of the app it started (the harness gives the app a session of its own)."""
    groups = {pid for pid in _descendants(process.pid) if _group_of(pid) == pid}
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait(10)
    for group in groups:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            time.sleep(3)


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--relationships", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed calls per chart")
    parser.add_argument(
        "--with-load",
        type=int,
        nargs="?",
        const=25,
        metavar="N",
        help="time every chart again while `benchmarks.load` runs N simulated members (default 25)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    sizes = (args.members, args.visits, args.relationships)
    engines: dict[str, Engine] = {}
    postgres_url = ""
    with tempfile.TemporaryDirectory() as folder:
        try:
            engines["SQLite"] = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            prepare("SQLite", engines["SQLite"], *sizes)
            reason = _postgres_reason()
            if reason:
                print(f"\nPostgreSQL skipped: {reason}")
            else:
                from tests.conftest import create_postgres_database

                postgres_url = create_postgres_database()
                engines["PostgreSQL"] = make_engine(postgres_url)
                prepare("PostgreSQL", engines["PostgreSQL"], *sizes)
            results = {label: {"quiet": measure(engine, args.runs)} for label, engine in engines.items()}
            if args.with_load:
                with background_load(args.with_load):
                    for label, engine in engines.items():
                        results[label]["loaded"] = measure(engine, args.runs)
            ok = True
            for label, figures in results.items():
                ok &= report(label, figures, args.runs)
        finally:
            for engine in engines.values():
                engine.dispose()
            if postgres_url:
                from tests.conftest import drop_postgres_database

                drop_postgres_database(postgres_url)
    return 0 if ok else 1


def _postgres_reason() -> str:
    try:
        from tests.conftest import postgres_unavailable_reason
    except ImportError:  # pragma: no cover - the tests package ships with the repository
        return "the tests package is missing"
    return postgres_unavailable_reason() or ""


if __name__ == "__main__":
    sys.exit(main())
