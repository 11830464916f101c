"""Back up and restore the database of DATABASE_URL (`make backup`, `make restore FILE=...`).

- SQLite: SQLite's online backup API copies a consistent snapshot page by page while the app keeps
  running (WAL mode: readers and the writer go on); a restore copies the file back the same way.
- PostgreSQL: `pg_dump --format=custom` (Debian's postgresql-client, installed with the server),
  consistent by itself while the app runs; `pg_restore` in one transaction, so a failed restore
  leaves nothing half done.

A restore goes into an empty database only (a new SQLite file, or a freshly created PostgreSQL
database): it never merges into or overwrites live data. Point DATABASE_URL at the new database,
restore, then start the app on it.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from mentoring_app.db import _normalise_url, make_engine
from mentoring_app.settings import PROJECT_ROOT, get_settings

BACKUP_DIR = PROJECT_ROOT / "var" / "backups"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that could not be done (and did nothing)."""


def _backend(database_url: str) -> str:
    return make_url(_normalise_url(database_url)).get_backend_name()


def _sqlite_path(database_url: str) -> Path:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(path)


def _libpq_url(database_url: str) -> str:
    """The URL pg_dump / pg_restore understand (no SQLAlchemy driver suffix)."""
    url = make_url(_normalise_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def default_destination(database_url: str) -> Path:
    suffix = "sqlite3" if _backend(database_url) == "sqlite" else "pgdump"
    return BACKUP_DIR / f"mentoring-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.{suffix}"


def backup(database_url: str, destination: Path | None = None) -> Path:
    """Write a consistent copy of the database to ``destination``; return its path."""
    destination = destination or default_destination(database_url)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    if _backend(database_url) == "sqlite":
        source_path = _sqlite_path(database_url)
        if not source_path.is_file():
            raise BackupError(f"no SQLite database at {source_path}")
        _sqlite_copy(source_path, partial)
    else:
        _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
             f"--dbname={_libpq_url(database_url)}")  # fmt: skip
    partial.replace(destination)  # a backup file is either whole or absent
    return destination


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's backup API, in one step: a consistent snapshot of ``source`` even while
    the app writes to it (it waits out a writer holding a lock, up to the timeout)."""
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as reader,
        closing(sqlite3.connect(target, timeout=30)) as writer,
    ):
        reader.backup(writer)


def _is_empty(database_url: str) -> bool:
    engine = make_engine(database_url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(database_url: str, source: Path) -> None:
    """Restore ``source`` (made by ``backup``) into the empty database of ``database_url``."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    with source.open("rb") as file:
        head = file.read(16)
    backend = _backend(database_url)
    expected = SQLITE_MAGIC if backend == "sqlite" else PG_DUMP_MAGIC
    if not head.startswith(expected):
        raise BackupError(f"{source} is not a {backend} backup made by `make backup`")
    if backend == "sqlite":
        target_path = _sqlite_path(database_url)
        if target_path.exists() and target_path.stat().st_size and not _is_empty(database_url):
            raise BackupError(f"{target_path} already holds tables: restore into a new file")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, target_path)
        return
    if not _is_empty(database_url):
        raise BackupError("the database already holds tables: restore into a newly created database")
    _run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={_libpq_url(database_url)}", str(source))  # fmt: skip


def _run(*command: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} not found: install postgresql-client") from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mentoring_app.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="copy the database to FILE (default var/backups/...)")
    make.add_argument("file", nargs="?", type=Path)
    put_back = commands.add_parser("restore", help="restore FILE into the (empty) database")
    put_back.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    database_url = get_settings().database_url
    where = database_url.split("@")[-1]
    try:
        if args.command == "backup":
            print(f"Backed up {where} to {backup(database_url, args.file)}")
        else:
            restore(database_url, args.file)
            print(f"Restored {args.file} into {where}")
    except BackupError as error:
        print(f"Nothing done: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
