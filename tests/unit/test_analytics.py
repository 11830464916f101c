"""The dashboard's aggregates on known data with fixed dates, month boundaries included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from mentoring_app.models import Profile, Relationship, RelationshipEvent, Report, Thread, User, Visit
from mentoring_app.services import analytics, visits
from mentoring_app.services.errors import ValidationFailed


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def member(
    db: Session,
    name: str,
    created: datetime,
    *,
    mentor=False,
    mentee=False,
    admin=False,
    active=True,
    completeness=50,
) -> User:
    user = User(
        name=name,
        email=f"{name}@example.org",
        email_key=f"{name}@example.org",
        password_hash="!",
        is_mentor=mentor,
        is_mentee=mentee,
        is_admin=admin,
        is_active=active,
        created_at=created,
    )
    db.add(user)
    db.flush()
    db.add(Profile(user_id=user.id, completeness=completeness))
    return user


def relationship(
    db: Session, mentee: User, mentor: User, sent: datetime, *steps: tuple[str, datetime]
) -> Relationship:
    """A request sent at ``sent`` going through ``steps`` (status, when), every transition recorded."""
    rel = Relationship(
        mentee_id=mentee.id, mentor_id=mentor.id, request_text="Hello", created_at=sent, updated_at=sent
    )
    db.add(rel)
    db.flush()
    db.add(RelationshipEvent(relationship_id=rel.id, from_status=None, to_status="requested", at=sent))
    status = "requested"
    for after, when in steps:
        db.add(RelationshipEvent(relationship_id=rel.id, from_status=status, to_status=after, at=when))
        if after in ("accepted", "declined"):
            rel.decided_at = when
        if after in ("withdrawn", "ended"):
            rel.ended_at = when
        rel.status, rel.updated_at, status = after, when, after
    db.add(rel)
    return rel


@pytest.fixture
def world(db: Session) -> dict[str, User]:
    """Members, visits and relationships from December 2024 to March 2025."""
    people = {
        "admin": member(db, "admin", at(2024, 6, 1), admin=True),
        "old": member(db, "old", at(2024, 12, 31, 23, 59, 59), mentor=True, active=False),
        "mentor": member(db, "mentor", at(2025, 1, 5), mentor=True),
        "m1": member(db, "m1", at(2025, 1, 20), mentee=True, completeness=100),
        "b1": member(db, "b1", at(2025, 2, 1), mentor=True, mentee=True, completeness=100),
        "m2": member(db, "m2", at(2025, 2, 28, 23, 59, 59), mentee=True),
        "m3": member(db, "m3", at(2025, 3, 1), mentee=True, completeness=100),
    }
    p = people
    relationship(
        db,
        p["m1"],
        p["mentor"],
        at(2025, 1, 10),
        ("accepted", at(2025, 1, 12)),
        ("withdrawn", at(2025, 3, 5)),
    )
    relationship(db, p["b1"], p["mentor"], at(2025, 1, 20), ("declined", at(2025, 2, 2)))
    relationship(db, p["m2"], p["mentor"], at(2025, 2, 1), ("expired", at(2025, 2, 15)))
    relationship(
        db, p["m1"], p["b1"], at(2025, 2, 10), ("accepted", at(2025, 2, 11)), ("ended", at(2025, 2, 25))
    )
    relationship(db, p["m3"], p["mentor"], at(2025, 3, 1), ("requested", at(2025, 3, 2)))  # an edit
    relationship(db, p["m2"], p["b1"], at(2025, 2, 18), ("accepted", at(2025, 2, 20)))
    for started, user in [
        (at(2025, 1, 31, 23, 59, 59), None),
        (at(2025, 1, 15), p["m1"].id),
        (at(2025, 2, 1), None),
        (at(2025, 2, 1), p["m1"].id),
        (at(2025, 2, 14), p["b1"].id),
        (at(2025, 2, 28, 12), None),
        (at(2025, 3, 1), None),
    ]:
        db.add(
            Visit(
                browser_digest="d" * 64,
                user_id=user,
                started_at=started,
                last_seen_at=started,
                landing_path="/",
            )
        )
    db.commit()
    visits.rebuild_visit_months(db)
    return people


def test_months_between_includes_both_ends_and_refuses_bad_ranges() -> None:
    months = analytics.months_between(date(2024, 11, 30), date(2025, 2, 1))
    assert [m.key for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert months[1].start == at(2024, 12, 1) and months[1].end == at(2025, 1, 1)
    with pytest.raises(ValidationFailed):
        analytics.months_between(date(2025, 2, 1), date(2025, 1, 31))
    with pytest.raises(ValidationFailed):
        analytics.months_between(date(2000, 1, 1), date(2025, 1, 1))


def test_visits_per_month_logged_in_and_anonymous(db: Session, world) -> None:
    chart = analytics.visits_per_month(
        db, actor=world["admin"], start=date(2024, 12, 1), end=date(2025, 4, 30)
    )
    assert chart.months == ("2024-12", "2025-01", "2025-02", "2025-03", "2025-04")
    assert chart.values("total") == (0, 2, 4, 1, 0)
    assert chart.values("logged_in") == (0, 1, 2, 0, 0)
    assert chart.values("anonymous") == (0, 1, 2, 1, 0)


def test_registrations_per_month_by_role(db: Session, world) -> None:
    chart = analytics.registrations_per_month(
        db, actor=world["admin"], start=date(2024, 12, 1), end=date(2025, 3, 1)
    )
    assert chart.values("mentors") == (1, 1, 0, 0)  # the deactivated mentor registered on 31 December
    assert chart.values("mentees") == (0, 1, 1, 1)
    assert chart.values("both") == (0, 0, 1, 0)


def test_requests_per_month_from_transitions(db: Session, world) -> None:
    chart = analytics.requests_per_month(
        db, actor=world["admin"], start=date(2025, 1, 1), end=date(2025, 3, 31)
    )
    assert chart.values("sent") == (2, 3, 1)  # the edit on 2 March is not a new request
    assert chart.values("accepted") == (1, 2, 0)
    assert chart.values("declined") == (0, 1, 0)
    assert chart.values("expired") == (0, 1, 0)


def test_active_relationships_per_month(db: Session, world) -> None:
    chart = analytics.active_relationships_per_month(
        db, actor=world["admin"], start=date(2024, 12, 1), end=date(2025, 4, 1)
    )
    # m1+mentor: Jan 12 to Mar 5; m1+b1: Feb 11 to Feb 25; m2+b1: from Feb 20, still going.
    assert chart.values("active") == (0, 1, 3, 2, 1)


def test_median_answer_time_odd_and_even(db: Session, world) -> None:
    admin = world["admin"]
    # Answered in January: 48 h. In February: 312 h (declined), 24 h and 48 h. Expired: no answer.
    assert analytics.median_answer_time(db, actor=admin, start=date(2025, 1, 1), end=date(2025, 1, 31)) == (
        analytics.AnswerTime(median_hours=48.0, answered=1)
    )
    assert (
        analytics.median_answer_time(
            db, actor=admin, start=date(2025, 2, 1), end=date(2025, 2, 1)
        ).median_hours
        == 48.0
    )
    everything = analytics.median_answer_time(db, actor=admin, start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert everything == analytics.AnswerTime(median_hours=48.0, answered=4)  # 24, 48, 48, 312
    db.add(
        Relationship(
            mentee_id=world["m3"].id,
            mentor_id=world["b1"].id,
            request_text="x",
            status="declined",
            created_at=at(2025, 2, 3),
            decided_at=at(2025, 2, 13),
        )
    )  # 240 h
    db.commit()
    # February now: 24, 48, 240, 312 -> (48 + 240) / 2
    assert (
        analytics.median_answer_time(
            db, actor=admin, start=date(2025, 2, 1), end=date(2025, 2, 1)
        ).median_hours
        == 144.0
    )
    assert analytics.median_answer_time(db, actor=admin, start=date(2026, 1, 1), end=date(2026, 1, 1)) == (
        analytics.AnswerTime(median_hours=None, answered=0)
    )


def test_funnel_counts_each_stage_within_the_previous_ones(db: Session, world) -> None:
    result = analytics.funnel(db, actor=world["admin"], start=date(2025, 1, 1), end=date(2025, 2, 28))
    stages = {s.key: s for s in result.stages}
    assert [s.key for s in result.stages] == [key for key, _ in analytics.FUNNEL_STAGES]
    # Mentees registered Jan-Feb: m1 (complete), b1 (complete), m2 (incomplete).
    assert stages["registered"].count == 3
    assert stages["profile_complete"].count == 2
    assert stages["requested"].count == 2  # m1 and b1; m2 requested too, with an incomplete profile
    assert stages["accepted"].count == 1  # m1; b1 was declined
    assert stages["ended_well"].count == 1  # m1 ended with b1 (withdrawing from the other is not ending well)
    assert stages["profile_complete"].from_previous == pytest.approx(2 / 3)
    assert stages["accepted"].from_previous == pytest.approx(0.5)
    for key in ("first_step", "goal_set", "goal_achieved"):  # not recorded on this branch yet
        assert (stages[key].count, stages[key].available, stages[key].from_previous) == (0, False, None)
    assert stages["ended_well"].from_previous == pytest.approx(
        1.0
    )  # from "accepted", the last recorded stage
    assert stages["ended_well"].from_first == pytest.approx(1 / 3)


def test_goal_figures_are_zero_and_unavailable_without_the_goals_table(db: Session, world) -> None:
    analytics.forget_schema_cache()
    chart = analytics.goals_per_month(db, actor=world["admin"], start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert not chart.available
    assert chart.values("set") == (0, 0, 0) and chart.values("achieved") == (0, 0, 0)


@pytest.fixture
def dashboard_tables(db: Session) -> Iterator[None]:
    """Stand-ins for the relationship dashboard's tables (built on another branch), with the columns
    analytics reads; skipped where the real tables exist (after the branches meet)."""
    existing = [
        name
        for name in ("journeys", "goals", "meetings")
        if db.get_bind().dialect.has_table(db.connection(), name)
    ]
    if existing:
        pytest.skip(f"the real tables exist ({', '.join(existing)}): test them with real goals")
    stamp = "TIMESTAMP WITH TIME ZONE" if db.get_bind().dialect.name == "postgresql" else "DATETIME"
    db.execute(text("CREATE TABLE journeys (id INTEGER PRIMARY KEY, relationship_id INTEGER NOT NULL)"))
    db.execute(
        text(
            "CREATE TABLE goals (id INTEGER PRIMARY KEY, journey_id INTEGER NOT NULL, "
            f"created_at {stamp} NOT NULL, status VARCHAR(12) NOT NULL, achieved_at {stamp})"
        )
    )
    db.execute(text("CREATE TABLE meetings (id INTEGER PRIMARY KEY, relationship_id INTEGER NOT NULL)"))
    db.commit()
    analytics.forget_schema_cache()
    yield
    db.rollback()
    for name in ("meetings", "goals", "journeys"):
        db.execute(text(f"DROP TABLE {name}"))
    db.commit()
    analytics.forget_schema_cache()


def test_goal_figures_and_later_funnel_stages_once_the_tables_exist(
    db: Session, world, dashboard_tables
) -> None:
    m1_mentor = db.exec(text("SELECT id FROM relationships WHERE status = 'withdrawn'")).scalar_one()
    m1_b1 = db.exec(text("SELECT id FROM relationships WHERE status = 'ended'")).scalar_one()
    sqlite = db.get_bind().dialect.name == "sqlite"

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment.isoformat()

    db.execute(
        text("INSERT INTO journeys (id, relationship_id) VALUES (1, :a), (2, :b)"),
        {"a": m1_mentor, "b": m1_b1},
    )
    db.execute(
        text(
            "INSERT INTO goals (id, journey_id, created_at, status, achieved_at) VALUES "
            "(1, 1, :jan, 'open', NULL), (2, 2, :feb, 'achieved', :feb_end), (3, 2, :feb, 'open', NULL)"
        ),
        {
            "jan": stamp(at(2025, 1, 31, 23, 59)),
            "feb": stamp(at(2025, 2, 12)),
            "feb_end": stamp(at(2025, 3, 1)),
        },
    )
    db.execute(text("INSERT INTO meetings (id, relationship_id) VALUES (1, :a)"), {"a": m1_mentor})
    db.commit()
    chart = analytics.goals_per_month(db, actor=world["admin"], start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert chart.available
    assert chart.values("set") == (1, 2, 0)
    assert chart.values("achieved") == (0, 0, 1)
    stages = {
        s.key: s
        for s in analytics.funnel(
            db, actor=world["admin"], start=date(2025, 1, 1), end=date(2025, 2, 28)
        ).stages
    }
    assert [
        stages[k].count for k in ("accepted", "first_step", "goal_set", "goal_achieved", "ended_well")
    ] == [1, 1, 1, 1, 1]
    assert all(stages[k].available for k in ("first_step", "goal_set", "goal_achieved"))


def test_summary_numbers(db: Session, world) -> None:
    result = analytics.summary(db, actor=world["admin"], today=date(2025, 2, 15))
    assert (result.mentors, result.mentees, result.both, result.admins, result.deactivated) == (1, 3, 1, 1, 1)
    assert (result.active_relationships, result.pending_requests) == (1, 1)
    assert (result.visits_this_month, result.visits_last_month) == (4, 2)
    assert result.visits_change_percent == 100.0
    january = analytics.summary(db, actor=world["admin"], today=date(2025, 1, 1))
    assert (january.visits_this_month, january.visits_last_month, january.visits_change_percent) == (
        2,
        0,
        None,
    )


def test_needs_attention(db: Session) -> None:
    now = at(2025, 6, 30, 12)
    admin = member(db, "admin", at(2024, 1, 1), admin=True)
    mentor = member(db, "mentor", at(2024, 1, 1), mentor=True)
    quiet_mentee, chatty_mentee, new_mentee = (
        member(db, n, at(2024, 1, 1), mentee=True) for n in ("quiet", "chatty", "new")
    )
    quiet = relationship(db, quiet_mentee, mentor, at(2025, 5, 1), ("accepted", at(2025, 5, 2)))
    chatty = relationship(db, chatty_mentee, mentor, at(2025, 5, 1), ("accepted", at(2025, 5, 2)))
    relationship(db, new_mentee, mentor, at(2025, 6, 20), ("accepted", now - timedelta(days=20)))
    low, high = sorted((chatty_mentee.id, mentor.id))
    db.add(
        Thread(low_id=low, high_id=high, created_at=at(2025, 5, 1), last_message_at=now - timedelta(days=3))
    )
    low, high = sorted((quiet_mentee.id, mentor.id))
    db.add(
        Thread(
            low_id=low,
            high_id=high,
            created_at=at(2025, 5, 1),
            last_message_at=now - timedelta(days=21, seconds=1),
        )
    )
    close = relationship(
        db, chatty_mentee, member(db, "m2", at(2024, 1, 1), mentor=True), now - timedelta(days=11, seconds=1)
    )
    relationship(db, quiet_mentee, member(db, "m3", at(2024, 1, 1), mentor=True), now - timedelta(days=10))
    db.add(
        Report(
            reporter_id=quiet_mentee.id, subject_user_id=mentor.id, reason="Rude", created_at=at(2025, 6, 1)
        )
    )
    db.add(
        Report(
            reporter_id=quiet_mentee.id, subject_user_id=mentor.id, reason="Old", resolved_at=at(2025, 6, 2)
        )
    )
    db.commit()
    result = analytics.needs_attention(db, actor=admin, now=now)
    assert [p.relationship_id for p in result.quiet_pairs] == [quiet.id] and result.quiet_pairs_total == 1
    pair = result.quiet_pairs[0]
    assert (pair.mentee_name, pair.mentor_name, pair.days_quiet) == ("quiet", "mentor", 21)
    assert pair.last_activity_at == now - timedelta(days=21, seconds=1)
    assert chatty.id not in [p.relationship_id for p in result.quiet_pairs]
    assert [r.relationship_id for r in result.expiring_requests] == [close.id]
    assert result.expiring_requests[0].expires_at == close.created_at + timedelta(days=14)
    assert result.open_reports_total == 1 and result.open_reports[0].reporter_name == "quiet"
