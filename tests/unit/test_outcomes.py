"""The outcome survey (once-only, skippable, answerable later, private) and the Outcomes page's
aggregates on known data, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import AuditEntry, Checkin, Meeting, OutcomeSurvey, User
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed
from mentoring_app.services.mentoring import dashboard_snapshot, ending, outcome_survey, relationships
from mentoring_app.services.mentoring.outcome_survey import ASK, DONE, LATER
from mentoring_app.services.staff import audit, outcome_answers, outcomes
from tests.unit.pairs import NOW, TODAY, accepted_pair
from tests.unit.test_analytics import at, member, relationship

ANSWERS = {
    "goals": "partly",
    "satisfaction": "4",
    "recommend": "9",
    "helped_most": "Honest feedback on rates.",
}


def _rows(db: Session, rid: int) -> list[OutcomeSurvey]:
    db.expire_all()
    return list(db.exec(select(OutcomeSurvey).where(OutcomeSurvey.relationship_id == rid)).all())


def test_survey_opens_at_end_once_skippable_and_answerable_later(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    assert outcome_survey.my_survey(db, actor=mentee, relationship_id=rel.id) is None  # still accepted
    with pytest.raises(NotAllowed):
        outcome_survey.answer_survey(db, actor=mentee, relationship_id=rel.id, **ANSWERS)

    ending.end_relationship(db, actor=mentee, relationship_id=rel.id, now=NOW)
    assert outcome_survey.my_survey(db, actor=mentee, relationship_id=rel.id).state == ASK  # type: ignore[union-attr]
    assert outcome_survey.my_survey(db, actor=mentor, relationship_id=rel.id).state == ASK  # type: ignore[union-attr]

    # Skipped: recorded, never asked again, but still answerable from the dashboard.
    assert outcome_survey.skip_survey(db, actor=mentee, relationship_id=rel.id, now=NOW).state == LATER
    assert outcome_survey.skip_survey(db, actor=mentee, relationship_id=rel.id).state == LATER
    assert outcome_survey.my_survey(db, actor=mentee, relationship_id=rel.id).state == LATER  # type: ignore[union-attr]
    [row] = _rows(db, rel.id)
    assert row.skipped_at is not None and row.answered_at is None and row.role == "mentee"

    later = NOW + timedelta(days=3)
    view = outcome_survey.answer_survey(db, actor=mentee, relationship_id=rel.id, now=later, **ANSWERS)
    assert view.state == DONE
    [row] = _rows(db, rel.id)
    assert (row.goals, row.satisfaction, row.recommend) == ("partly", 4, 9)
    assert row.helped_most == "Honest feedback on rates." and row.answered_at == later

    # Asked once: a second answer is refused and changes nothing; a skip after it changes nothing.
    with pytest.raises(NotAllowed, match="already answered"):
        outcome_survey.answer_survey(
            db, actor=mentee, relationship_id=rel.id, goals="not", satisfaction="1", recommend="0"
        )
    assert outcome_survey.skip_survey(db, actor=mentee, relationship_id=rel.id).state == DONE
    [row] = _rows(db, rel.id)
    assert (row.goals, row.satisfaction, row.recommend) == ("partly", 4, 9)

    # The partner answers for themselves, directly (no skip first).
    outcome_survey.answer_survey(
        db, actor=mentor, relationship_id=rel.id, goals="fully", satisfaction=5, recommend=10
    )
    by_role = {r.role: r for r in _rows(db, rel.id)}
    assert by_role["mentor"].satisfaction == 5 and by_role["mentor"].helped_most is None
    assert by_role["mentee"].satisfaction == 4


def test_withdraw_opens_the_survey_too(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    relationships.withdraw(db, actor=mentor, relationship_id=rel.id, reason="Moving abroad")
    assert outcome_survey.my_survey(db, actor=mentor, relationship_id=rel.id).role == "mentor"  # type: ignore[union-attr]
    assert outcome_survey.my_survey(db, actor=mentee, relationship_id=rel.id).state == ASK  # type: ignore[union-attr]
    outcome_survey.answer_survey(
        db, actor=mentee, relationship_id=rel.id, goals="not", satisfaction=2, recommend=3
    )
    assert outcome_survey.my_survey(db, actor=mentee, relationship_id=rel.id).state == DONE  # type: ignore[union-attr]


def test_bad_answers_name_each_field_and_store_nothing(db: Session, make_member) -> None:
    _, mentee, rel = accepted_pair(db, make_member)
    ending.end_relationship(db, actor=mentee, relationship_id=rel.id)
    with pytest.raises(ValidationFailed) as refused:
        outcome_survey.answer_survey(
            db, actor=mentee, relationship_id=rel.id, goals="mostly", satisfaction="6", recommend="11"
        )
    assert set(refused.value.errors) == {"goals", "satisfaction", "recommend"}
    with pytest.raises(ValidationFailed) as too_long:
        outcome_survey.answer_survey(
            db, actor=mentee, relationship_id=rel.id, **(ANSWERS | {"helped_most": "x" * 1001})
        )
    assert set(too_long.value.errors) == {"helped_most"}
    assert "1,000" in too_long.value.errors["helped_most"]
    assert _rows(db, rel.id) == []
    assert outcome_survey.my_survey(db, actor=mentee, relationship_id=rel.id).state == ASK  # type: ignore[union-attr]


def test_answers_are_private_to_the_member_and_the_audited_admin_view(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    stranger = make_member(role="mentee")
    boss = make_member(role="mentee")
    boss.is_admin = True
    db.add(boss)
    db.commit()
    ending.end_relationship(db, actor=mentor, relationship_id=rel.id)
    outcome_survey.answer_survey(db, actor=mentee, relationship_id=rel.id, **ANSWERS)

    # The partner's dashboard holds their own survey state only: still to be asked, no answers.
    seen = dashboard_snapshot.snapshot(
        db, actor=mentor, relationship_id=rel.id, section="details", today=TODAY
    )
    assert seen.survey_read and seen.survey == outcome_survey.SurveyView(state=ASK, role="mentor")
    assert "Honest feedback" not in repr(seen)
    # Nobody else reads a survey through the member side, admins included.
    for outsider in (stranger, boss):
        with pytest.raises(NotFound):
            outcome_survey.my_survey(db, actor=outsider, relationship_id=rel.id)
    # Members cannot use the admins' view; an admin reading it leaves an audit entry.
    for member_ in (mentee, mentor):
        with pytest.raises(NotAllowed):
            outcome_answers.read_answers(db, actor=member_, relationship_id=rel.id)
    assert db.exec(select(AuditEntry).where(AuditEntry.action == outcome_answers.READ_ACTION)).all() == []
    found = outcome_answers.read_answers(db, actor=boss, relationship_id=rel.id)
    [mine] = found.answers  # the mentor has not answered: nothing of theirs
    assert (mine.role, mine.name, mine.goals) == ("mentee", mentee.name, "Partly")
    assert mine.helped_most == ANSWERS["helped_most"] and (found.mentor_name, found.status) == (
        mentor.name,
        "ended",
    )
    [entry] = audit.recent(db, actor=boss, action=outcome_answers.READ_ACTION)
    assert entry.actor_name == boss.name and entry.target_id == rel.id
    assert entry.summary == f"Read the outcome survey answers of relationship {rel.id}"
    with pytest.raises(NotFound):
        outcome_answers.read_answers(db, actor=boss, relationship_id=rel.id + 999)


def _survey(
    db: Session, rel, user: User, role: str, goals: str | None, sat: int | None, rec: int | None, text=None
):
    db.add(
        OutcomeSurvey(
            relationship_id=rel.id,
            member_id=user.id,
            role=role,
            created_at=rel.ended_at,
            answered_at=rel.ended_at if goals else None,
            skipped_at=None if goals else rel.ended_at,
            goals=goals,
            satisfaction=sat,
            recommend=rec,
            helped_most=text,
        )
    )


@pytest.fixture
def finished(db: Session) -> dict:
    """Five relationships finished in February-March 2025 (one in April, outside the range), their
    surveys, first meetings and check-ins."""
    admin = member(db, "boss", at(2024, 6, 1), admin=True)
    mentors = [member(db, f"mentor{i}", at(2024, 7, 1), mentor=True) for i in range(5)]
    mentees = [member(db, f"mentee{i}", at(2024, 7, 1), mentee=True) for i in range(5)]
    # (accepted, finished as, when): lengths 10, 40, 100, 200 days; the April one is outside.
    plan = [
        (at(2025, 1, 30), "ended", at(2025, 2, 9)),
        (at(2025, 1, 1), "ended", at(2025, 2, 10)),
        (at(2024, 11, 17), "withdrawn", at(2025, 2, 25)),
        (at(2024, 8, 30), "ended", at(2025, 3, 18)),
        (at(2025, 1, 1), "ended", at(2025, 4, 2)),
    ]
    rels = [
        relationship(
            db, mentees[i], mentors[i], accepted - timedelta(days=1), ("accepted", accepted), (how, when)
        )
        for i, (accepted, how, when) in enumerate(plan)
    ]
    db.flush()
    # Mentees about their mentors: recommend 10, 9, 7, 3 -> 2 promoters, 1 detractor of 4: NPS 25.
    _survey(db, rels[0], mentees[0], "mentee", "fully", 5, 10, "Her patience.")
    _survey(db, rels[1], mentees[1], "mentee", "partly", 4, 9)
    _survey(db, rels[2], mentees[2], "mentee", "not", 2, 3)
    _survey(db, rels[3], mentees[3], "mentee", "fully", 4, 7)
    # Mentors about their mentees: 6 and 8 -> 0 promoters, 1 detractor of 2: NPS -50; one skip.
    _survey(db, rels[0], mentors[0], "mentor", "partly", 3, 6)
    _survey(db, rels[1], mentors[1], "mentor", "fully", 5, 8, "Clear goals.")
    _survey(db, rels[2], mentors[2], "mentor", None, None, None)
    _survey(db, rels[4], mentees[4], "mentee", "not", 1, 0)  # April: outside the range
    # First meetings: 2, 9 and 40 days after acceptance (two meetings in the first: the first counts).
    for rel, days in ((rels[0], 2), (rels[0], 5), (rels[1], 9), (rels[3], 40)):
        db.add(
            Meeting(
                relationship_id=rel.id, status="held", held_on=rel.decided_at.date() + timedelta(days=days)
            )
        )
    db.add(Meeting(relationship_id=rels[2].id, status="planned", starts_at=at(2025, 1, 5)))
    for n, (asked, answer) in enumerate(
        [
            (at(2025, 2, 3), 4),
            (at(2025, 2, 20), 2),
            (at(2025, 2, 28), None),
            (at(2025, 3, 1), 5),
            (at(2025, 1, 31), 1),
        ]
    ):
        db.add(
            Checkin(
                relationship_id=rels[n % 4].id,
                member_id=mentees[n % 4].id,
                round=n + 1,
                created_at=asked,
                expires_at=asked + timedelta(days=14),
                key_digest=f"{n:064d}",
                answer=answer,
            )
        )
    db.commit()
    return {"admin": admin, "rels": rels}


def test_survey_aggregates_nps_satisfaction_and_goals(db: Session, finished) -> None:
    found = outcomes.survey_outcomes(
        db, actor=finished["admin"], start=date(2025, 2, 1), end=date(2025, 3, 1)
    )
    assert found.finished == 4
    m, t = found.mentees, found.mentors
    assert (m.answered, m.skipped, m.satisfaction) == (4, 0, (0, 1, 0, 2, 1))
    assert (m.promoters, m.passives, m.detractors, m.nps) == (2, 1, 1, 25.0)
    assert m.satisfaction_average == pytest.approx(3.75)
    assert (m.goals_fully, m.goals_partly, m.goals_not, m.goals_rate) == (2, 1, 1, 0.5)
    assert m.goals_at_least_partly == pytest.approx(0.75)
    assert (t.answered, t.skipped, t.nps, t.satisfaction_average) == (2, 1, -50.0, 4.0)
    assert t.goals_rate == 0.5
    # April alone: the one relationship outside the range above.
    april = outcomes.survey_outcomes(
        db, actor=finished["admin"], start=date(2025, 4, 1), end=date(2025, 4, 1)
    )
    assert (april.finished, april.mentees.answered, april.mentees.nps, april.mentors.nps) == (
        1,
        1,
        -100.0,
        None,
    )


def test_medians_and_buckets_of_length_and_first_meeting(db: Session, finished) -> None:
    admin = finished["admin"]
    length = outcomes.relationship_length(db, actor=admin, start=date(2025, 2, 1), end=date(2025, 3, 1))
    assert length.counted == 4 and length.median_days == 70.0  # 10, 40, 100, 200: (40 + 100) / 2
    assert dict(length.buckets) == {
        "Under 1 month": 1,
        "1 to 3 months": 1,
        "3 to 6 months": 1,
        "6 to 12 months": 1,
        "Over a year": 0,
    }
    odd = outcomes.relationship_length(db, actor=admin, start=date(2025, 2, 1), end=date(2025, 2, 1))
    assert (odd.counted, odd.median_days) == (3, 40.0)
    # Accepted in Aug 2024 - Jan 2025: all five; meetings logged for three (2, 9, 40 days).
    first = outcomes.time_to_first_meeting(db, actor=admin, start=date(2024, 8, 1), end=date(2025, 1, 1))
    assert (first.counted, first.without, first.median_days) == (3, 2, 9.0)
    assert dict(first.buckets)["Within a week"] == 1 and dict(first.buckets)["31 to 60 days"] == 1
    none = outcomes.time_to_first_meeting(db, actor=admin, start=date(2025, 6, 1), end=date(2025, 7, 1))
    assert (none.counted, none.median_days, none.without) == (0, None, 0)


def test_checkin_scores_per_month(db: Session, finished) -> None:
    scores = outcomes.checkin_scores(
        db, actor=finished["admin"], start=date(2025, 1, 1), end=date(2025, 4, 1)
    )
    assert scores.months == ("2025-01", "2025-02", "2025-03", "2025-04")
    assert scores.answered == (1, 2, 1, 0)  # the unanswered February one is not counted
    assert scores.averages == (1.0, 3.0, 5.0, None)


def test_only_admins_see_outcomes_and_the_csv_is_audited_without_free_text(db: Session, finished) -> None:
    someone = db.exec(select(User).where(User.name == "mentee0")).one()
    for call in (outcomes.survey_outcomes, outcomes.relationship_length, outcomes.checkin_scores):
        with pytest.raises(NotAllowed):
            call(db, actor=someone, start=date(2025, 2, 1), end=date(2025, 3, 1))
    admin = finished["admin"]
    data = outcome_answers.outcomes_csv(db, actor=admin, start=date(2025, 2, 1), end=date(2025, 3, 1)).decode(
        "utf-8-sig"
    )
    assert "net promoter score,mentees about their mentors,25.0,4" in data
    assert "net promoter score,mentors about their mentees,-50.0,2" in data
    assert "relationship length: median days,all,70.0,4" in data
    assert "patience" not in data and "Clear goals" not in data
    [entry] = audit.recent(db, actor=admin, action="export.outcomes")
    assert "2025-02 to 2025-03" in entry.summary
    listed, total = outcome_answers.with_written_answers(
        db, actor=admin, start=date(2025, 2, 1), end=date(2025, 3, 1)
    )
    assert total == 2 and [w.written for w in listed] == [1, 1]
    assert [w.relationship_id for w in listed] == [finished["rels"][1].id, finished["rels"][0].id]
