"""The funnel's summary (funnel_mentees, funnel_months) follows every write that changes a stage,
whoever makes it: services, or plain SQL that no service sees (the triggers mark the mentee)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, text, update
from sqlmodel import Session, select

from alembic import command
from mentoring_app.db import make_engine
from mentoring_app.migrations import alembic_config, upgrade_to_head
from mentoring_app.models import (
    FunnelDirty,
    FunnelMentee,
    FunnelMonth,
    Goal,
    Meeting,
    Profile,
    Relationship,
    User,
)
from mentoring_app.services.mentoring import ending, relationships
from mentoring_app.services.staff import analytics
from mentoring_app.services.staff.analytics_funnel import count_from_rows, rebuild_funnel, refresh_funnel
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    postgres_unavailable_reason,
    skip_or_fail,
)
from tests.unit.test_analytics import accepted, at, goal, held_meeting, member, registered
from tests.unit.test_relationships import TEXT, make_mentor

FEB, MAR = date(2030, 2, 1), date(2030, 3, 31)


def counts(db: Session, admin: User, start: date = FEB, end: date = MAR) -> list[int]:
    """The funnel as the dashboard reads it (from the summary), checked against the rows."""
    result = [s.count for s in analytics.funnel(db, actor=admin, start=start, end=end).stages]
    assert result == count_from_rows(db, analytics.months_between(start, end))
    assert db.execute(select(func.count()).select_from(FunnelDirty)).scalar_one() == 0
    return result


def test_each_write_moves_the_mentee_between_stages(db: Session, make_member) -> None:
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentor = make_mentor(db, make_member, capacity=10)
    feb, day = at(2030, 2, 10), timedelta(days=1)
    mentee = registered(db, make_member, feb, complete=False)
    march = registered(db, make_member, at(2030, 3, 31, 23, 59, 59))  # the range's last second
    assert counts(db, admin) == [2, 1, 0, 0, 0, 0, 0, 0]
    assert counts(db, admin, FEB, FEB) == [1, 0, 0, 0, 0, 0, 0, 0]

    db.execute(update(Profile).where(Profile.user_id == mentee.id).values(completeness=100))  # plain SQL
    db.commit()
    assert counts(db, admin, FEB, FEB) == [1, 1, 0, 0, 0, 0, 0, 0]

    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=feb + day)
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 0, 0, 0, 0, 0]
    relationships.accept_request(db, actor=mentor, request_id=rel.id, now=feb + 2 * day)
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 1, 0, 0, 0, 0]
    goal_id = goal(db, rel, mentee, mentor, feb + 3 * day)  # a goal, but no first step yet
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 1, 0, 0, 0, 0]
    held_meeting(db, rel, mentor, feb + 4 * day)  # the first step: the goal counts now
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 1, 1, 1, 0, 0]
    db.execute(update(Goal).where(Goal.id == goal_id).values(status="achieved"))
    db.commit()
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 1, 1, 1, 1, 0]
    ending.end_relationship(db, actor=mentee, relationship_id=rel.id, now=feb + 9 * day)
    assert counts(db, admin) == [2, 2, 1, 1, 1, 1, 1, 1]

    # A meeting no longer held, held again; a goal deleted, then the meeting too.
    db.execute(update(Meeting).where(Meeting.relationship_id == rel.id).values(status="cancelled"))
    db.commit()
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 1, 0, 0, 0, 0]
    db.execute(update(Meeting).where(Meeting.relationship_id == rel.id).values(status="held"))
    db.commit()
    assert counts(db, admin, FEB, FEB) == [1] * 8
    db.execute(delete(Goal).where(Goal.id == goal_id))
    db.commit()
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 1, 1, 0, 0, 0]
    db.execute(delete(Meeting).where(Meeting.relationship_id == rel.id))
    db.commit()
    assert counts(db, admin, FEB, FEB) == [1, 1, 1, 1, 0, 0, 0, 0]

    # Moving the registration, ceasing to be a mentee, and deleting the member.
    db.execute(update(User).where(User.id == mentee.id).values(created_at=at(2030, 3, 1)))
    db.commit()
    assert counts(db, admin, FEB, FEB) == [0] * 8
    assert counts(db, admin, MAR, MAR) == [2, 2, 1, 1, 0, 0, 0, 0]
    db.execute(update(User).where(User.id == march.id).values(is_mentee=False))
    db.commit()
    assert counts(db, admin, MAR, MAR) == [1, 1, 1, 1, 0, 0, 0, 0]
    db.execute(delete(Relationship).where(Relationship.id == rel.id))  # cascades to its dashboard
    db.commit()
    assert counts(db, admin, MAR, MAR) == [1, 1, 0, 0, 0, 0, 0, 0]
    db.execute(delete(User).where(User.id == mentee.id))
    db.commit()
    assert counts(db, admin) == [0] * 8
    assert db.execute(select(func.sum(FunnelMonth.mentees))).scalar_one() == 0
    assert db.execute(select(func.count()).select_from(FunnelMentee)).scalar_one() == 0


def test_refresh_recounts_only_the_marked_mentees(db: Session, make_member) -> None:
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentor = make_mentor(db, make_member, capacity=10)
    when = at(2030, 2, 10)
    pairs = [accepted(db, registered(db, make_member, when), mentor, when) for _ in range(3)]
    assert counts(db, admin) == [3, 3, 3, 3, 0, 0, 0, 0]
    assert refresh_funnel(db) == 0  # nothing changed since
    held_meeting(db, pairs[0], mentor, when + timedelta(days=2))
    assert db.execute(select(FunnelDirty.user_id)).scalars().all() == [pairs[0].mentee_id]
    assert refresh_funnel(db) == 1
    assert counts(db, admin) == [3, 3, 3, 3, 1, 0, 0, 0]
    # Changes that do not touch a stage mark nobody.
    db.execute(update(User).values(last_active_at=when))
    db.execute(update(Relationship).values(updated_at=when))
    db.commit()
    assert refresh_funnel(db) == 0


def test_rebuild_repairs_a_summary_out_of_step(db: Session, make_member) -> None:
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentor = make_mentor(db, make_member, capacity=10)
    when = at(2030, 2, 10)
    accepted(db, registered(db, make_member, when), mentor, when)
    assert counts(db, admin) == [1, 1, 1, 1, 0, 0, 0, 0]
    db.execute(update(FunnelMonth).values(mentees=FunnelMonth.mentees + 5))  # damaged by hand
    db.commit()
    mentees = db.execute(select(func.count()).select_from(User).where(User.is_mentee)).scalar_one()
    assert rebuild_funnel(db) == mentees  # every mentee, recounted
    assert counts(db, admin) == [1, 1, 1, 1, 0, 0, 0, 0]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'before-0021.db'}"
        return
    reason = postgres_unavailable_reason()
    if reason:
        skip_or_fail(reason)
    created = create_postgres_database()
    yield created
    drop_postgres_database(created)


def test_migration_counts_the_mentees_already_there(url: str) -> None:
    """Upgrading from 0020 with members and relationships in place: the first read counts them."""
    command.upgrade(alembic_config(url), "0020")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, name, email, email_key, password_hash, is_mentor, is_mentee, "
                    "is_admin, is_active, created_at, password_changed_at, message_emails) VALUES "
                    "(1, 'Admin', 'a@x.org', 'a@x.org', '!', false, false, true, true, :t, :t, true), "
                    "(2, 'Mentor', 'b@x.org', 'b@x.org', '!', true, false, false, true, :t, :t, true), "
                    "(3, 'Mentee', 'c@x.org', 'c@x.org', '!', false, true, false, true, :t, :t, true), "
                    "(4, 'Other', 'd@x.org', 'd@x.org', '!', false, true, false, true, :t, :t, true)"
                ),
                {"t": at(2030, 2, 10)},
            )
            for uid, done in ((3, 100), (4, 50)):
                connection.execute(
                    text(
                        "INSERT INTO profiles (user_id, headline, bio, help_wanted, capacity, available, "
                        "mentor_matchable, updated_at, completeness) "
                        "VALUES (:u, '', '', '', 1, true, false, :t, :c)"
                    ),
                    {"u": uid, "t": at(2030, 2, 10), "c": done},
                )
            connection.execute(
                text(
                    "INSERT INTO relationships (mentee_id, mentor_id, request_text, status, created_at, "
                    "updated_at, decided_at) VALUES (3, 2, 'Hello', 'accepted', :t, :t, :t)"
                ),
                {"t": at(2030, 2, 11)},
            )
        upgrade_to_head(url)
        with Session(engine) as db:
            admin = db.get(User, 1)
            assert counts(db, admin) == [2, 1, 1, 1, 0, 0, 0, 0]
    finally:
        engine.dispose()


def test_refresh_never_waits_for_a_writer_in_its_transaction(db: Session, engine, make_member) -> None:
    """PostgreSQL: a writer's mark stays locked until it commits; a refresh meanwhile skips it
    (no waiting, no deadlock) and the next refresh after the commit counts the change."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: a refresh waits for the writer's commit")
    admin = member(db, "admin", at(2029, 1, 1), admin=True)
    mentee = registered(db, make_member, at(2030, 2, 10), complete=False)
    assert counts(db, admin) == [1, 0, 0, 0, 0, 0, 0, 0]
    db.execute(update(Profile).where(Profile.user_id == mentee.id).values(completeness=80))
    db.commit()  # marked, not yet recounted
    with Session(engine) as writer:
        writer.execute(update(Profile).where(Profile.user_id == mentee.id).values(completeness=100))
        db.execute(text("SET LOCAL lock_timeout = '2s'"))  # a refresh that waited would fail here
        assert refresh_funnel(db) == 0
        funnel = analytics.funnel(db, actor=admin, start=FEB, end=MAR)
        assert [s.count for s in funnel.stages] == [1, 0, 0, 0, 0, 0, 0, 0]
        writer.commit()
    assert counts(db, admin) == [1, 1, 0, 0, 0, 0, 0, 0]
