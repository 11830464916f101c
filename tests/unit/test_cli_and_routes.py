"""The operator CLI (demo data, create-admin) and the log-in return path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from mentoring_app import cli, db, routes
from mentoring_app.models import User
from mentoring_app.services import auth
from mentoring_app.settings import get_settings


@pytest.fixture
def cli_database(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield db.get_engine()
    db.get_engine().dispose()
    monkeypatch.undo()
    get_settings.cache_clear()
    db.get_engine.cache_clear()


def test_demo_data_twice_creates_each_account_once(cli_database, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo-data"]) == 0
    assert cli.main(["demo-data"]) == 0
    with Session(cli_database) as session:
        users = session.exec(select(User)).all()
    assert sorted(u.email for u in users) == sorted(email for email, _, _ in cli.DEMO_ACCOUNTS)
    assert [u.is_admin for u in users].count(True) == 1
    assert cli.DEMO_PASSWORD in capsys.readouterr().out


def test_create_admin_then_promote_existing(cli_database, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli.main(
            [
                "create-admin",
                "--email",
                "Ops@Example.org",
                "--password",
                "steady-quill-harbor-3",
                "--name",
                "Ops",
            ]
        )
        == 0
    )
    assert (
        cli.main(["create-admin", "--email", "ops@example.org", "--password", "weak", "--name", "Ops"]) == 2
    )
    assert "password" in capsys.readouterr().err
    with Session(cli_database) as session:
        user = session.exec(select(User)).one()
        assert user.is_admin and user.email_key == "ops@example.org"
        assert auth.authenticate(
            session, email="ops@example.org", password="steady-quill-harbor-3", address="x"
        )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/account", "/account"),
        ("/admin/members?q=x", "/admin/members?q=x"),
        (None, routes.HOME),
        ("", routes.HOME),
        ("https://evil.example", routes.HOME),
        ("//evil.example", routes.HOME),
        ("/\\evil.example", routes.HOME),
        ("/login", routes.HOME),
    ],
)
def test_return_path_after_log_in_stays_on_site(given: str | None, expected: str) -> None:
    assert routes.safe_next(given) == expected
