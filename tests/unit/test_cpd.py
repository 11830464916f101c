"""The CPD record: relationships, meetings and hours, goals achieved; CSV (BOM, formula-safe)
and the printable page (escaped)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlmodel import Session

from mentoring_app.services.mentoring import cpd, ending, goals, meetings
from tests.unit.pairs import GOAL, NOW, TODAY, accepted_pair


def _achieve(db: Session, proposer, partner, rel_id: int, specific: str) -> None:
    goal = goals.propose_goal(
        db, actor=proposer, relationship_id=rel_id, **{**GOAL, "specific": specific}, now=NOW
    )
    goals.set_goal_status(
        db, actor=partner, relationship_id=rel_id, goal_id=goal.id, status="agreed", now=NOW
    )
    goals.set_goal_status(
        db, actor=proposer, relationship_id=rel_id, goal_id=goal.id, status="achieved", now=NOW
    )


def test_record_csv_and_printable_page(db: Session, make_member) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    for days, minutes in ((10, 60), (3, 90)):
        meetings.log_meeting(
            db, actor=mentee, relationship_id=rel.id, held_on=TODAY - timedelta(days=days),
            duration_minutes=minutes, notes="Confidential: my client owes me money", today=TODAY,
        )  # fmt: skip
    _achieve(db, mentee, mentor, rel.id, '=HYPERLINK("http://evil.example") win two direct clients')
    _achieve(db, mentee, mentor, rel.id, "Pass the diploma in <b>legal</b> translation")
    dropped = goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    goals.set_goal_status(db, actor=mentor, relationship_id=rel.id, goal_id=dropped.id, status="dropped")
    ending.end_relationship(db, actor=mentor, relationship_id=rel.id, now=NOW + timedelta(days=1))
    _, other_mentee, other_rel = accepted_pair(db, make_member)
    meetings.log_meeting(
        db, actor=other_mentee, relationship_id=other_rel.id, held_on=TODAY, duration_minutes=45, today=TODAY
    )

    record = cpd.record(db, actor=mentee, now=NOW)
    (mine,) = record.relationships  # the other pair's meeting is not in this member's record
    assert (mine.partner_name, mine.role, mine.status_label) == (mentor.name, "mentee", "Ended")
    assert (len(mine.meetings), mine.minutes, mine.hours) == (2, 150, 2.5)
    assert [g.statement[:4] for g in mine.goals_achieved] == ["=HYP", "Pass"]
    assert (record.meetings_count, record.hours, record.goals_achieved_count) == (2, 2.5, 2)
    assert cpd.record(db, actor=mentor, now=NOW).relationships[0].role == "mentor"

    payload = cpd.csv_bytes(db, actor=mentee, now=NOW)
    assert payload.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert rows[0] == list(cpd.CSV_HEADER)
    assert [r[0] for r in rows[1:]] == [
        "Relationship",
        "Meeting",
        "Meeting",
        "Goal achieved",
        "Goal achieved",
        "Total",
    ]
    assert rows[2][1:6] == [str(TODAY - timedelta(days=10)), mentor.name, "mentee", "60", "1.0"]
    assert rows[4][6].startswith("'=HYPERLINK")  # a spreadsheet shows it as text, never runs it
    assert rows[-1][4:6] == ["150", "2.5"]
    assert b"Confidential" not in payload  # meeting notes stay out of the record
    assert cpd.spreadsheet_safe("+1") == "'+1" and cpd.spreadsheet_safe("@x") == "'@x"
    assert cpd.spreadsheet_safe("-5") == "'-5" and cpd.spreadsheet_safe("Plain") == "Plain"
    assert cpd.csv_filename(NOW) == "mentoring-cpd-record-2030-03-01.csv"

    page = cpd.printable_html(db, actor=mentee, now=NOW)
    assert "Pass the diploma in &lt;b&gt;legal&lt;/b&gt; translation" in page and "<b>legal" not in page
    assert "2 h 30 min</strong> of mentoring" in page and "hours" not in page and "Confidential" not in page
