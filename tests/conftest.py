"""Shared test set-up: fast bcrypt for tests, and databases migrated by Alembic.

Every database test runs on SQLite, and again on PostgreSQL when it is reachable. When it is not,
those runs are skipped with the reason, except with REQUIRE_SERVICES=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Cost 4 keeps the suite fast; tests/unit/test_passwords.py checks the production default of 12.
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("MAIL_DIR", tempfile.mkdtemp(prefix="mentoring-test-mail-"))

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app.db import make_engine
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.models import SQLModel
from mentoring_app.settings import get_settings
from tests.harness import CHROMIUM, CHROMIUM_ARGS, RunningApp, start_app

get_settings.cache_clear()

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SEEDED_BY_MIGRATIONS = {"matching_fields", "matching_options", "matching_version"}  # kept between tests
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def postgres_unavailable_reason() -> str | None:
    """None when PostgreSQL answers; otherwise why not."""
    engine = make_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return None
    except Exception as error:
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__}"
    finally:
        engine.dispose()


def skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def create_postgres_database() -> str:
    """A fresh, empty PostgreSQL database of our own; returns its URL."""
    name = f"mentoring_test_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = make_engine(POSTGRES_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    reason = postgres_unavailable_reason()
    if reason:
        skip_or_fail(reason)
    url = create_postgres_database()
    upgrade_to_head(url)
    yield url
    drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    eng = make_engine(url)
    yield eng
    with eng.begin() as connection:
        tables = ", ".join(
            f'"{t.name}"' for t in SQLModel.metadata.sorted_tables if t.name not in SEEDED_BY_MIGRATIONS
        )
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database (service tests in tests/unit and tests/security)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


# Browser suites (tests/e2e, tests/security): one production build for the whole run.


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs it")
    yield from start_app(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _close_browser_contexts(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each browser test, close the contexts it opened: their tabs' live loops and sockets
    end with the test instead of running on through the rest of the suite."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture
def unique_email() -> Callable[[str], str]:
    counter = iter(range(1_000_000))
    stamp = f"{time.time_ns() % 10**9}"

    def make(prefix: str) -> str:
        return f"{prefix}.{stamp}.{next(counter)}@example.org"

    return make
