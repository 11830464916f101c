"""What Recommended for you adds to Home's load: SQL statements and time of Home's database work
(``state.home._home_data``, the page's part of the fused page-open hop) with and without the
recommendations, over the demo data, for a mentee looking for a mentor with saved criteria.

    python -m benchmarks.home_cost [--runs 300] [--postgres]

Each run opens a new session, as each event's hop does; the process's vocabulary and matching
index are warm, as in a running server.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.db import make_engine
from mentoring_app.demo import load_demo_data
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.models import MemberCriterion, Relationship, User
from mentoring_app.models.profiles import MENTEE_SIDE
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.state.home import _home_data


def _looking_mentee(engine: Engine) -> int:
    """A demo mentee with saved criteria and no mentor yet: the member who sees recommendations."""
    with Session(engine) as db:
        matched = select(Relationship.mentee_id).where(Relationship.status == ACCEPTED)
        with_criteria = select(MemberCriterion.user_id).where(MemberCriterion.side == MENTEE_SIDE)
        return db.exec(
            select(User.id)
            .where(User.is_mentee, User.id.in_(with_criteria), User.id.notin_(matched))  # type: ignore[union-attr]
            .order_by(User.id)
        ).first()  # type: ignore[return-value]


def measure(engine: Engine, mentee_id: int, runs: int) -> dict[bool, tuple[int, float, float]]:
    """Per ``recommend``: statements per load (median), median and p95 milliseconds."""
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    out: dict[bool, tuple[int, float, float]] = {}
    for recommend in (False, True, False, True):  # warm both paths, then measure
        times, counts = [], []
        for _ in range(runs):
            with Session(engine) as db:
                user = db.get(User, mentee_id)
                statements.clear()
                start = time.perf_counter()
                data = _home_data(db, user, recommend=recommend)  # type: ignore[arg-type]
                times.append((time.perf_counter() - start) * 1000)
                counts.append(len(statements))
        assert data is not None and (data[3] is not None) == recommend
        if recommend:
            assert data[3] is not None and len(data[3].mentors) == 3, data[3]
        times.sort()
        out[recommend] = (
            int(statistics.median(counts)),
            statistics.median(times),
            times[int(len(times) * 0.95) - 1],
        )
    return out


def report(label: str, url: str, runs: int) -> None:
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            load_demo_data(db)
        mentee_id = _looking_mentee(engine)
        found = measure(engine, mentee_id, runs)
    finally:
        engine.dispose()
    (n0, m0, p0), (n1, m1, p1) = found[False], found[True]
    print(
        f"{label}: Home's data without recommendations {n0} statements, {m0:.2f} ms median, {p0:.2f} ms p95"
    )
    print(f"{label}: with Recommended for you        {n1} statements, {m1:.2f} ms median, {p1:.2f} ms p95")
    print(f"{label}: added                           {n1 - n0} statements, {m1 - m0:+.2f} ms median")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL (TEST_POSTGRES_URL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", f"sqlite:///{Path(tmp) / 'home.db'}", args.runs)
    if args.postgres:
        from tests.conftest import create_postgres_database, drop_postgres_database

        url = create_postgres_database()
        try:
            report("PostgreSQL", url, args.runs)
        finally:
            drop_postgres_database(url)


if __name__ == "__main__":
    main()
