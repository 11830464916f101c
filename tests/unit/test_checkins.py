"""Check-ins: scheduling every N weeks for active pairs only and never twice (two runners racing
included), the emailed one-tap links (valid, expired, reused, forged, another member's), answers
private to the member and admins, the needs-attention rules and the nudge sent once."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app import live
from mentoring_app.live import bus
from mentoring_app.models import AuditEntry, Notification, OutboxEmail, Relationship, User
from mentoring_app.models.checkins import Checkin
from mentoring_app.services.accounts import privacy
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed
from mentoring_app.services.limits import LimitReached
from mentoring_app.services.mentoring import checkins, dashboard_snapshot, relationships
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.services.staff import checkin_attention
from tests.unit.conftest import STRONG_PASSWORD
from tests.unit.pairs import accepted_pair
from tests.unit.test_concurrent_jobs import _at_once

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
WEEK = timedelta(weeks=1)


def _pair(db: Session, make_member) -> tuple[User, User, Relationship]:
    """An accepted pair, accepted at T0."""
    mentor, mentee, rel = accepted_pair(db, make_member)
    rel.decided_at = T0
    db.add(rel)
    db.commit()
    return mentor, mentee, rel


def _admin(db: Session) -> User:
    return admin_service.create_admin(
        db, email="boss@example.org", password="violet-harbour-lantern-42", name="Bea Boss"
    )[0]


def _rows(db: Session, rel: Relationship) -> list[Checkin]:
    db.expire_all()
    return list(
        db.exec(select(Checkin).where(Checkin.relationship_id == rel.id).order_by(Checkin.round, Checkin.id))
    )


def _links(db: Session, member: User) -> dict[int, dict[str, str]]:
    """The latest check-in email to ``member``: its buttons' query parameters, by answer."""
    email = db.exec(
        select(OutboxEmail)
        .where(OutboxEmail.to_address == member.email, OutboxEmail.kind == "checkin")
        .order_by(OutboxEmail.id.desc())  # type: ignore[union-attr]
    ).first()
    assert email is not None
    found = {}
    for url in re.findall(r"(http://\S+/check-in\?\S+)", email.body_text):
        params = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        found[int(params["answer"])] = params
        assert f'href="{url.replace("&", "&amp;")}"' in email.body_html  # a button in the HTML too
    return found


def _open(db: Session, params: dict[str, str], now: datetime) -> checkins.LinkOutcome:
    return checkins.record_from_link(
        db, checkin_id=params["c"], key=params["key"], answer=params["answer"], now=now
    )


def test_every_n_weeks_for_active_pairs_only_and_never_twice(db: Session, make_member) -> None:
    mentor, mentee, rel = _pair(db, make_member)
    pending = relationships.send_request(
        db, actor=make_member(role="mentee"), mentor_id=mentor.id, text="x" * 40
    )
    assert checkins.run_due_checkins(db, now=T0 + 4 * WEEK - timedelta(minutes=1)) == 0
    assert checkins.run_due_checkins(db, now=T0 + 4 * WEEK) == 1
    assert checkins.run_due_checkins(db, now=T0 + 5 * WEEK) == 0  # not twice
    rows = _rows(db, rel)
    assert sorted((r.member_id, r.round) for r in rows) == sorted([(mentor.id, 1), (mentee.id, 1)])
    assert (
        db.exec(select(func.count()).select_from(Checkin).where(Checkin.relationship_id == pending.id)).one()
        == 0
    )
    for member in (mentor, mentee):
        assert set(_links(db, member)) == {1, 2, 3, 4, 5}
        note = db.exec(
            select(Notification).where(Notification.user_id == member.id, Notification.kind == "checkin")
        ).one()
        assert note.link == f"/relationships/{rel.id}"
    assert checkins.run_due_checkins(db, now=T0 + 8 * WEEK) == 1  # the next round, 4 weeks later
    assert {r.round for r in _rows(db, rel)} == {1, 2}
    relationships.withdraw(db, actor=mentee, relationship_id=rel.id, reason="")
    assert checkins.run_due_checkins(db, now=T0 + 20 * WEEK) == 0  # no longer active


