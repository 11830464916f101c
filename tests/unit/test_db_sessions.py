"""The database layer's connection handling (mentoring_app/db.py): a pooled connection that
PostgreSQL closed is never handed out, without a round trip on every checkout; and ``read_scope``
reads outside a transaction on PostgreSQL while refusing to write."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app import db as db_module
from mentoring_app.models import LoginSession, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery import matching
from mentoring_app.state import db_calls
from mentoring_app.state.find_mentor import _answer


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_postgresql_closed_is_replaced_and_a_live_one_is_not_pinged(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db_module.make_engine(postgres_url)
    pings: list[object] = []
    real_ping = db_module._ping
    monkeypatch.setattr(db_module, "_ping", lambda c: pings.append(c) or real_ping(c))
    try:
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first, "the pool keeps its connection"
        assert pings == [], "a connection with nothing to read costs no round trip"

        with db_module.make_engine(postgres_url).connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            admin.commit()
        time.sleep(0.2)  # the server's goodbye reaches the idle socket

        second = _backend_pid(engine)  # would raise if the closed connection were handed out
        assert second != first
        assert len(pings) <= 1, "only the connection with something to read is asked"
        assert _backend_pid(engine) == second
    finally:
        engine.dispose()


@pytest.fixture
def app_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The test database as the app's own engine (what db_calls and read_scope use)."""
    monkeypatch.setattr(db_module, "get_engine", lambda: engine)
    return engine


def test_read_scope_reads_outside_a_transaction_on_postgresql(app_engine: Engine) -> None:
    if app_engine.dialect.name != "postgresql":
        assert db_module.get_read_engine() is app_engine, "SQLite reads open no transaction anyway"
        return
    with db_module.read_scope() as session:
        session.execute(text("SELECT 1"))
        status = session.connection().connection.dbapi_connection.info.transaction_status  # type: ignore[union-attr]
    with db_module.session_scope() as session:
        session.execute(text("SELECT 1"))
        in_scope = session.connection().connection.dbapi_connection.info.transaction_status  # type: ignore[union-attr]
    assert status == TransactionStatus.IDLE, "no BEGIN, so no COMMIT either"
    assert in_scope == TransactionStatus.INTRANS


def test_read_scope_refuses_to_write(app_engine: Engine, make_member, db: Session) -> None:
    """Only the touch passes: not another column of the member or of their log-in session, not a
    new row, not a member removed."""
    member, other = make_member(), make_member()
    auth.open_session(db, user_id=member.id)  # type: ignore[arg-type]
    db.commit()
    login = select(LoginSession).where(LoginSession.user_id == member.id)

    def changed_name(session: Session) -> None:
        session.get(User, member.id).name = "Changed in a read"  # type: ignore[union-attr]

    def moved_session(session: Session) -> None:
        session.exec(login).one().user_id = other.id  # type: ignore[assignment]

    def new_row(session: Session) -> None:
        session.add(LoginSession(user_id=member.id, key_digest="x", expires_at=utcnow()))

    def removed_member(session: Session) -> None:
        session.delete(session.get(User, other.id))

    for write in (changed_name, moved_session, new_row, removed_member):
        with pytest.raises(RuntimeError, match="read_scope is for reads"), db_module.read_scope() as session:
            write(session)
            session.flush()
    db.expire_all()
    assert db.get(User, member.id).name == member.name  # type: ignore[union-attr]
    assert db.get(User, other.id) is not None
    assert db.exec(login).one().user_id == member.id


def test_a_search_reads_only_and_still_records_that_the_member_was_seen(
    app_engine: Engine, make_member, db: Session
) -> None:
    """The search's session resolution touches a session last seen minutes ago: that touch is the
    one write a read-only call makes, and it is stored."""
    mentee = make_member(role="mentee")
    key = auth.open_session(db, user_id=mentee.id)  # type: ignore[arg-type]
    db.commit()
    long_ago = utcnow() - timedelta(minutes=10)
    row = db.exec(select(LoginSession).where(LoginSession.user_id == mentee.id)).one()
    row.last_seen_at = long_ago
    db.commit()

    search = matching.Search(selected={}, exact=frozenset())
    user, answer = db_calls._run_as_member(
        key, _answer, {"search": search, "params": None, "form": None}, reads_only=True
    )
    assert user is not None and user.id == mentee.id
    assert answer.found is not None and answer.refusal == ""  # type: ignore[union-attr]
    db.expire_all()
    seen = db.exec(select(LoginSession).where(LoginSession.user_id == mentee.id)).one().last_seen_at
    assert seen > long_ago + timedelta(minutes=9)
    assert db.get(User, mentee.id).last_active_at >= seen  # type: ignore[union-attr, operator]
