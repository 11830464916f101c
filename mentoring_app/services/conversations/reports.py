"""Report a problem: on a member's profile, or on a message sent to you. Admins review and resolve them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from mentoring_app.models import Message, Report, Thread, User
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.staff import audit
from mentoring_app.services.staff.admin_access import require_admin

MAX_REASON = 2000


ALREADY_REPORTED = "You have reported this already: an admin will look at it soon."


def report(
    session: Session,
    *,
    actor: User | None,
    subject_user_id: int,
    reason: str,
    message_id: int | None = None,
    now: datetime | None = None,
) -> Report:
    """Store a report. A message can be reported only by the member it was sent to.

    Reports are limited per reporter (services/limits.py), and a reporter has at most one open
    report about one profile or one message: admins read each complaint once, not ten times.
    """
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
    now = now or utcnow()
    # Taken first: it serialises this reporter's reports, so the duplicate check below holds too.
    limits.enforce(session, "report", f"user:{reporter.id}", now=now)
    same = session.exec(
        select(Report.id).where(
            Report.reporter_id == reporter.id,
            Report.subject_user_id == subject.id,
            Report.message_id == message_id if message_id is not None else Report.message_id.is_(None),  # type: ignore[union-attr]
            Report.resolved_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if same is not None:
        session.rollback()  # the duplicate uses no slot of the limit
        raise ServiceError(ALREADY_REPORTED)
    row = Report(
        reporter_id=reporter.id,  # type: ignore[arg-type]
        subject_user_id=subject.id,  # type: ignore[arg-type]
        message_id=message_id,
        reason=text,
        created_at=now,
    )
    session.add(row)
    session.commit()
    return row


# ---------------------------------------------------------------- admins review reports

MAX_NOTE = 1000
STATUSES = ("open", "resolved", "all")


@dataclass(frozen=True)
class ReportRow:
    id: int
    reporter_id: int
    reporter_name: str
    subject_user_id: int
    subject_name: str
    about_message: bool
    reason: str
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class ReportedMessage:
    """The one message a report is about. Admins see this message only, never the rest of the thread."""

    id: int
    sender_name: str
    recipient_name: str
    body: str
    sent_at: datetime


@dataclass(frozen=True)
class ReportDetail:
    report: ReportRow
    message: ReportedMessage | None  # None for a report on a profile, or when the message was deleted
    resolved_by_name: str
    resolution_note: str


def _report_rows(session: Session, statement) -> list[ReportRow]:  # type: ignore[no-untyped-def]
    reporter, subject = aliased(User), aliased(User)
    rows = session.execute(
        statement.add_columns(reporter.name, subject.name)
        .join(reporter, reporter.id == Report.reporter_id)
        .join(subject, subject.id == Report.subject_user_id)
    ).all()
    return [
        ReportRow(
            id=row.id,  # type: ignore[arg-type]
            reporter_id=row.reporter_id,
            reporter_name=reporter_name,
            subject_user_id=row.subject_user_id,
            subject_name=subject_name,
            about_message=row.message_id is not None,
            reason=row.reason,
            created_at=row.created_at,
            resolved_at=row.resolved_at,
        )
        for row, reporter_name, subject_name in rows
    ]


def list_reports(
    session: Session, *, actor: User | None, status: str = "open", limit: int = 100, offset: int = 0
) -> list[ReportRow]:
    """Reports for admins: open ones oldest first (so none waits forever), others newest first."""
    require_admin(actor)
    if status not in STATUSES:
        raise ValidationFailed({"status": "Choose open, resolved or all."})
    statement = select(Report)
    if status == "open":
        statement = statement.where(Report.resolved_at.is_(None)).order_by(Report.created_at, Report.id)  # type: ignore[union-attr, arg-type]
    else:
        if status == "resolved":
            statement = statement.where(Report.resolved_at.is_not(None))  # type: ignore[union-attr]
        statement = statement.order_by(Report.created_at.desc(), Report.id.desc())  # type: ignore[attr-defined, union-attr]
    return _report_rows(session, statement.offset(max(0, offset)).limit(max(1, min(limit, 500))))


def report_detail(session: Session, *, actor: User | None, report_id: int) -> ReportDetail:
    """One report with, for a reported message, that message's text and who sent it to whom.

    A reported message becomes readable to admins, and only that message: the rest of the pair's
    thread stays private (a report is about what was said there, and the reporter can quote more
    in their reason). Each time an admin opens a reported message, the audit log says so.
    """
    admin = require_admin(actor)
    rows = _report_rows(session, select(Report).where(Report.id == report_id))
    if not rows:
        raise NotFound("That report does not exist.")
    row = session.get(Report, report_id)
    assert row is not None
    message_view = None
    message = session.get(Message, row.message_id) if row.message_id else None
    thread = session.get(Thread, message.thread_id) if message else None
    if message is not None and thread is not None:
        recipient_id = thread.high_id if message.sender_id == thread.low_id else thread.low_id
        sender, recipient = session.get(User, message.sender_id), session.get(User, recipient_id)
        message_view = ReportedMessage(
            id=message.id,  # type: ignore[arg-type]
            sender_name=sender.name if sender else "",
            recipient_name=recipient.name if recipient else "",
            body=message.body,
            sent_at=message.created_at,
        )
        audit.record(
            session,
            actor=admin,
            action="report.read_message",
            target_type="report",
            target_id=row.id,
            summary=f"Read the reported message {message.id} (report {row.id})",
        )
        session.commit()
    resolver = session.get(User, row.resolved_by_id) if row.resolved_by_id else None
    return ReportDetail(
        report=rows[0],
        message=message_view,
        resolved_by_name=resolver.name if resolver else "",
        resolution_note=row.resolution_note or "",
    )


def resolve_report(
    session: Session, *, actor: User | None, report_id: int, note: str, now: datetime | None = None
) -> None:
    """Close a report, saying what was done (for instance: member warned, member deactivated)."""
    admin = require_admin(actor)
    text = (note or "").strip()
    if not text:
        raise ValidationFailed({"note": "Say what was done about it."})
    if len(text) > MAX_NOTE:
        raise ValidationFailed({"note": f"Use at most {MAX_NOTE:,} characters."})
    now = now or utcnow()
    claimed = session.exec(
        update(Report)  # type: ignore[call-overload]
        .where(Report.id == report_id, Report.resolved_at.is_(None))  # type: ignore[union-attr]
        .values(resolved_at=now, resolved_by_id=admin.id, resolution_note=text)
    )
    if claimed.rowcount != 1:
        session.rollback()
        if session.get(Report, report_id) is None:
            raise NotFound("That report does not exist.")
        raise ServiceError("This report is resolved already.")
    audit.record(
        session,
        actor=admin,
        action="report.resolve",
        target_type="report",
        target_id=report_id,
        summary=f"Resolved report {report_id}: {text}",
        now=now,
    )
    session.commit()
