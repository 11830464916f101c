"""In-app notifications (with an unread count), written in the same transaction as their cause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from mentoring_app.models import Notification, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotAllowed


@dataclass(frozen=True)
class NotificationView:
    id: int
    text: str
    link: str
    created_at: datetime
    unread: bool


def notify(session: Session, *, user_id: int, kind: str, text: str, link: str = "") -> None:
    """Add a notification; it is saved only if the caller's transaction commits."""
    session.add(Notification(user_id=user_id, kind=kind, text=text[:500], link=link[:200]))


def unread_count(session: Session, *, actor: User | None) -> int:
    if actor is None:
        return 0
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == actor.id, Notification.read_at.is_(None))  # type: ignore[union-attr]
        ).one()
    )


def recent(session: Session, *, actor: User | None, limit: int = 50) -> list[NotificationView]:
    """The member's own notifications, newest first."""
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == actor.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())  # type: ignore[attr-defined, union-attr]
        .limit(limit)
    ).all()
    return [NotificationView(r.id, r.text, r.link, r.created_at, r.read_at is None) for r in rows]  # type: ignore[arg-type]


def mark_all_read(session: Session, *, actor: User | None, now: datetime | None = None) -> int:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    result = session.exec(
        update(Notification)  # type: ignore[call-overload]
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))  # type: ignore[union-attr]
        .values(read_at=now or utcnow())
    )
    session.commit()
    return int(result.rowcount or 0)
