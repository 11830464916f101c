"""Unit-test fixtures: a session over the migrated test database, and members to act as."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app.models import User
from mentoring_app.services import auth

STRONG_PASSWORD = "violet-harbour-lantern-42"


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


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
