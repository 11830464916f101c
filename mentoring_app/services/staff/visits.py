"""Counting visits: a visit is one browser's arrival, not every page load.

A page view made 30 minutes or more after the same browser's previous page view starts a new
visit; one made sooner (29:59 included) extends the current visit. A browser is known only by the
SHA-256 digest of a random id it keeps in a cookie (no IP address is ever stored), and paths are
stored without query string or fragment, so no tokens or search terms end up in the log.

Recording costs one indexed look-up, one update or insert of the visit, one insert of the page
view, and one commit; a new visit (or a visit whose member just logged in) also adds one to its
month's row in ``visit_months`` (an upsert), so the dashboard never counts a million rows. Two page
views from one browser at the same instant cannot fail: at worst they start two visits, which
over-counts by one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from mentoring_app.models import PageView, Visit, VisitMonth
from mentoring_app.models.analytics import MAX_PATH
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import ValidationFailed

VISIT_GAP = timedelta(minutes=30)
BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{16,128}")  # what secrets.token_urlsafe() makes
KEEP_PAGE_VIEWS = timedelta(days=90)


def browser_digest(browser_id: str) -> str:
    """The stored form of a browser id: its SHA-256 hex digest, after checking its shape."""
    if not BROWSER_ID.fullmatch(browser_id or ""):
        raise ValidationFailed({"browser_id": "A browser id is 16 to 128 URL-safe characters."})
    return hashlib.sha256(browser_id.encode("ascii")).hexdigest()


def clean_path(path: str) -> str:
    """The path alone: no scheme or host, no query string, no fragment, no trailing slash (a full
    page load reaches ``/home/``, a link ``/home``: one page), at most 200 characters."""
    path = (path or "").strip().split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        raise ValidationFailed({"path": "A path starts with a single /."})
    return (path.rstrip("/") or "/")[:MAX_PATH]


def month_key(moment: datetime) -> str:
    """The calendar month (UTC) a visit is counted in, as "2025-01"."""
    return f"{moment.year:04d}-{moment.month:02d}"


def count_in_month(session: Session, month: str, *, visits: int, logged_in: int) -> None:
    """Add to a month's counters, creating its row on first use (an upsert: safe when concurrent)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(VisitMonth).values(month=month, visits=visits, logged_in=logged_in)
    session.exec(
        statement.on_conflict_do_update(  # type: ignore[call-overload]
            index_elements=["month"],
            set_={
                "visits": VisitMonth.visits + statement.excluded.visits,
                "logged_in": VisitMonth.logged_in + statement.excluded.logged_in,
            },
        )
    )


def record_page_view(
    session: Session,
    *,
    browser_id: str,
    user_id: int | None,
    path: str,
    now: datetime | None = None,
    commit: bool = True,
) -> int:
    """Record one page view and return the id of the visit it belongs to (commits unless told).

    The browser's latest visit is extended when its last page view was under 30 minutes ago
    (and takes the member's id once they log in); otherwise a new visit starts here.
    """
    digest = browser_digest(browser_id)
    clean = clean_path(path)
    now = now or utcnow()
    latest = session.exec(
        select(Visit.id, Visit.last_seen_at, Visit.started_at, Visit.user_id)
        .where(Visit.browser_digest == digest)
        .order_by(Visit.last_seen_at.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    if latest is not None and now - latest[1] < VISIT_GAP:
        visit_id, started_at, known_user = latest[0], latest[2], latest[3]
        values: dict[str, object] = {"page_views": Visit.page_views + 1}
        if now > latest[1]:
            values["last_seen_at"] = now
        session.exec(update(Visit).where(Visit.id == visit_id).values(**values))  # type: ignore[call-overload, arg-type]
        if user_id is not None and known_user != user_id:
            # Claimed with a condition, so two page views at once count the member's log-in once.
            became_known = session.exec(
                update(Visit)  # type: ignore[call-overload]
                .where(Visit.id == visit_id, Visit.user_id.is_(None))  # type: ignore[union-attr]
                .values(user_id=user_id)
            ).rowcount
            if became_known:
                count_in_month(session, month_key(started_at), visits=0, logged_in=1)
            else:
                session.exec(update(Visit).where(Visit.id == visit_id).values(user_id=user_id))  # type: ignore[call-overload]
    else:
        visit = Visit(
            browser_digest=digest,
            user_id=user_id,
            started_at=now,
            last_seen_at=now,
            landing_path=clean,
            page_views=1,
        )
        session.add(visit)
        session.flush()
        visit_id = visit.id  # type: ignore[assignment]
        count_in_month(session, month_key(now), visits=1, logged_in=int(user_id is not None))
    session.add(PageView(visit_id=visit_id, at=now, path=clean))
    if commit:
        session.commit()
    else:
        session.flush()
    return visit_id  # type: ignore[return-value]


def rebuild_visit_months(session: Session) -> int:
    """Recount ``visit_months`` from the visits themselves (after a bulk load or a repair); commits.

    Returns the number of months counted. Run by the benchmark after generating visits.
    """
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(func.timezone("UTC", Visit.started_at), literal("YYYY-MM"))
    else:
        month = func.strftime(literal("%Y-%m"), Visit.started_at)
    session.exec(delete(VisitMonth))  # type: ignore[call-overload]
    rows = session.exec(
        select(month.label("month"), func.count(Visit.id), func.count(Visit.user_id)).group_by(month)  # type: ignore[arg-type]
    ).all()
    session.add_all(VisitMonth(month=m, visits=total, logged_in=known) for m, total, known in rows)
    session.commit()
    return len(rows)


def purge_page_views(
    session: Session, *, now: datetime | None = None, keep: timedelta = KEEP_PAGE_VIEWS
) -> int:
    """Housekeeping: drop page views older than ``keep`` (visits, which the charts count, stay)."""
    now = now or utcnow()
    result = session.exec(delete(PageView).where(PageView.at < now - keep))  # type: ignore[call-overload, arg-type]
    session.commit()
    return int(result.rowcount or 0)
