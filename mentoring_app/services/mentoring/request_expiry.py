"""Requests left unanswered: a reminder to the mentor after 7 days, expiry after 14 (the due-jobs
task runs this; safe to run again, and on several instances at once: each step is a conditional
update on the request's status)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from mentoring_app.models import Relationship, User
from mentoring_app.models.relationships import EXPIRED, REQUESTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.mentoring.relationships import (
    EXPIRE_AFTER,
    FIND_MENTOR_PATH,
    REMIND_AFTER,
    _tell,
    _transition,
)


def run_due_jobs(session: Session, *, now: datetime | None = None) -> tuple[int, int]:
    """Remind mentors of requests waiting 7 days; expire those waiting 14. Safe to run again."""
    now = now or utcnow()
    reminded = expired = 0
    for rel in session.exec(
        select(Relationship).where(
            Relationship.status == REQUESTED, Relationship.created_at <= now - EXPIRE_AFTER
        )
    ).all():
        try:
            _transition(session, rel, before=REQUESTED, after=EXPIRED, actor_id=None, now=now)  # type: ignore[arg-type]
        except ServiceError:
            continue
        mentee, mentor = session.get(User, rel.mentee_id), session.get(User, rel.mentor_id)
        if mentee and mentor:
            _tell(
                session,
                mentee,
                kind="expired",
                subject="Your request to {actor} has expired",
                about=mentor,
                paragraphs=[
                    f"{mentor.name} did not answer within 14 days.",
                    "Find mentor will help you find someone else.",
                ],
                link_text="Find mentor",
                path=FIND_MENTOR_PATH,
            )
        session.commit()
        expired += 1
    due = session.exec(
        select(Relationship).where(
            Relationship.status == REQUESTED,
            Relationship.reminded_at.is_(None),  # type: ignore[union-attr]
            Relationship.created_at <= now - REMIND_AFTER,
        )
    ).all()
    for rel in due:
        claimed = session.exec(
            update(Relationship)  # type: ignore[call-overload]
            .where(
                Relationship.id == rel.id,
                Relationship.reminded_at.is_(None),
                Relationship.status == REQUESTED,
            )  # type: ignore[union-attr]
            .values(reminded_at=now)
        )
        if claimed.rowcount != 1:
            session.rollback()
            continue
        mentor, mentee = session.get(User, rel.mentor_id), session.get(User, rel.mentee_id)
        if mentor and mentee:
            _tell(
                session,
                mentor,
                kind="reminder",
                subject="{actor} is waiting for your answer",
                about=mentee,
                paragraphs=[
                    f"{mentee.name} sent you a mentoring request a week ago.",
                    "Please accept or decline it: it expires in 7 days.",
                ],
                link_text="Open your requests",
            )
        session.commit()
        reminded += 1
    return reminded, expired
