"""Migrations run from empty to head, down to empty and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from alembic import command
from mentoring_app.db import make_engine
from mentoring_app.migrations import alembic_config, upgrade_to_head
from mentoring_app.models import SQLModel, funnel, keyword_index, matching_changes
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    postgres_unavailable_reason,
    skip_or_fail,
)


def _check_round_trip(url: str) -> None:
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert set(SQLModel.metadata.tables) <= set(inspect(connection).get_table_names())
            context = MigrationContext.configure(
                connection, opts={"include_object": keyword_index.include_object}
            )
            differences = compare_metadata(context, SQLModel.metadata)
            assert differences == [], f"models and migrations disagree: {differences}"
        command.downgrade(alembic_config(url), "base")
        with engine.connect() as connection:
            assert not set(SQLModel.metadata.tables) & set(inspect(connection).get_table_names())
        upgrade_to_head(url)
        upgrade_to_head(url)  # running it twice is harmless
    finally:
        engine.dispose()


def test_sqlite_round_trip_and_pragmas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _check_round_trip(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def _sqlite_triggers(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(
                connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            )
    finally:
        engine.dispose()


def test_sqlite_tables_rebuilt_by_migrations_keep_their_triggers(tmp_path: Path) -> None:
    """SQLite's batch mode rebuilds a table (copy and rename) for some changes, and the copy has
    no triggers: every trigger the models define (the funnel's, the matching index's) must exist
    at head, and again after stepping each of the last migrations down and up."""
    url = f"sqlite:///{tmp_path / 't.db'}"
    upgrade_to_head(url)
    statements = (*funnel.SQLITE_CREATE, *matching_changes.SQLITE_CREATE)
    expected = {s.split(" IF NOT EXISTS ", 1)[1].split()[0] for s in statements}
    assert expected <= _sqlite_triggers(url), expected - _sqlite_triggers(url)
    config = alembic_config(url)
    for _ in range(4):
        command.downgrade(config, "-1")
        command.upgrade(config, "+1")
        assert expected <= _sqlite_triggers(url), expected - _sqlite_triggers(url)
        command.downgrade(config, "-1")
    upgrade_to_head(url)
    assert expected <= _sqlite_triggers(url)


def test_postgresql_round_trip() -> None:
    reason = postgres_unavailable_reason()
    if reason:
        skip_or_fail(reason)
    url = create_postgres_database()
    try:
        _check_round_trip(url)
    finally:
        drop_postgres_database(url)


def test_0016_digests_log_in_attempts_and_keeps_members_able_to_log_in(tmp_path: Path) -> None:
    """Rows written before 0016 keep no email in clear; existing members count as confirmed, while
    invited members who never chose a password confirm by choosing one."""
    import hashlib

    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "0015")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for email, password_hash in (("ana@example.org", "$2b$04$" + "a" * 53), ("ivy@example.org", "!")):
                connection.execute(
                    text(
                        "INSERT INTO users (name, email, email_key, password_hash, is_mentor, is_mentee, "
                        "is_admin, is_active, created_at, password_changed_at, message_emails) VALUES "
                        "('N', :email, :email, :hash, 0, 1, 0, 1, '2026-01-01 00:00:00', "
                        "'2026-01-01 00:00:00', 1)"
                    ),
                    {"email": email, "hash": password_hash},
                )
            connection.execute(
                text(
                    "INSERT INTO login_attempts (email_key, address_digest, attempted_at, succeeded) "
                    "VALUES ('ana@example.org', 'x', '2026-01-01 00:00:00', 0)"
                )
            )
        upgrade_to_head(url)
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("login_attempts")}
            assert "email_key" not in columns
            digests = connection.execute(text("SELECT account_digest FROM login_attempts")).scalars().all()
            assert digests == [hashlib.sha256(b"ana@example.org").hexdigest()]
            confirmed = dict(
                connection.execute(text("SELECT email, email_verified_at IS NOT NULL FROM users")).all()
            )
            assert confirmed == {"ana@example.org": 1, "ivy@example.org": 0}
    finally:
        engine.dispose()
