"""The audit log: entries land in the same transaction as the change, and read newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from mentoring_app.models import AuditEntry, User
from mentoring_app.services.accounts import privacy
from mentoring_app.services.staff import admin, audit
from tests.unit.conftest import STRONG_PASSWORD


def _boss(db: Session) -> User:
    return admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]


def test_record_joins_the_callers_transaction(db: Session) -> None:
    boss = _boss(db)
    before = len(db.exec(select(AuditEntry)).all())
    audit.record(db, actor=boss, action="test.rolled_back", target_type="user", target_id=1, summary="x")
    db.rollback()  # the change failed: its entry goes too
    assert len(db.exec(select(AuditEntry)).all()) == before
    audit.record(
        db, actor=boss, action="test.kept", target_type="user", target_id=1, summary="  two\n lines "
    )
    db.commit()
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "test.kept")).one()
    assert (entry.actor_id, entry.actor_name, entry.summary) == (boss.id, "", "two lines")  # no name kept
    assert audit.recent(db, actor=boss, action="test.kept")[0].actor_name == "Boss"  # named when read


def test_recent_newest_first_paged_and_filtered(db: Session) -> None:
    boss = _boss(db)
    start = datetime(2025, 5, 1, tzinfo=UTC)
    for n in range(5):
        audit.record(
            db,
            actor=boss,
            action="test.even" if n % 2 == 0 else "test.odd",
            target_type="user",
            target_id=n,
            summary=f"entry {n}",
            now=start + timedelta(minutes=n),
        )
    db.commit()
    tests = [e for e in audit.recent(db, actor=boss) if e.action.startswith("test.")]
    assert [e.target_id for e in tests] == [4, 3, 2, 1, 0]
    assert [e.target_id for e in audit.recent(db, actor=boss, action="test.even")] == [4, 2, 0]
    assert [e.target_id for e in audit.recent(db, actor=boss, action="test.even", limit=1, offset=1)] == [2]
    assert {"test.even", "test.odd", "member.create_admin"} <= set(audit.actions(db, actor=boss))


def test_entries_outlive_their_actor_who_reads_former_member(db: Session) -> None:
    boss = _boss(db)
    audit.record(db, actor=boss, action="test.gone", target_type="user", target_id=None, summary="x")
    db.commit()
    other = admin.create_admin(db, email="other@example.org", password=STRONG_PASSWORD, name="Other")[0]
    db.delete(db.get(User, boss.id))
    db.commit()
    entry = audit.recent(db, actor=other, action="test.gone")[0]
    assert (entry.actor_id, entry.actor_name) == (None, "Former member")


def test_a_member_is_named_as_they_are_now(db: Session, make_member) -> None:
    boss, member = _boss(db), make_member(name="Ada Lovelace", email="ada@example.org")
    admin.set_admin(db, actor=boss, user_id=member.id, is_admin=True)
    entry = audit.recent(db, actor=boss, action="member.make_admin")[0]
    assert entry.summary == "Made admin: Ada Lovelace <ada@example.org>"
    stored = db.exec(select(AuditEntry).where(AuditEntry.action == "member.make_admin")).one()
    assert stored.summary == "Made admin"  # the name and address are not copied into the log
    admin.set_admin(db, actor=boss, user_id=member.id, is_admin=False)
    privacy.delete_account(db, actor=db.get(User, member.id), password=STRONG_PASSWORD)
    assert [e.summary for e in audit.recent(db, actor=boss) if e.target_id == member.id] == [
        "Removed admin role: Former member",
        "Made admin: Former member",
    ]
