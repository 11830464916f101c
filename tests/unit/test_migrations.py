"""Migrations run from empty to head, down to empty and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from alembic import command
from mentoring_app.db import make_engine
from mentoring_app.migrations import alembic_config, upgrade_to_head
from mentoring_app.models import SQLModel, keyword_index
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


def test_postgresql_round_trip() -> None:
    reason = postgres_unavailable_reason()
    if reason:
        skip_or_fail(reason)
    url = create_postgres_database()
    try:
        _check_round_trip(url)
    finally:
        drop_postgres_database(url)
