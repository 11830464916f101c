"""The audit log of admin actions: who did what, to what, and when.

``record`` is called by every admin service inside its own transaction, so an action and its
audit entry are committed together (or not at all). Entries name no member: the actor and a
target member are kept by id and named when the log is read, as "Name <email>" for a target
(admins see addresses anyway) and "Former member" once that member has deleted their account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from mentoring_app.models import AuditEntry, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import people
from mentoring_app.services.staff.admin_access import require_admin

MAX_SUMMARY = 500
PAGE_SIZE = 100
OPERATOR = "Operator (command line)"  # the actor of changes made with mentoring_app.cli


@dataclass(frozen=True)
class AuditView:
    """One line of the audit log as admins read it."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_id: int | None
    summary: str


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    summary: str,
    now: datetime | None = None,
) -> AuditEntry:
    """Add an entry to the session without committing: it lands in the caller's transaction.

    ``actor`` None means the trusted operator's command line (no account behind it). For a
    ``target_type`` of "user", ``summary`` says what was done and not to whom: the log adds who.
    """
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_name="" if actor else OPERATOR,
        action=action[:40],
        target_type=target_type[:30],
        target_id=target_id,
        summary=" ".join(summary.split())[:MAX_SUMMARY],
        at=now or utcnow(),
    )
    session.add(entry)
    return entry


def recent(
    session: Session,
    *,
    actor: User | None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    action: str | None = None,
) -> list[AuditView]:
    """The newest entries first (optionally one kind of action), a page at a time."""
    require_admin(actor)
    statement = select(AuditEntry)
    if action:
        statement = statement.where(AuditEntry.action == action)
    rows = session.exec(
        statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())  # type: ignore[attr-defined, union-attr]
        .offset(max(0, offset))
        .limit(max(1, min(limit, 500)))
    ).all()
    ids = {r.actor_id for r in rows} | {r.target_id for r in rows if r.target_type == "user"}
    members = (
        {u.id: u for u in session.exec(select(User).where(User.id.in_(ids - {None})))}  # type: ignore[union-attr]
        if ids - {None}
        else {}
    )
    return [
        AuditView(
            id=row.id,  # type: ignore[arg-type]
            at=row.at,
            actor_id=row.actor_id,
            actor_name=_actor(row, members),
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            summary=_summary(row, members),
        )
        for row in rows
    ]


def _actor(row: AuditEntry, members: dict[int | None, User]) -> str:
    if row.actor_id is None:
        return row.actor_name or people.FORMER_MEMBER  # the operator, or a member since removed
    found = members.get(row.actor_id)
    return found.name if found else people.FORMER_MEMBER


def _summary(row: AuditEntry, members: dict[int | None, User]) -> str:
    """The summary, with the target member named as they are now."""
    if row.target_type != "user" or row.target_id is None:
        return row.summary
    found = members.get(row.target_id)
    who = (
        people.FORMER_MEMBER if found is None or people.is_deleted(found) else f"{found.name} <{found.email}>"
    )
    return f"{row.summary}: {who}"


def actions(session: Session, *, actor: User | None) -> list[str]:
    """The kinds of action in the log, for the log's filter."""
    require_admin(actor)
    return list(session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all())
