"""Report a problem: on a member's profile, or on a message sent to you. Admins review them."""

from __future__ import annotations

from sqlmodel import Session

from mentoring_app.models import Message, Report, Thread, User
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed

MAX_REASON = 2000


def report(
    session: Session, *, actor: User | None, subject_user_id: int, reason: str, message_id: int | None = None
) -> Report:
    """Store a report. A message can be reported only by the member it was sent to."""
    reporter = actor
    if reporter is None or not reporter.is_active:
        raise NotAllowed("Please log in again.")
    text = reason.strip()
    if not text:
        raise ValidationFailed({"reason": "Say what the problem is."})
    if len(text) > MAX_REASON:
        raise ValidationFailed({"reason": f"Use at most {MAX_REASON:,} characters."})
    subject = session.get(User, subject_user_id)
    if subject is None or subject.id == reporter.id:
        raise NotFound("That member could not be found.")
    if message_id is not None:
        message = session.get(Message, message_id)
        thread = session.get(Thread, message.thread_id) if message else None
        if (
            message is None
            or thread is None
            or message.sender_id != subject.id
            or reporter.id not in (thread.low_id, thread.high_id)
        ):
            raise NotFound("That message could not be found.")
    row = Report(reporter_id=reporter.id, subject_user_id=subject.id, message_id=message_id, reason=text)  # type: ignore[arg-type]
    session.add(row)
    session.commit()
    return row