def test_the_admins_interval_setting_applies_from_the_next_run(db: Session, make_member) -> None:
    _, _, rel = _pair(db, make_member)
    boss = _admin(db)
    assert checkin_attention.current_interval(db, actor=boss) == checkins.DEFAULT_WEEKS == 4
    for bad in ("0", "27", "two", "", "1.5", True):
        with pytest.raises(ValidationFailed) as refused:
            checkin_attention.set_interval(db, actor=boss, weeks=bad)
        assert "weeks" in refused.value.errors
    with pytest.raises(NotAllowed):
        checkin_attention.set_interval(db, actor=make_member(), weeks="2")
    assert checkin_attention.set_interval(db, actor=boss, weeks=" 2 ") == 2
    assert (
        db.exec(select(AuditEntry).where(AuditEntry.action == "checkin_interval")).one().actor_id == boss.id
    )
    assert checkins.run_due_checkins(db, now=T0 + 2 * WEEK) == 1
    assert checkins.run_due_checkins(db, now=T0 + 3 * WEEK) == 0
    checkin_attention.set_interval(db, actor=boss, weeks="1")
    assert checkins.run_due_checkins(db, now=T0 + 3 * WEEK) == 1
    assert [r.round for r in _rows(db, rel)] == [1, 1, 2, 2]


def test_two_runners_racing_send_each_check_in_once(engine: Engine, db: Session, make_member) -> None:
    pairs = [_pair(db, make_member) for _ in range(4)]

    def runner() -> int:
        with Session(engine, expire_on_commit=False) as session:
            return checkins.run_due_checkins(session, now=T0 + 4 * WEEK)

    assert sum(_at_once([runner, runner])) == len(pairs)  # type: ignore[arg-type]
    db.expire_all()
    assert db.exec(select(func.count()).select_from(Checkin)).one() == 2 * len(pairs)
    assert db.exec(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.kind == "checkin")
    ).one() == 2 * len(pairs)
    assert _at_once([runner, runner]) == [0, 0]


def test_links_record_once_and_refuse_expired_forged_and_other_members(db: Session, make_member) -> None:
    mentor, mentee, rel = _pair(db, make_member)
    sent = T0 + 4 * WEEK
    checkins.run_due_checkins(db, now=sent)
    mine, theirs = _links(db, mentee), _links(db, mentor)
    later = sent + timedelta(hours=1)
    # Forged or tampered: another key, a key changed by one character, another member's check-in.
    assert _open(db, {**mine[4], "key": "A" * 43}, later).status == checkins.INVALID
    tampered = mine[4]["key"][:-1] + ("A" if mine[4]["key"][-1] != "A" else "B")
    assert _open(db, {**mine[4], "key": tampered}, later).status == checkins.INVALID
    assert _open(db, {**mine[4], "c": theirs[4]["c"]}, later).status == checkins.INVALID
    assert _open(db, {**mine[4], "answer": "9"}, later).status == checkins.INVALID
    assert _open(db, {**mine[4], "c": "x"}, later).status == checkins.INVALID
    assert all(r.answered_at is None for r in _rows(db, rel))
    # Valid: records the answer once; any button of the same email afterwards says "already".
    done = _open(db, mine[4], later)
    assert (done.status, done.answer, done.relationship_id) == (checkins.RECORDED, 4, rel.id)
    assert _open(db, mine[4], later).status == checkins.ALREADY
    assert _open(db, mine[2], later).status == checkins.ALREADY
    answered = {r.member_id: r for r in _rows(db, rel)}
    assert (answered[mentee.id].answer, answered[mentee.id].answered_via) == (4, "email")
    assert answered[mentor.id].answer is None  # the mentor's own link is theirs to use
    # Expired: after the link's lifetime nothing is recorded.
    expired = _open(db, theirs[5], sent + checkins.LINK_LIFETIME + timedelta(seconds=1))
    assert expired.status == checkins.EXPIRED
    assert {r.member_id: r for r in _rows(db, rel)}[mentor.id].answer is None
    # Only digests are stored, never the key itself.
    assert all(mine[4]["key"] not in (r.key_digest, r.note or "") for r in _rows(db, rel))


