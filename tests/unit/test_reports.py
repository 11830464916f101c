"""Report a problem: profiles by anyone logged in; a message only by the member it was sent to."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from mentoring_app.services.conversations import messaging, reports
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.staff import admin, audit
from tests.unit.conftest import STRONG_PASSWORD


def test_reports_on_profiles_and_messages(db: Session, make_member) -> None:
    mentee, mentor, stranger = (
        make_member(role="mentee"),
        make_member(role="mentor"),
        make_member(role="mentee"),
    )
    message = messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Something rude")
    row = reports.report(
        db, actor=mentor, subject_user_id=mentee.id, reason="Rude message", message_id=message.id
    )
    assert (row.reporter_id, row.subject_user_id, row.message_id) == (mentor.id, mentee.id, message.id)
    assert (
        reports.report(db, actor=stranger, subject_user_id=mentor.id, reason="Fake profile").message_id
        is None
    )
    with pytest.raises(NotFound):  # not a message sent to the stranger
        reports.report(db, actor=stranger, subject_user_id=mentee.id, reason="x", message_id=message.id)
    with pytest.raises(NotFound):  # a member cannot report their own message
        reports.report(db, actor=mentee, subject_user_id=mentee.id, reason="x", message_id=message.id)
    with pytest.raises(ValidationFailed):
        reports.report(db, actor=mentor, subject_user_id=mentee.id, reason="   ")
    with pytest.raises(NotAllowed):
        reports.report(db, actor=None, subject_user_id=mentee.id, reason="x")


def _reported_message(db: Session, make_member):  # type: ignore[no-untyped-def]
    mentee, mentor = make_member(role="mentee"), make_member(role="mentor")
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Private before")
    rude = messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Something rude")
    messaging.send_message(db, actor=mentor, other_id=mentee.id, body="Private after")
    row = reports.report(
        db, actor=mentor, subject_user_id=mentee.id, reason="Rude message", message_id=rude.id
    )
    boss = admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]
    return boss, mentee, mentor, row


def test_admins_read_only_the_reported_message(db: Session, make_member) -> None:
    boss, mentee, mentor, row = _reported_message(db, make_member)
    detail = reports.report_detail(db, actor=boss, report_id=row.id)
    assert detail.message is not None
    assert (detail.message.body, detail.message.sender_name, detail.message.recipient_name) == (
        "Something rude",
        mentee.name,
        mentor.name,
    )
    assert "Private" not in repr(detail)  # the rest of the thread stays private
    assert (detail.report.reporter_name, detail.report.subject_name, detail.report.about_message) == (
        mentor.name,
        mentee.name,
        True,
    )
    assert audit.recent(db, actor=boss, action="report.read_message")[0].target_id == row.id
    with pytest.raises(NotFound):
        reports.report_detail(db, actor=boss, report_id=999_999)


def test_resolve_and_list_reports(db: Session, make_member) -> None:
    boss, mentee, mentor, row = _reported_message(db, make_member)
    profile_report = reports.report(db, actor=mentee, subject_user_id=mentor.id, reason="Fake profile")
    assert [r.id for r in reports.list_reports(db, actor=boss)] == [row.id, profile_report.id]
    with pytest.raises(ValidationFailed):
        reports.resolve_report(db, actor=boss, report_id=row.id, note="  ")
    reports.resolve_report(db, actor=boss, report_id=row.id, note="Member warned")
    with pytest.raises(ServiceError):
        reports.resolve_report(db, actor=boss, report_id=row.id, note="Again")
    assert [r.id for r in reports.list_reports(db, actor=boss)] == [profile_report.id]
    assert [r.id for r in reports.list_reports(db, actor=boss, status="resolved")] == [row.id]
    assert {r.id for r in reports.list_reports(db, actor=boss, status="all")} == {row.id, profile_report.id}
    detail = reports.report_detail(db, actor=boss, report_id=row.id)
    assert (detail.resolved_by_name, detail.resolution_note) == ("Boss", "Member warned")
    assert detail.report.resolved_at is not None
    assert reports.report_detail(db, actor=boss, report_id=profile_report.id).message is None
    assert (
        audit.recent(db, actor=boss, action="report.resolve")[0].summary
        == f"Resolved report {row.id}: Member warned"
    )
    with pytest.raises(ValidationFailed):
        reports.list_reports(db, actor=boss, status="closed")
