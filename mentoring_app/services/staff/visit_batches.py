"""Recording a second's page views in a handful of statements, whatever their number.

Why: the app writes page views in batches (state/page_views.py), and under load a batch holds
dozens of views. Recorded one by one (:func:`visits.record_page_view`), each costs a look-up, an
update or insert of its visit and an insert of the view: three statements and a flush per view.
Here a batch costs one look-up of the browsers' latest visits, one multi-row update of the visits
that go on, one multi-row insert of the visits that start, one multi-row insert of the views and
one upsert per month touched, with the same rules as the one-by-one path (a 30-minute gap starts a
visit; a log-in claims the visit once, so the month's "logged in" count rises once).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlmodel import Session

from mentoring_app.models import PageView, Visit
from mentoring_app.services.errors import ValidationFailed
from mentoring_app.services.staff.visits import (
    VISIT_GAP,
    browser_digest,
    clean_path,
    count_in_month,
    month_key,
)

View = tuple[str, int | None, str, datetime]  # (browser id, member id or None, path, at)

_VISITS = Visit.__table__  # type: ignore[attr-defined]
_PAGE_VIEWS = PageView.__table__  # type: ignore[attr-defined]


@dataclass
class _Open:
    """One visit as the batch leaves it: known (``id``) or to be inserted."""

    digest: str
    started_at: datetime
    last_seen_at: datetime
    user_id: int | None
    landing_path: str
    id: int | None = None
    added_views: int = 0
    stored_user_id: int | None = None  # a known visit's member as stored before the batch
    paths: list[tuple[datetime, str]] = field(default_factory=list)


def _latest_visits(session: Session, digests: list[str]) -> dict[str, _Open]:
    """Each browser's latest visit (the newest id: a browser's visits follow one another)."""
    newest = (
        select(func.max(_VISITS.c.id))
        .where(_VISITS.c.browser_digest.in_(digests))
        .group_by(_VISITS.c.browser_digest)
    )
    rows = session.connection().execute(
        select(
            _VISITS.c.id,
            _VISITS.c.browser_digest,
            _VISITS.c.started_at,
            _VISITS.c.last_seen_at,
            _VISITS.c.user_id,
            _VISITS.c.landing_path,
        ).where(_VISITS.c.id.in_(newest))
    )
    return {
        row.browser_digest: _Open(
            row.browser_digest,
            row.started_at,
            row.last_seen_at,
            row.user_id,
            row.landing_path,
            row.id,
            stored_user_id=row.user_id,
        )
        for row in rows
    }


def _plan(views: list[View], latest: dict[str, _Open]) -> list[_Open]:
    """Walk each browser's views in time order: extend its visit or start a new one."""
    touched: list[_Open] = []
    current: dict[str, _Open] = {}
    for digest, user_id, path, at in views:
        visit = current.get(digest) or latest.get(digest)
        if visit is None or at - visit.last_seen_at >= VISIT_GAP:
            visit = _Open(digest=digest, started_at=at, last_seen_at=at, user_id=user_id, landing_path=path)
            touched.append(visit)
        else:
            if visit.id is not None and visit.added_views == 0:
                touched.append(visit)
            visit.last_seen_at = max(visit.last_seen_at, at)
            if user_id is not None:
                visit.user_id = user_id
        visit.added_views += 1
        visit.paths.append((at, path))
        current[digest] = visit
    return touched


def record_page_views(session: Session, views: list[View]) -> None:
    """Record a batch of page views ``(browser id, member id, path, at)`` in one transaction.

    Views with a malformed browser id or path are skipped (one bad view must not lose the rest)."""
    clean: list[View] = []
    for browser_id, user_id, path, at in sorted(views, key=lambda view: view[3]):
        try:
            clean.append((browser_digest(browser_id), user_id, clean_path(path), at))
        except ValidationFailed:
            continue
    if not clean:
        return
    latest = _latest_visits(session, sorted({view[0] for view in clean}))
    touched = _plan(clean, latest)
    connection = session.connection()
    months: Counter[tuple[str, str]] = Counter()
    going_on = [visit for visit in touched if visit.id is not None]
    if going_on:
        connection.execute(
            update(_VISITS)
            .where(_VISITS.c.id == bindparam("visit_id"))
            .values(
                page_views=_VISITS.c.page_views + bindparam("added"),
                last_seen_at=case(
                    (_VISITS.c.last_seen_at < bindparam("seen"), bindparam("seen")),
                    else_=_VISITS.c.last_seen_at,
                ),
            ),
            [{"visit_id": v.id, "added": v.added_views, "seen": v.last_seen_at} for v in going_on],
        )
    for visit in going_on:
        if visit.user_id == visit.stored_user_id:
            continue
        claimed = 0
        if visit.stored_user_id is None:
            # Claimed with a condition, so two writers at once count the member's log-in once.
            claimed = connection.execute(
                update(_VISITS)
                .where(_VISITS.c.id == visit.id, _VISITS.c.user_id.is_(None))
                .values(user_id=visit.user_id)
            ).rowcount
            if claimed:
                months[(month_key(visit.started_at), "logged_in")] += 1
        if not claimed:
            connection.execute(update(_VISITS).where(_VISITS.c.id == visit.id).values(user_id=visit.user_id))
    starting = [visit for visit in touched if visit.id is None]
    if starting:
        # Multi-row VALUES with RETURNING; the rows come back in any order, keyed by browser and
        # start (a browser starts at most one visit at an instant).
        returned = connection.execute(
            insert(_VISITS).returning(_VISITS.c.id, _VISITS.c.browser_digest, _VISITS.c.started_at),
            [
                {
                    "browser_digest": v.digest,
                    "user_id": v.user_id,
                    "started_at": v.started_at,
                    "last_seen_at": v.last_seen_at,
                    "landing_path": v.landing_path,
                    "page_views": v.added_views,
                }
                for v in starting
            ],
        )
        ids = {(row.browser_digest, row.started_at): row.id for row in returned}
        for visit in starting:
            visit.id = ids[(visit.digest, visit.started_at)]
            months[(month_key(visit.started_at), "visits")] += 1
            if visit.user_id is not None:
                months[(month_key(visit.started_at), "logged_in")] += 1
    connection.execute(
        insert(_PAGE_VIEWS),
        [{"visit_id": v.id, "at": at, "path": path} for v in touched for at, path in v.paths],
    )
    for month in sorted({month for month, _ in months}):
        count_in_month(
            session, month, visits=months[(month, "visits")], logged_in=months[(month, "logged_in")]
        )
    session.commit()
