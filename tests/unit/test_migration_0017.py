"""Migration 0017 turns existing notifications and audit entries into texts that name members by
id: a member who deleted their account before it ran reads "Former member" afterwards too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from alembic import command
from mentoring_app.db import make_engine
from mentoring_app.migrations import alembic_config, upgrade_to_head
from mentoring_app.models import AuditEntry, Notification, Relationship, User
from mentoring_app.services.conversations import notifications
from mentoring_app.services.staff import audit
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    postgres_unavailable_reason,
    skip_or_fail,
)

NOTES = {
    "request": ("New mentoring request from Ana Lopes", "/requests"),
    "gone": ("Zed Gone withdrew from your mentoring relationship", "/requests"),
    "goal": ("Bo Mentor proposed a goal: Learn {braces} and 100%", "/relationships/{rel}"),
    "odd": ("Something we never wrote {x}", ""),
    "message": ("New message from Ana Lopes", "/messages/{ana}"),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'legacy.db'}"
        return
    reason = postgres_unavailable_reason()
    if reason:
        skip_or_fail(reason)
    created = create_postgres_database()
    yield created
    drop_postgres_database(created)


def _user(session: Session, name: str, email: str) -> int:
    user = User(name=name, email=email, email_key=email, password_hash="x", is_admin=name == "Boss")
    session.add(user)
    session.flush()
    return user.id  # type: ignore[return-value]


def _legacy_rows(engine: Engine) -> dict[str, int]:
    """Rows as the app wrote them before 0017 (names copied into the texts)."""
    with Session(engine) as session:
        ids = {
            "ana": _user(session, "Ana Lopes", "ana@example.org"),
            "bo": _user(session, "Bo Mentor", "bo@example.org"),
            "boss": _user(session, "Boss", "boss@example.org"),
        }
        # Zed deleted their account before the migration: their row is anonymised already.
        ids["zed"] = _user(session, "Former member", "deleted-0@deleted.invalid")
        for mentor in ("bo", "zed"):
            rel = Relationship(mentee_id=ids["ana"], mentor_id=ids[mentor], request_text="Hi")
            session.add(rel)
            session.flush()
            ids[f"rel_{mentor}"] = rel.id  # type: ignore[assignment]
        session.commit()
    recipients = {"request": "bo", "gone": "ana", "goal": "ana", "odd": "ana", "message": "bo"}
    with engine.begin() as connection:
        for key, (sentence, link) in NOTES.items():
            connection.execute(
                text(
                    "INSERT INTO notifications (user_id, kind, text, link, created_at)"
                    " VALUES (:u, :k, :t, :l, :c)"
                ),
                {
                    "u": ids[recipients[key]],
                    "k": key,
                    "t": sentence,
                    "l": link.format(rel=ids["rel_bo"], ana=ids["ana"]),
                    "c": "2030-01-01 10:00:00",
                },
            )
        for actor, name, target, summary in (
            (ids["boss"], "Boss", ids["ana"], "Made admin: Ana Lopes <ana@example.org>"),
            (ids["boss"], "Boss", ids["zed"], "Invitation sent again to Zed Gone <zed@example.org>"),
            (None, "Operator (command line)", ids["boss"], "Created admin: boss@example.org"),
            (None, "Zed Gone", None, "Exported members as CSV (3 rows)"),
        ):
            connection.execute(
                text(
                    "INSERT INTO audit_entries"
                    " (actor_id, actor_name, action, target_type, target_id, summary, at)"
                    " VALUES (:a, :n, 'x', :tt, :t, :s, :at)"
                ),
                {
                    "a": actor,
                    "n": name,
                    "tt": "user" if target else "export",
                    "t": target,
                    "s": summary,
                    "at": "2030-01-01",
                },
            )
    return ids


def test_existing_texts_are_converted(url: str) -> None:
    command.upgrade(alembic_config(url), "0016")
    engine = make_engine(url)
    try:
        ids = _legacy_rows(engine)
        upgrade_to_head(url)
        with Session(engine) as session:
            stored = {n.kind: n for n in session.exec(select(Notification)).all()}
            assert (stored["request"].text, stored["request"].actor_id) == (
                "New mentoring request from {actor}",
                ids["ana"],
            )
            assert stored["gone"].actor_id == ids["zed"] and "Zed" not in stored["gone"].text
            assert stored["goal"].params == {"goal": "Learn {braces} and 100%"}
            assert stored["message"].actor_id == ids["ana"]
            ana, bo, boss = (session.get(User, ids[k]) for k in ("ana", "bo", "boss"))
            assert sorted(n.text for n in notifications.recent(session, actor=ana)) == [
                "Bo Mentor proposed a goal: Learn {braces} and 100%",
                "Former member withdrew from your mentoring relationship",
                "Something we never wrote {x}",  # kept as it was
            ]
            assert sorted(n.text for n in notifications.recent(session, actor=bo)) == [
                "New mentoring request from Ana Lopes",
                "New message from Ana Lopes",
            ]
            rows = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
            assert [(r.actor_name, r.summary) for r in rows] == [
                ("", "Made admin"),
                ("", "Invitation sent again"),
                ("Operator (command line)", "Created admin"),
                ("", "Exported members as CSV (3 rows)"),
            ]
            assert [(e.actor_name, e.summary) for e in reversed(audit.recent(session, actor=boss))] == [
                ("Boss", "Made admin: Ana Lopes <ana@example.org>"),
                ("Boss", "Invitation sent again: Former member"),
                ("Operator (command line)", "Created admin: Boss <boss@example.org>"),
                ("Former member", "Exported members as CSV (3 rows)"),
            ]
        command.downgrade(alembic_config(url), "0016")
        with engine.connect() as connection:
            restored = connection.execute(text("SELECT kind, text FROM notifications")).all()
        assert ("request", "New mentoring request from Ana Lopes") in restored
        assert ("gone", "Former member withdrew from your mentoring relationship") in restored
    finally:
        engine.dispose()