def test_answers_in_the_app_are_the_members_own_and_never_the_partners(db: Session, make_member) -> None:
    mentor, mentee, rel = _pair(db, make_member)
    now = T0 + 4 * WEEK
    checkins.run_due_checkins(db, now=now)
    with pytest.raises(ValidationFailed) as bad:
        checkins.answer_checkin(db, actor=mentee, relationship_id=rel.id, answer="6", now=now)
    assert "answer" in bad.value.errors
    with pytest.raises(ValidationFailed) as long_note:
        checkins.answer_checkin(
            db, actor=mentee, relationship_id=rel.id, answer="2", note="x" * 1001, now=now
        )
    assert "note" in long_note.value.errors
    view = checkins.answer_checkin(
        db, actor=mentee, relationship_id=rel.id, answer="2", note="Secret: my mentor never replies", now=now
    )
    assert (view.answer, view.note) == (2, "Secret: my mentor never replies")
    # The partner reads only their own, unanswered, check-in: not the mentee's answer or note.
    theirs = checkins.my_checkin(db, actor=mentor, relationship_id=rel.id, now=now)
    assert theirs is not None and theirs.answer is None and theirs.note == ""
    snap = dashboard_snapshot.snapshot(
        db, actor=mentor, relationship_id=rel.id, section="details", today=now.date()
    )
    assert "Secret" not in repr(snap) and snap.checkin is not None and snap.checkin.answer is None
    # Answering "again" as the mentor touches only the mentor's row; a stranger finds nothing.
    checkins.answer_checkin(db, actor=mentor, relationship_id=rel.id, answer="5", now=now)
    rows = {r.member_id: r for r in _rows(db, rel)}
    assert (rows[mentee.id].answer, rows[mentee.id].note) == (2, "Secret: my mentor never replies")
    assert rows[mentor.id].answer == 5
    with pytest.raises(NotFound):
        checkins.my_checkin(db, actor=make_member(), relationship_id=rel.id, now=now)
    with pytest.raises(NotFound):
        checkins.answer_checkin(db, actor=make_member(), relationship_id=rel.id, answer="1", now=now)
    # Once answered, only a note can be added; the answer stays.
    again = checkins.answer_checkin(
        db, actor=mentee, relationship_id=rel.id, answer="5", note="Better now", now=now
    )
    assert (again.answer, again.note) == (2, "Better now")
    # Admins see the answers, in Needs attention's rules (below); members see nothing once closed.
    assert (
        checkins.my_checkin(db, actor=mentee, relationship_id=rel.id, now=now + checkins.LINK_LIFETIME)
        is None
    )
    with pytest.raises(NotAllowed):
        checkins.answer_checkin(
            db, actor=mentee, relationship_id=rel.id, answer="3", now=now + checkins.LINK_LIFETIME
        )


def test_needs_attention_lists_two_low_or_two_unanswered_in_a_row(db: Session, make_member) -> None:
    boss = _admin(db)
    low_mentor, low_mentee, low = _pair(db, make_member)
    quiet_mentor, quiet_mentee, quiet = _pair(db, make_member)
    fine_mentor, fine_mentee, fine = _pair(db, make_member)
    first, second = T0 + 4 * WEEK, T0 + 8 * WEEK
    for sent, answers in (
        (first, {low_mentee.id: "2", fine_mentee.id: "1"}),
        (second, {low_mentee.id: "1", fine_mentee.id: "4"}),
    ):
        assert checkins.run_due_checkins(db, now=sent) == 3
        for member, rel in ((low_mentee, low), (fine_mentee, fine)):
            checkins.answer_checkin(
                db, actor=member, relationship_id=rel.id, answer=answers[member.id], now=sent
            )
        for member, rel in ((low_mentor, low), (fine_mentor, fine)):
            checkins.answer_checkin(db, actor=member, relationship_id=rel.id, answer="3", now=sent)
    with pytest.raises(NotAllowed):
        checkin_attention.needs_attention(db, actor=low_mentee, now=second)
    # Before the second round closes, the quiet pair's second check-in may still be answered.
    listed, total = checkin_attention.needs_attention(db, actor=boss, now=second + timedelta(days=1))
    assert [(c.relationship_id, c.reasons) for c in listed] == [
        (low.id, ("Two low answers in a row from the mentee",))
    ]
    assert total == 1
    listed, total = checkin_attention.needs_attention(db, actor=boss, now=second + checkins.LINK_LIFETIME)
    assert [(c.relationship_id, c.reasons) for c in listed] == [
        (low.id, ("Two low answers in a row from the mentee",)),
        (
            quiet.id,
            (
                "Two check-ins in a row unanswered by the mentee",
                "Two check-ins in a row unanswered by the mentor",
            ),
        ),
    ]
    assert (listed[0].mentee_name, listed[0].mentor_name) == (low_mentee.name, low_mentor.name)
    assert total == 2
    assert quiet_mentor.id == listed[1].mentor_id and quiet_mentee.id == listed[1].mentee_id
    # A better answer next time takes the pair off the list.
    third = T0 + 12 * WEEK
    checkins.run_due_checkins(db, now=third)
    checkins.answer_checkin(db, actor=low_mentee, relationship_id=low.id, answer="4", now=third)
    listed, _ = checkin_attention.needs_attention(db, actor=boss, now=third + timedelta(hours=1))
    assert low.id not in [c.relationship_id for c in listed]


