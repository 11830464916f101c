"""Helpers for dashboard tests: an accepted mentoring pair, and a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from mentoring_app.models import Relationship, User
from mentoring_app.services.mentoring import relationships
from tests.unit.test_relationships import TEXT, make_mentor

NOW = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
TODAY = date(2030, 3, 1)

GOAL = {
    "specific": "Win two direct clients for legal translation from French into English.",
    "measurable": "Two signed contracts, each worth at least £1,000 a year.",
    "achievable": "I already translate contracts for two agencies and can give it four hours a week.",
    "relevant": "Direct clients pay better and let me specialise in commercial law.",
    "target_date": date(2030, 6, 30),
}


def accepted_pair(db: Session, make_member) -> tuple[User, User, Relationship]:
    """(mentor, mentee, relationship) with the request accepted."""
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    relationships.accept_request(db, actor=mentor, request_id=rel.id)
    db.refresh(rel)
    return mentor, mentee, rel
