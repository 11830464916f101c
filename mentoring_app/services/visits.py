"""Counting visits: a visit is one browser's arrival, not every page load.

A page view made 30 minutes or more after the same browser's previous page view starts a new
visit; one made sooner (29:59 included) extends the current visit. A browser is known only by the
SHA-256 digest of a random id it keeps in a cookie (no IP address is ever stored), and paths are
stored without query string or fragment, so no tokens or search terms end up in the log.

Recording costs one indexed look-up, one update or insert of the visit, one insert of the page
view, and one commit. Two page views from one browser at the same instant cannot fail: at worst
they start two visits, which over-counts by one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from mentoring_app.models import PageView, Visit
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
    """The path alone: no scheme or host, no query string, no fragment, at most 200 characters."""
    path = (path or "").strip().split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        raise ValidationFailed({"path": "A path starts with a single /."})
    return path[:MAX_PATH]


def record_page_view(
    session: Session, *, browser_id: str, user_id: int | None, path: str, now: datetime | None = None
) -> int:
    """Record one page view and return the id of the visit it belongs to (commits).

    The browser's latest visit is extended when its last page view was under 30 minutes ago
    (and takes the member's id once they log in); otherwise a new visit starts here.
    """
    digest = browser_digest(browser_id)
    clean = clean_path(path)
    now = now or utcnow()
    latest = session.exec(
        select(Visit.id, Visit.last_seen_at)
        .where(Visit.browser_digest == digest)
        .order_by(Visit.last_seen_at.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    visit_id: int | None = None
    if latest is not None and now - latest[1] < VISIT_GAP:
        values: dict[str, object] = {"page_views": Visit.page_views + 1}
        if now > latest[1]:
            values["last_seen_at"] = now
        statement = update(Visit).where(Visit.id == latest[0]).values(**values)  # type: ignore[arg-type]
        if user_id is not None:
            statement = statement.values(user_id=user_id)
        session.exec(statement)  # type: ignore[call-overload]
        visit_id = latest[0]
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
        visit_id = visit.id
    session.add(PageView(visit_id=visit_id, at=now, path=clean))  # type: ignore[arg-type]
    session.commit()
    return visit_id  # type: ignore[return-value]


def purge_page_views(
    session: Session, *, now: datetime | None = None, keep: timedelta = KEEP_PAGE_VIEWS
) -> int:
    """Housekeeping: drop page views older than ``keep`` (visits, which the charts count, stay)."""
    now = now or utcnow()
    result = session.exec(delete(PageView).where(PageView.at < now - keep))  # type: ignore[call-overload, arg-type]
    session.commit()
    return int(result.rowcount or 0)
