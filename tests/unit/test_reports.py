"""Report a problem: profiles by anyone logged in; a message only by the member it was sent to."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from mentoring_app.services import messaging, reports
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed


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
