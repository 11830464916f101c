"""`make backup` / `make restore`: a round trip into an empty database gives back every row, on
SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app import backup
from mentoring_app.db import make_engine
from mentoring_app.models import SQLModel
from mentoring_app.services.conversations import messaging
from mentoring_app.settings import PROJECT_ROOT
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.unit.pairs import accepted_pair


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the schema version), in primary-key order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(r) for r in connection.execute(select(table).order_by(*order))]
        found["alembic_version"] = [
            tuple(r) for r in connection.execute(text("SELECT * FROM alembic_version"))
        ]
    return found


@pytest.fixture
def empty_target(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind as ``engine``."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


def test_backup_then_restore_into_an_empty_database_gives_back_every_row(
    engine: Engine, db: Session, make_member, empty_target: str, tmp_path: Path
) -> None:
    mentor, mentee, _ = accepted_pair(db, make_member)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Thank you — à bientôt! 🙂")
    db.commit()
    before = _everything(engine)
    assert before["users"] and before["messages"] and before["relationships"]

    made = backup.backup(_url(engine), tmp_path / "saved.bak")
    assert made.is_file() and not list(tmp_path.glob("*.partial"))
    backup.restore(empty_target, made)

    restored = make_engine(empty_target)
    try:
        assert _everything(restored) == before
        with pytest.raises(backup.BackupError, match="already holds tables"):
            backup.restore(empty_target, made)  # never over live data
    finally:
        restored.dispose()


def test_sqlite_backup_is_a_snapshot_while_the_app_writes(
    engine: Engine, db: Session, make_member, tmp_path: Path
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the online backup API is SQLite's")
    make_member(role="mentee")
    path = Path(engine.url.database or "")
    writer = sqlite3.connect(path, timeout=30)
    writer.execute("BEGIN")
    writer.execute("UPDATE users SET name = 'Not committed yet'")
    try:  # a write transaction is open in another connection, as in the running app
        made = backup.backup(_url(engine), tmp_path / "during.sqlite3")
    finally:
        writer.rollback()
        writer.close()
    with sqlite3.connect(made) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert "Not committed yet" not in {r[0] for r in copy.execute("SELECT name FROM users")}


def test_a_backup_of_the_other_kind_is_refused(engine: Engine, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.bak"
    wrong.write_bytes(b"PGDMP" if engine.dialect.name == "sqlite" else b"SQLite format 3\x00")
    with pytest.raises(backup.BackupError, match="is not a"):
        backup.restore(_url(engine), wrong)


def test_make_backup_and_restore_commands(tmp_path: Path, sqlite_template: Path) -> None:
    """The operator's path: `make backup FILE=...` then `make restore FILE=...` on another database."""
    source, target, saved = tmp_path / "live.db", tmp_path / "new.db", tmp_path / "saved.sqlite3"
    source.write_bytes(sqlite_template.read_bytes())

    def run(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mentoring_app.backup", *args],
            cwd=PROJECT_ROOT,
            env={"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    made = run(source, "backup", str(saved))
    assert made.returncode == 0 and "Backed up" in made.stdout, made.stderr
    put_back = run(target, "restore", str(saved))
    assert put_back.returncode == 0 and "Restored" in put_back.stdout, put_back.stderr
    assert run(target, "restore", str(saved)).returncode == 1  # refused: not empty any more
    assert _everything(make_engine(f"sqlite:///{target}")) == _everything(make_engine(f"sqlite:///{source}"))
