"""CSV exports: the right rows and columns, formula-safe cells, batched reads, audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlmodel import Session

from mentoring_app.models import User, Visit
from mentoring_app.services.discovery import profiles
from mentoring_app.services.mentoring import relationships
from mentoring_app.services.staff import admin, audit, exports, visits
from tests.unit.conftest import STRONG_PASSWORD


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _boss(db: Session) -> User:
    return admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]


def test_members_csv_neutralises_formulas(db: Session, make_member) -> None:
    boss = _boss(db)
    evil = make_member(role="both", name='=HYPERLINK("http://x")')
    plain = make_member(role="mentee", name="-Dash @start +plus")
    rows = {int(r["id"]): r for r in _rows(exports.members_csv(db, actor=boss))}
    assert list(rows[evil.id]) == list(exports.MEMBER_COLUMNS)
    assert rows[evil.id]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[plain.id]["name"] == "'-Dash @start +plus"
    assert (rows[evil.id]["role"], rows[evil.id]["active"], rows[evil.id]["admin"]) == (
        "Mentor and mentee",
        "yes",
        "no",
    )
    assert rows[plain.id]["available"] == ""  # not a mentor
    assert rows[boss.id]["admin"] == "yes"
    assert "password" not in " ".join(exports.MEMBER_COLUMNS)
    assert (
        audit.recent(db, actor=boss, action="export.members")[0].summary == "Exported members as CSV (3 rows)"
    )


def test_safe_cell() -> None:
    assert [exports.safe_cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "ok", -1, 2.5, None, True)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "ok",
        -1,
        2.5,
        "",
        "yes",
    ]
    assert exports.safe_cell(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2025-01-02 03:04:05"


def test_members_csv_reads_in_batches(db: Session, make_member, monkeypatch) -> None:
    monkeypatch.setattr(exports, "BATCH", 2)
    boss = _boss(db)
    made = [make_member() for _ in range(5)]
    ids = [int(r["id"]) for r in _rows(exports.members_csv(db, actor=boss))]
    assert ids == sorted([boss.id, *(m.id for m in made)])


def test_relationships_csv(db: Session, make_member) -> None:
    boss, mentee, mentor = _boss(db), make_member(role="mentee"), make_member(role="mentor")
    profile, _ = profiles.ensure_profile(db, mentor)
    profile.available, profile.mentor_matchable, profile.capacity = True, True, 2
    db.commit()
    request = relationships.send_request(
        db, actor=mentee, mentor_id=mentor.id, text="Please help with =SUM(A1)", confirm_template=False
    )
    rows = _rows(exports.relationships_csv(db, actor=boss))
    assert len(rows) == 1
    row = rows[0]
    assert (int(row["id"]), row["mentee_name"], row["mentor_name"], row["status"]) == (
        request.id,
        mentee.name,
        mentor.name,
        "requested",
    )
    assert row["answered_utc"] == "" and "SUM" not in " ".join(row.values())  # the letter is private


def test_visits_by_month_csv(db: Session) -> None:
    boss = _boss(db)
    for day, user in ((datetime(2025, 1, 3, tzinfo=UTC), boss.id), (datetime(2025, 3, 9, tzinfo=UTC), None)):
        db.add(
            Visit(browser_digest="a" * 64, user_id=user, started_at=day, last_seen_at=day, landing_path="/")
        )
    db.commit()
    visits.rebuild_visit_months(db)
    data = exports.visits_by_month_csv(db, actor=boss, start=date(2025, 1, 1), end=date(2025, 3, 1))
    assert data.decode("utf-8-sig").splitlines() == [
        "month,visits,logged_in,anonymous",
        "2025-01,1,1,0",
        "2025-02,0,0,0",
        "2025-03,1,0,1",
    ]
    assert audit.recent(db, actor=boss, action="export.visits")[0].summary == (
        "Exported visits by month, 2025-01 to 2025-03 (3 rows)"
    )
