"""Unit-test fixtures: a session over the migrated test database, and members to act as."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import MatchingField, MatchingOption, User
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery import vocabulary

STRONG_PASSWORD = "violet-harbour-lantern-42"


@pytest.fixture
def make_member(db: Session) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(*, role: str = "mentee", name: str | None = None, email: str | None = None) -> User:
        n = next(counter)
        return auth.register(
            db,
            name=name or f"Member {n}",
            email=email or f"member{n}@example.org",
            password=STRONG_PASSWORD,
            role=role,
        )

    return make


@pytest.fixture
def restore_vocabulary(engine: Engine) -> Iterator[None]:
    """Put the matching vocabulary back as it was after a test that edits it.

    The vocabulary is seeded by the migrations and kept between PostgreSQL tests (see
    SEEDED_BY_MIGRATIONS), so edits must not leak into the next test.
    """
    with Session(engine) as session:
        fields = {f.id: f.model_dump() for f in session.exec(select(MatchingField)).all()}
        options = {o.id: o.model_dump() for o in session.exec(select(MatchingOption)).all()}
    yield
    with Session(engine) as session:
        session.exec(delete(MatchingOption).where(MatchingOption.id.not_in(options)))  # type: ignore[call-overload, union-attr]
        session.exec(delete(MatchingField).where(MatchingField.id.not_in(fields)))  # type: ignore[call-overload, union-attr]
        for model, rows in ((MatchingField, fields), (MatchingOption, options)):
            for row in rows.values():
                session.exec(update(model).where(model.id == row["id"]).values(**row))  # type: ignore[call-overload, attr-defined]
        session.commit()
    vocabulary.invalidate_cache()
