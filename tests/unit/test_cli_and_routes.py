"""The operator CLI (demo data, create-admin) and the log-in return path."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app import cli, db, demo, routes
from mentoring_app.models import (
    Checkin,
    Goal,
    MatchingOption,
    Meeting,
    MemberCriterion,
    OutcomeSurvey,
    Profile,
    Relationship,
    User,
    Visit,
    VisitMonth,
)
from mentoring_app.services.accounts import auth
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
    assert len(users) == len(demo.NAMED_ACCOUNTS) + demo.MENTORS + demo.MENTEES
    assert {email for email, _, _ in demo.NAMED_ACCOUNTS} <= {u.email for u in users}
    assert [u.is_admin for u in users].count(True) == 1
    mentors = [u for u in users if u.is_mentor]
    assert len(mentors) >= 60 and len([u for u in users if u.is_mentee]) >= 30
    with Session(cli_database) as session:
        matchable = session.exec(select(Profile).where(Profile.mentor_matchable.is_(True))).all()
        regions = session.exec(
            select(MatchingOption.label)
            .join(MemberCriterion, MemberCriterion.option_id == MatchingOption.id)
            .where(MatchingOption.field_id == 1)
            .distinct()
        ).all()
    assert len(matchable) >= 55 and len(regions) >= 10
    with Session(cli_database) as session:  # Sam and Maria's dashboard, and a year of visits, once
        pairs = session.exec(select(Relationship).where(Relationship.status == "accepted")).all()
        assert len(pairs) == 1 and len(session.exec(select(Goal)).all()) == 1
        assert len(session.exec(select(Meeting).where(Meeting.relationship_id == pairs[0].id)).all()) == 2
        # Finished pairs with surveys and check-ins, so Outcomes has a story (made once).
        finished = session.exec(
            select(Relationship).where(Relationship.status.in_(("ended", "withdrawn")))
        ).all()
        surveys = session.exec(select(OutcomeSurvey)).all()
        assert len(finished) >= 10 and len(surveys) == 2 * len(finished)
        assert sum(s.answered_at is not None for s in surveys) > len(surveys) // 2
        assert any(s.helped_most for s in surveys) and any(s.skipped_at for s in surveys)
        assert len(session.exec(select(Checkin).where(Checkin.answer.is_not(None))).all()) > 20
        months = session.exec(select(VisitMonth)).all()
        assert len(months) == demo.DEMO_VISIT_MONTHS and sum(m.visits for m in months) == len(
            session.exec(select(Visit.id)).all()
        )
    out = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in out and "mentor@example.org" in out
    with Session(cli_database) as session:
        assert auth.authenticate(
            session, email="mentee@example.org", password=demo.DEMO_PASSWORD, address="x"
        )


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


def test_import_members_command_reports_rows(
    cli_database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(
        "email,name,role,languages\nnew@example.org,New Person,mentee,French;German\nbad,Bad,mentor,\n",
        encoding="utf-8",
    )
    assert cli.main(["import-members", str(csv_file)]) == 1
    captured = capsys.readouterr()
    assert "1 created, 0 updated, 1 rejected" in captured.out
    assert "line 3: email" in captured.err


@pytest.mark.parametrize(
    "today",
    [
        datetime(2026, 12, 1, 0, 40, tzinfo=UTC),
        datetime(2026, 3, 31, 23, 59, tzinfo=UTC),
        datetime(2027, 2, 28, 12, tzinfo=UTC),
    ],
    ids=["first of a month", "last of a month", "end of February"],
)
def test_demo_visits_fill_the_twelve_calendar_months_up_to_today(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, today: datetime
) -> None:
    """The admin dashboard's year of visits is twelve months whatever the day (thirty-day steps
    back from now spilled into a thirteenth month during a month's first days)."""
    monkeypatch.setattr(demo, "utcnow", lambda: today)
    with Session(engine) as session:
        demo._demo_history(session, random.Random(7))
        months = [m.month for m in session.exec(select(VisitMonth).order_by(VisitMonth.month)).all()]
        latest = max(v.started_at for v in session.exec(select(Visit)).all())
    first = today.year * 12 + today.month - 1 - 11
    assert months == [f"{(first + i) // 12}-{(first + i) % 12 + 1:02d}" for i in range(12)]
    assert latest.replace(tzinfo=None) <= today.replace(tzinfo=None)  # SQLite reads back naive UTC
