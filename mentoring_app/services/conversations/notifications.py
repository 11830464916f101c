"""In-app notifications (with an unread count), written in the same transaction as their cause.

A notification stores a template and the id of the member it is about, never their name: names
are filled in when read (services/people), so a member who deletes their account reads
"Former member" in everyone's notifications.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, update
from sqlmodel import Session, select

from mentoring_app import live
from mentoring_app.models import Notification, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import people
from mentoring_app.services.errors import NotAllowed, NotFound


@dataclass(frozen=True)
class NotificationView:
    id: int
    text: str
    link: str
    created_at: datetime
    unread: bool
    about_id: int = 0  # the member it is about (0: nobody's, or a former member)
    about_name: str = ""


@dataclass(frozen=True)
class NotificationGroup:
    """The notifications about one member the reader deals with (their relationship), newest first."""

    about_id: int
    title: str
    unread: int
    items: list[NotificationView]


def notify(
    session: Session,
    *,
    user_id: int,
    kind: str,
    template: str,
    actor_id: int | None = None,
    params: Mapping[str, str] | None = None,
    link: str = "",
) -> None:
    """Add a notification; it is saved only if the caller's transaction commits.

    ``template`` is one of ours, naming the member ``actor_id`` as ``{actor}`` and anything typed
    by members as ``{param}`` from ``params`` (values are filled in, never parsed).
    """
    session.add(
        Notification(
            user_id=user_id,
            kind=kind,
            text=template[:500],
            actor_id=actor_id,
            params=dict(params) if params else None,
            link=link[:200],
        )
    )
    live.publish_after_commit(session, [user_id], live.NOTIFICATION)


def render(rows: list[Notification], names: Mapping[int, str]) -> list[str]:
    """The texts as members read them, with the current name of each member they are about."""
    return [
        people.fill(r.text, actor=names.get(r.actor_id or 0, people.FORMER_MEMBER), params=r.params)[:500]
        for r in rows
    ]


def texts(session: Session, rows: list[Notification]) -> list[str]:
    """:func:`render` with the names looked up in one query."""
    return render(rows, people.names(session, (r.actor_id for r in rows)))


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
    rows = list(rows)
    names = people.names(session, (r.actor_id for r in rows))
    return [
        NotificationView(
            r.id,  # type: ignore[arg-type]
            text,
            r.link,
            r.created_at,
            r.read_at is None,
            r.actor_id or 0,
            names.get(r.actor_id or 0, people.FORMER_MEMBER) if r.actor_id else "",
        )
        for r, text in zip(rows, render(rows, names), strict=True)
    ]


def grouped(session: Session, *, actor: User | None, limit: int = 50) -> list[NotificationGroup]:
    """The member's recent notifications grouped by the member they are about (one group per
    relationship or conversation), the group with the newest notification first."""
    groups: dict[int, list[NotificationView]] = {}
    for view in recent(session, actor=actor, limit=limit):
        groups.setdefault(view.about_id, []).append(view)
    return [
        NotificationGroup(
            about_id,
            items[0].about_name if about_id else "From the platform",
            sum(v.unread for v in items),
            items,
        )
        for about_id, items in groups.items()
    ]


def _about_path(link: str, path: str) -> bool:
    base = link.split("?", 1)[0].rstrip("/")
    return bool(base) and base == path


@functools.cache
def _unread_about_statement() -> Select:
    """The member's unread notifications whose link starts with a path (built once, see db.py,
    "prebuilt": every page a member with unread notifications opens runs it). The link is checked
    again in Python (``_about_path``), so LIKE's wildcards in a path could only widen the rows read."""
    return select(Notification.id, Notification.link).where(  # type: ignore[return-value]
        Notification.user_id == bindparam("member"),
        Notification.read_at.is_(None),  # type: ignore[union-attr]
        Notification.link.startswith(bindparam("path")),  # type: ignore[attr-defined]
    )


def mark_read_for_path(
    session: Session, *, actor: User | None, path: str, now: datetime | None = None, commit: bool = True
) -> int:
    """Opening a page reads the notifications about it (their link opens that page): returns how
    many were marked. Only the member's own unread ones; a query string in the link is ignored."""
    if actor is None or not actor.is_active:
        return 0
    path = path.split("?", 1)[0].rstrip("/")
    if not path:
        return 0
    rows = session.exec(_unread_about_statement(), params={"member": actor.id, "path": path}).all()  # type: ignore[call-overload]
    ids = [nid for nid, link in rows if _about_path(link, path)]
    if not ids:
        return 0
    session.exec(
        update(Notification)  # type: ignore[call-overload]
        .where(Notification.id.in_(ids), Notification.read_at.is_(None))  # type: ignore[union-attr]
        .values(read_at=now or utcnow())
    )
    live.publish_after_commit(session, [actor.id], live.READ)
    if commit:
        session.commit()
    return len(ids)


def mark_read(
    session: Session, *, actor: User | None, notification_id: int, now: datetime | None = None
) -> str:
    """Mark one of the member's own notifications read; returns its link (another member's: NotFound)."""
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("That notification could not be found.")
    if row.read_at is None:
        row.read_at = now or utcnow()
        session.add(row)
        live.publish_after_commit(session, [actor.id], live.READ)
        session.commit()
    return row.link


def mark_all_read(session: Session, *, actor: User | None, now: datetime | None = None) -> int:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    result = session.exec(
        update(Notification)  # type: ignore[call-overload]
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))  # type: ignore[union-attr]
        .values(read_at=now or utcnow())
    )
    if result.rowcount:  # the member's other tabs update their unread count
        live.publish_after_commit(session, [actor.id], live.READ)
    session.commit()
    return int(result.rowcount or 0)
