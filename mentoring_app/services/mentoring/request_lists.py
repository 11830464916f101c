"""What the Requests page lists: a member's requests, both ways, and the count waiting for a mentor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from mentoring_app.models import Relationship, User
from mentoring_app.models.relationships import REQUESTED
from mentoring_app.services.mentoring.relationships import DECLINE_REASONS, _active
from mentoring_app.services.mentoring.status import status_label


@dataclass(frozen=True)
class RequestView:
    id: int
    status: str
    status_label: str  # status.status_label: the words every screen uses
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    text: str
    created_at: datetime
    decline_reason: str
    decline_note: str
    suggested_mentor_id: int | None
    suggested_mentor_name: str


def list_requests(session: Session, *, actor: User | None) -> tuple[list[RequestView], list[RequestView]]:
    """(incoming for the mentor, outgoing for the mentee), newest first."""
    member = _active(actor)
    rows = session.exec(
        select(Relationship)
        .where(or_(Relationship.mentor_id == member.id, Relationship.mentee_id == member.id))
        .order_by(Relationship.created_at.desc(), Relationship.id.desc())  # type: ignore[attr-defined, union-attr]
        .limit(200)
    ).all()
    ids = (
        {r.mentee_id for r in rows}
        | {r.mentor_id for r in rows}
        | {r.suggested_mentor_id for r in rows if r.suggested_mentor_id}
    )
    names = dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}  # type: ignore[union-attr]
    views = [
        RequestView(
            id=r.id,
            status=r.status,
            status_label=status_label(r.status, r.informal_since),
            mentee_id=r.mentee_id,
            mentee_name=names.get(r.mentee_id, ""),  # type: ignore[arg-type]
            mentor_id=r.mentor_id,
            mentor_name=names.get(r.mentor_id, ""),
            text=r.request_text,
            created_at=r.created_at,
            decline_reason=DECLINE_REASONS.get(r.decline_reason or "", ""),
            decline_note=r.decline_note or "",
            suggested_mentor_id=r.suggested_mentor_id,
            suggested_mentor_name=names.get(r.suggested_mentor_id or 0, ""),
        )
        for r in rows
    ]
    return [v for v in views if v.mentor_id == member.id], [v for v in views if v.mentee_id == member.id]


def pending_count(session: Session, *, actor: User | None) -> int:
    """How many requests wait for this mentor's answer."""
    mentor = _active(actor)
    return int(
        session.exec(
            select(func.count())
            .select_from(Relationship)
            .where(Relationship.mentor_id == mentor.id, Relationship.status == REQUESTED)
        ).one()
    )