def test_nudge_emails_the_pair_once_and_is_audited(db: Session, make_member) -> None:
    boss = _admin(db)
    mentor, mentee, rel = _pair(db, make_member)
    with pytest.raises(NotAllowed):
        checkin_attention.nudge_pair(db, actor=mentee, relationship_id=rel.id)
    checkin_attention.nudge_pair(db, actor=boss, relationship_id=rel.id, now=T0)
    with pytest.raises(LimitReached) as twice:  # a double click
        checkin_attention.nudge_pair(db, actor=boss, relationship_id=rel.id, now=T0 + timedelta(seconds=1))
    assert "already nudged" in twice.value.message
    sent = db.exec(select(OutboxEmail).where(OutboxEmail.kind == "checkin_nudge")).all()
    assert sorted(e.to_address for e in sent) == sorted([mentor.email, mentee.email])
    assert all(f"/relationships/{rel.id}" in e.body_text for e in sent)
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "nudge_pair")).all()
    assert [(e.actor_id, e.target_id) for e in entries] == [(boss.id, rel.id)]
    checkin_attention.nudge_pair(
        db, actor=boss, relationship_id=rel.id, now=T0 + timedelta(days=1, seconds=1)
    )
    assert len(db.exec(select(OutboxEmail).where(OutboxEmail.kind == "checkin_nudge")).all()) == 4


def test_the_dashboard_reads_the_check_in_with_one_query_and_only_when_it_changed(
    engine: Engine, db: Session, make_member
) -> None:
    _, mentee, rel = _pair(db, make_member)
    checkins.run_due_checkins(db, now=T0 + 4 * WEEK)
    for part in ("goals", "meetings", "agreement", "ending"):  # a partner's change elsewhere
        assert checkins.CHECKIN_PART not in dashboard_snapshot.parts_after([part])
    assert dashboard_snapshot.parts_after([checkins.CHECKIN_PART]) == {checkins.CHECKIN_PART}
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    def read(parts: frozenset[str]) -> int:
        statements.clear()
        with Session(engine) as session:
            member = session.get(User, mentee.id)
            statements.clear()
            found = dashboard_snapshot.snapshot(
                session, actor=member, relationship_id=rel.id, section="details", today=T0.date(), parts=parts
            )
        assert found.checkin_read == (checkins.CHECKIN_PART in parts)
        return len(statements)

    event.listen(engine, "before_cursor_execute", count)
    try:
        every = dashboard_snapshot.EVERY_PART
        read(every)  # warm the per-process caches (guides) first
        without = read(every - {checkins.CHECKIN_PART})
        assert read(every) - without == 1
        assert len([s for s in statements if "FROM checkins" in s]) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_members_check_ins_are_in_their_data_and_go_with_their_account(db: Session, make_member) -> None:
    mentor, mentee, rel = _pair(db, make_member)
    now = T0 + 4 * WEEK
    checkins.run_due_checkins(db, now=now)
    checkins.answer_checkin(db, actor=mentee, relationship_id=rel.id, answer="3", note="Mine alone", now=now)
    mine = json.loads(privacy.export_my_data(db, actor=mentee))["checkins"]
    assert [(c["answer"], c["note"]) for c in mine] == [(3, "Mine alone")]
    theirs = json.loads(privacy.export_my_data(db, actor=mentor))["checkins"]
    assert [(c["answer"], c["note"]) for c in theirs] == [(None, None)]
    privacy.delete_account(db, actor=mentee, password=STRONG_PASSWORD)
    assert [r.member_id for r in _rows(db, rel)] == [mentor.id]


def test_only_the_members_own_open_dashboards_hear_of_their_check_in(
    db: Session, make_member, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor, mentee, rel = _pair(db, make_member)
    heard: list[tuple[list[int], list[str]]] = []
    monkeypatch.setattr(bus, "_send", lambda entries: heard.extend((e[0], e[1]) for e in entries))
    now = T0 + 4 * WEEK
    checkins.run_due_checkins(db, now=now)
    topic = live.relationship_topic(rel.id, checkins.CHECKIN_PART)
    assert ([mentee.id], [topic]) in heard and ([mentor.id], [topic]) in heard
    heard.clear()
    checkins.answer_checkin(db, actor=mentee, relationship_id=rel.id, answer="2", note="Hmm", now=now)
    assert heard == [([mentee.id], [topic])]  # never the partner's tabs
    heard.clear()
    _open(db, _links(db, mentor)[5], now)
    assert heard == [([mentor.id], [topic])]
