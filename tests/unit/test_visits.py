"""Visits: a page view 30 minutes or more after the browser's previous one starts a new visit."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import PageView, Visit, VisitMonth
from mentoring_app.services.errors import ValidationFailed
from mentoring_app.services.staff import visit_batches, visits

BROWSER = "browser-id-0123456789abcdef"
OTHER = "another-browser-0123456789"
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def test_29_59_later_is_the_same_visit_and_30_00_starts_a_new_one(db: Session, make_member) -> None:
    member = make_member()
    first = visits.record_page_view(db, browser_id=BROWSER, user_id=None, path="/", now=T0)
    same = visits.record_page_view(
        db,
        browser_id=BROWSER,
        user_id=member.id,
        path="/find-mentor",
        now=T0 + timedelta(minutes=29, seconds=59),
    )
    assert same == first
    # The gap counts from the latest page view, not from the start of the visit.
    still = visits.record_page_view(
        db, browser_id=BROWSER, user_id=None, path="/a", now=T0 + timedelta(minutes=59)
    )
    assert still == first
    new = visits.record_page_view(
        db, browser_id=BROWSER, user_id=None, path="/b", now=T0 + timedelta(minutes=89)
    )
    assert new != first
    visit = db.get(Visit, first)
    db.refresh(visit)
    assert visit.page_views == 3
    assert visit.user_id == member.id  # known once they logged in, kept after
    assert visit.started_at == T0 and visit.last_seen_at == T0 + timedelta(minutes=59)
    assert visit.landing_path == "/"
    second = db.get(Visit, new)
    assert (second.page_views, second.user_id, second.landing_path) == (1, None, "/b")
    views = db.exec(select(PageView.visit_id, PageView.path).order_by(PageView.at)).all()
    assert views == [(first, "/"), (first, "/find-mentor"), (first, "/a"), (new, "/b")]


def test_exactly_30_minutes_is_a_new_visit(db: Session) -> None:
    first = visits.record_page_view(db, browser_id=BROWSER, user_id=None, path="/", now=T0)
    assert (
        visits.record_page_view(db, browser_id=BROWSER, user_id=None, path="/", now=T0 + visits.VISIT_GAP)
        != first
    )
    assert len(db.exec(select(Visit)).all()) == 2


def test_browsers_are_counted_apart_and_only_digests_are_stored(db: Session) -> None:
    a = visits.record_page_view(db, browser_id=BROWSER, user_id=None, path="/", now=T0)
    b = visits.record_page_view(db, browser_id=OTHER, user_id=None, path="/", now=T0)
    assert a != b
    stored = {row.browser_digest for row in db.exec(select(Visit)).all()}
    assert stored == {visits.browser_digest(BROWSER), visits.browser_digest(OTHER)}
    assert all(len(d) == 64 and BROWSER not in d for d in stored)


def test_paths_lose_query_and_fragment_and_are_truncated(db: Session) -> None:
    visit_id = visits.record_page_view(
        db, browser_id=BROWSER, user_id=None, path="/reset-password?key=SECRET#top", now=T0
    )
    assert db.get(Visit, visit_id).landing_path == "/reset-password"
    long_id = visits.record_page_view(db, browser_id=OTHER, user_id=None, path="/" + "x" * 500, now=T0)
    assert len(db.get(Visit, long_id).landing_path) == 200
    assert "SECRET" not in " ".join(db.exec(select(PageView.path)).all())


@pytest.mark.parametrize("path", ["", "find-mentor", "https://evil.example/x", "//evil.example/x"])
def test_bad_paths_are_refused(db: Session, path: str) -> None:
    with pytest.raises(ValidationFailed):
        visits.record_page_view(db, browser_id=BROWSER, user_id=None, path=path, now=T0)


@pytest.mark.parametrize(
    "browser_id", ["", "short", "x" * 129, "has spaces in it 0123", "semi;colon;0123456789"]
)
def test_bad_browser_ids_are_refused(db: Session, browser_id: str) -> None:
    with pytest.raises(ValidationFailed):
        visits.record_page_view(db, browser_id=browser_id, user_id=None, path="/", now=T0)
    assert db.exec(select(Visit)).all() == []


def test_simultaneous_page_views_from_one_browser_do_not_fail(engine: Engine) -> None:
    with Session(engine) as session:
        visits.record_page_view(session, browser_id=BROWSER, user_id=None, path="/", now=T0)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def view(n: int) -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                visits.record_page_view(
                    session, browser_id=BROWSER, user_id=None, path=f"/{n}", now=T0 + timedelta(minutes=1)
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=view, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        rows = session.exec(select(Visit)).all()
        assert sum(v.page_views for v in rows) == 5  # every view counted, none lost
        assert len(session.exec(select(PageView)).all()) == 5


def test_old_page_views_are_purged_but_visits_stay(db: Session) -> None:
    visits.record_page_view(db, browser_id=BROWSER, user_id=None, path="/", now=T0)
    visits.record_page_view(db, browser_id=OTHER, user_id=None, path="/", now=T0 + timedelta(days=100))
    assert visits.purge_page_views(db, now=T0 + timedelta(days=100)) == 1
    assert len(db.exec(select(Visit)).all()) == 2
    assert len(db.exec(select(PageView)).all()) == 1


def test_monthly_counts_follow_visits_and_match_a_recount(db: Session, make_member) -> None:
    member = make_member()
    january = datetime(2025, 1, 31, 23, 50, tzinfo=UTC)
    visits.record_page_view(db, browser_id=BROWSER, user_id=None, path="/", now=january)
    # Logs in 15 minutes later, in February: the visit started in January, and is now logged in.
    visits.record_page_view(
        db, browser_id=BROWSER, user_id=member.id, path="/", now=january + timedelta(minutes=15)
    )
    visits.record_page_view(
        db, browser_id=BROWSER, user_id=member.id, path="/", now=january + timedelta(minutes=20)
    )
    visits.record_page_view(db, browser_id=OTHER, user_id=None, path="/", now=january + timedelta(minutes=20))
    visits.record_page_view(
        db, browser_id=OTHER, user_id=member.id, path="/", now=january + timedelta(hours=2)
    )
    counted = {(m.month, m.visits, m.logged_in) for m in db.exec(select(VisitMonth)).all()}
    assert counted == {("2025-01", 1, 1), ("2025-02", 2, 1)}
    assert visits.rebuild_visit_months(db) == 2
    assert {(m.month, m.visits, m.logged_in) for m in db.exec(select(VisitMonth)).all()} == counted


def test_a_batch_counts_as_the_same_views_one_by_one(db: Session, make_member) -> None:
    member = make_member()
    batch = [
        (OTHER, None, "/", T0 + timedelta(minutes=2)),
        (BROWSER, None, "/", T0),
        (BROWSER, member.id, "/home", T0 + timedelta(minutes=1)),
        (BROWSER, member.id, "/find-mentor", T0 + visits.VISIT_GAP + timedelta(minutes=1)),
    ]
    visit_batches.record_page_views(db, batch)

    stored = db.exec(select(Visit).order_by(Visit.started_at, Visit.id)).all()  # type: ignore[arg-type]
    mine = visits.browser_digest(BROWSER)
    assert [(v.browser_digest == mine, v.page_views, v.user_id) for v in stored] == [
        (True, 2, member.id),  # the log-in on the second view makes the visit a member's
        (False, 1, None),
        (True, 1, member.id),  # over 30 minutes after the last view: a new visit
    ]
    assert len(db.exec(select(PageView)).all()) == 4
    months = db.exec(select(VisitMonth)).all()
    assert sum(m.visits for m in months) == 3 and sum(m.logged_in for m in months) == 2


def _stored(db: Session) -> tuple[list[tuple], list[tuple], set[tuple]]:
    found = [
        (v.browser_digest, v.user_id, v.started_at, v.last_seen_at, v.landing_path, v.page_views)
        for v in db.exec(select(Visit).order_by(Visit.browser_digest, Visit.started_at)).all()  # type: ignore[arg-type]
    ]
    by_id = {v.id: v.browser_digest for v in db.exec(select(Visit)).all()}
    views = sorted((by_id[p.visit_id], p.at, p.path) for p in db.exec(select(PageView)).all())
    months = {(m.month, m.visits, m.logged_in) for m in db.exec(select(VisitMonth)).all()}
    return found, views, months


def _forget(db: Session) -> None:
    for model in (PageView, Visit, VisitMonth):
        for row in db.exec(select(model)).all():
            db.delete(row)
    db.commit()


@pytest.mark.parametrize("seed", range(6))
def test_batches_store_exactly_what_one_by_one_stores(db: Session, make_member, seed: int) -> None:
    """Random browsers, members, paths and gaps (a log-in within a visit, visits crossing a month,
    two browsers' views in the same instant), split into batches: rows equal the one-by-one rows."""
    rng = random.Random(seed)
    members = [make_member().id for _ in range(2)]
    browsers = [BROWSER, OTHER, "c" * 20]
    clock = {b: datetime(2025, 1, 31, 23, 0, tzinfo=UTC) for b in browsers}
    views = []
    for _ in range(40):
        browser = rng.choice(browsers)
        clock[browser] += rng.choice(
            [timedelta(seconds=1), timedelta(minutes=5), visits.VISIT_GAP, timedelta(hours=3)]
        )
        views.append(
            (
                browser,
                rng.choice([None, None, *members]),
                rng.choice(["/", "/home", "/find-mentor"]),
                clock[browser],
            )
        )
    views.sort(key=lambda view: view[3])
    for browser, user_id, path, at in views:
        visits.record_page_view(db, browser_id=browser, user_id=user_id, path=path, now=at)
    expected = _stored(db)
    _forget(db)
    cut = sorted(rng.sample(range(1, len(views)), 3))
    for part in (views[: cut[0]], views[cut[0] : cut[1]], views[cut[1] : cut[2]], views[cut[2] :]):
        shuffled = part[:]
        rng.shuffle(shuffled)  # a batch arrives in any order: it is sorted by time
        visit_batches.record_page_views(db, shuffled)
    assert _stored(db) == expected


def test_a_batch_costs_a_few_statements_not_three_per_view(db: Session, make_member) -> None:
    from sqlalchemy import event

    member = make_member()
    visit_batches.record_page_views(db, [(BROWSER, None, "/", T0)])
    statements: list[str] = []
    engine = db.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        batch = [(BROWSER, member.id, "/home", T0 + timedelta(seconds=i)) for i in range(30)]
        batch += [(f"browser-number-{i:04d}", None, "/", T0) for i in range(30)]
        visit_batches.record_page_views(db, batch)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # Look-up, update of the visit going on, its log-in claim, insert of 30 visits, insert of 60
    # views, one month upsert (SQLite sends a multi-row insert as one statement per few rows).
    assert len(statements) <= 8, statements
    assert sum(v.page_views for v in db.exec(select(Visit)).all()) == 61
