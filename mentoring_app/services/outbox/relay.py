"""The mail relay: delivers outbox rows at least once, with retries and backoff.

With SMTP_HOST set it sends through SMTP; without it, each email becomes an .eml file under
MAIL_DIR (var/mail/ by default) and the path is logged. Every worker of every instance runs a relay:
a row is claimed with a conditional update before it is sent (see ``claim``), so one relay sends it.
Sent rows are kept OUTBOX_RETENTION_DAYS (to look into a delivery), then purged by housekeeping.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import Message, OutboxEmail, Thread
from mentoring_app.models.types import utcnow
from mentoring_app.services.outbox.preferences import ONE_CLICK_BODY
from mentoring_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
BATCH = 50
MAX_BACKOFF = timedelta(hours=1)


def build_message(row: OutboxEmail, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: plain text with an HTML alternative, its attachment,
    and the unsubscribe headers of an email that is not essential to security."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox{row.id}")
    if row.unsubscribe_url:  # RFC 2369, and RFC 8058's one-click POST to the same URL
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = ONE_CLICK_BODY
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    if row.attachment_name and row.attachment_text is not None:
        # "text/calendar; method=REQUEST": the parameter tells mail clients it is an invitation.
        kind, *extra = (row.attachment_type or "text/plain").split(";")
        maintype, _, subtype = kind.strip().partition("/")
        params = dict(p.strip().partition("=")[::2] for p in extra if "=" in p)
        message.add_attachment(
            row.attachment_text.encode(),
            maintype=maintype or "text",
            subtype=subtype or "plain",
            filename=row.attachment_name,
            params=params or None,
        )
    return message


def _send(message: EmailMessage, row: OutboxEmail, settings: Settings) -> None:
    if not settings.smtp_host:
        settings.mail_dir.mkdir(parents=True, exist_ok=True)
        path = settings.mail_dir / f"{row.created_at:%Y%m%dT%H%M%S}-{row.id}-{row.kind}.eml"
        path.write_bytes(bytes(message))
        log.warning("Email to %s written to %s (no SMTP_HOST set)", row.to_address, path)
        return
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


def backoff(attempts: int) -> timedelta:
    """Wait before retry number ``attempts``: 30 s, 1 min, 2 min, ... up to an hour."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim(session: Session, row_id: int, *, now: datetime) -> bool:
    """Take one due row for this relay, or return False when another relay has it (or sent it).

    The conditional UPDATE is the claim: on PostgreSQL a second relay's UPDATE waits for the first
    to commit and then no longer matches; SQLite runs one writer at a time. The claim's expiry is
    counted from the real clock, not from the start of the pass, so a long pass never hands out a
    claim that has already run out (another relay would then send the same email again).
    """
    until = max(now, utcnow()) + timedelta(seconds=CLAIM_SECONDS)
    result = session.exec(
        update(OutboxEmail)  # type: ignore[call-overload]
        .where(
            OutboxEmail.id == row_id,
            OutboxEmail.sent_at.is_(None),  # type: ignore[union-attr]
            OutboxEmail.next_attempt_at <= now,  # not put back for a later retry meanwhile
            or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),  # type: ignore[union-attr, operator]
        )
        .values(claimed_until=until)
    )
    session.commit()
    return result.rowcount == 1


READ_IN_APP = "Not sent: the member read the message in the app first"


def _already_read(session: Session, message_id: int) -> bool:
    """Whether the message a new-message email is about has been read. If so, the thread's
    once-an-hour email clock for its reader starts again: the next unread message may be emailed."""
    row = session.exec(
        select(Message.read_at, Message.sender_id, Thread.id, Thread.low_id)
        .join(Thread, Thread.id == Message.thread_id)  # type: ignore[arg-type]
        .where(Message.id == message_id)
    ).first()
    if row is None or row[0] is None:
        return False
    _, sender_id, thread_id, low_id = row
    field = "last_email_high_at" if sender_id == low_id else "last_email_low_at"
    session.exec(update(Thread).where(Thread.id == thread_id).values({field: None}))  # type: ignore[call-overload]
    return True


def deliver_due(engine: Engine, *, now: datetime | None = None, settings: Settings | None = None) -> int:
    """Send every email that is due; return how many were sent. Blocking: run it in a thread."""
    settings = settings or get_settings()
    now = now or utcnow()
    sent = 0
    with Session(engine, expire_on_commit=False) as session:
        due = session.exec(
            select(OutboxEmail)
            .where(
                OutboxEmail.sent_at.is_(None),  # type: ignore[union-attr]
                OutboxEmail.next_attempt_at <= now,
                or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),  # type: ignore[union-attr, operator]
            )
            .order_by(OutboxEmail.id)  # type: ignore[arg-type]
            .limit(BATCH)
        ).all()
        for row in due:
            if not claim(session, row.id, now=now):  # type: ignore[arg-type]
                continue
            # Send the row as it is now: erasure may have rewritten it since the batch was read.
            row = session.get(OutboxEmail, row.id, populate_existing=True)  # type: ignore[assignment]
            if row is None:
                continue
            if row.message_id is not None and _already_read(session, row.message_id):
                session.exec(
                    update(OutboxEmail)  # type: ignore[call-overload]
                    .where(OutboxEmail.id == row.id)
                    .values(sent_at=utcnow(), claimed_until=None, last_error=READ_IN_APP)
                )
                session.commit()
                continue
            try:
                _send(build_message(row, settings.mail_from), row, settings)
            except (OSError, smtplib.SMTPException) as error:
                attempts = row.attempts + 1
                session.exec(
                    update(OutboxEmail)  # type: ignore[call-overload]
                    .where(OutboxEmail.id == row.id)
                    .values(
                        attempts=attempts,
                        next_attempt_at=utcnow() + backoff(attempts),
                        claimed_until=None,
                        last_error=f"{type(error).__name__}: {error}"[:500],
                    )
                )
                session.commit()
                log.warning("Email %s not sent (attempt %s): %s", row.id, attempts, error)
                continue
            session.exec(
                update(OutboxEmail)  # type: ignore[call-overload]
                .where(OutboxEmail.id == row.id)
                .values(sent_at=utcnow(), attempts=row.attempts + 1, claimed_until=None, last_error=None)
            )
            session.commit()
            sent += 1
    return sent


def purge_sent(session: Session, *, now: datetime | None = None) -> int:
    """Housekeeping: drop emails sent more than OUTBOX_RETENTION_DAYS ago (they name people)."""
    cutoff = (now or utcnow()) - timedelta(days=get_settings().outbox_retention_days)
    result = session.exec(delete(OutboxEmail).where(OutboxEmail.sent_at <= cutoff))  # type: ignore[call-overload, operator]
    session.commit()
    return int(result.rowcount or 0)


async def run_forever(engine: Engine, *, interval: float | None = None) -> None:
    """Deliver due emails every few seconds until cancelled (an app lifespan task)."""
    interval = interval or get_settings().mail_relay_interval
    while True:
        try:
            await asyncio.to_thread(deliver_due, engine)
        except Exception:  # keep relaying after a database hiccup; the error is logged
            log.exception("Mail relay pass failed")
        await asyncio.sleep(interval)
