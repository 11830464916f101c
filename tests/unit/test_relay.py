"""The outbox and its relay: delivered at least once, retried with backoff, never lost."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import OutboxEmail
from mentoring_app.models.types import utcnow
from mentoring_app.services.outbox import mail, relay
from mentoring_app.settings import get_settings


class Collector:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _queue_one(engine: Engine, to: str = "ana@example.org") -> int:
    with Session(engine) as session:
        row = mail.queue(
            session,
            to=to,
            email=mail.compose(
                kind="test",
                subject="Hello <there>",
                greeting_name="Ana & Bo",
                paragraphs=["Line <b>one</b>."],
                action=("Open", mail.link("/home")),
            ),
        )
        session.commit()
        return row.id  # type: ignore[return-value]


def test_delivers_text_and_html_through_smtp(engine: Engine) -> None:
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_unused_port())
    controller.start()
    try:
        settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)
        row_id = _queue_one(engine)
        assert relay.deliver_due(engine, settings=settings) == 1
        assert relay.deliver_due(engine, settings=settings) == 0  # sent once, marked sent
    finally:
        controller.stop()
    [message] = collector.messages
    assert message["Subject"] == "Hello <there>"
    assert "Hello Ana & Bo," in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ana &amp; Bo" in html and "&lt;b&gt;one&lt;/b&gt;" in html
    assert get_settings().app_url + "/home" in html
    with Session(engine) as session:
        row = session.get(OutboxEmail, row_id)
        assert row.sent_at is not None and row.attempts == 1


def test_smtp_down_keeps_email_and_retries_with_backoff(engine: Engine) -> None:
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=_unused_port())
    row_id = _queue_one(engine)
    start = utcnow()
    assert relay.deliver_due(engine, now=start, settings=settings) == 0
    with Session(engine) as session:
        row = session.get(OutboxEmail, row_id)
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        first_retry = row.next_attempt_at
    assert first_retry > start
    # Not retried before its time...
    assert relay.deliver_due(engine, now=start + timedelta(seconds=1), settings=settings) == 0
    with Session(engine) as session:
        assert session.get(OutboxEmail, row_id).attempts == 1
    # ...and delivered once the server is back.
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=settings.smtp_port)
    controller.start()
    try:
        assert relay.deliver_due(engine, now=first_retry + timedelta(seconds=1), settings=settings) == 1
    finally:
        controller.stop()
    assert len(collector.messages) == 1


def test_backoff_grows_and_is_capped() -> None:
    assert [relay.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert relay.backoff(30) == timedelta(hours=1)


def test_without_smtp_writes_eml_files(engine: Engine, tmp_path: Path) -> None:
    settings = dataclasses.replace(get_settings(), smtp_host="", mail_dir=tmp_path / "mail")
    _queue_one(engine, to="eml@example.org")
    assert relay.deliver_due(engine, settings=settings) == 1
    [path] = list((tmp_path / "mail").glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "eml@example.org"


def test_claimed_rows_are_not_sent_twice(engine: Engine, tmp_path: Path) -> None:
    settings = dataclasses.replace(get_settings(), smtp_host="", mail_dir=tmp_path / "mail")
    row_id = _queue_one(engine)
    now = utcnow()
    with Session(engine) as session:
        row = session.get(OutboxEmail, row_id)
        row.claimed_until = now + timedelta(minutes=1)  # another worker is sending it
        session.add(row)
        session.commit()
    assert relay.deliver_due(engine, now=now, settings=settings) == 0
    assert relay.deliver_due(engine, now=now + timedelta(minutes=2), settings=settings) == 1


def test_email_rolls_back_with_its_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), Session(engine) as session:
        mail.queue(session, to="x@example.org", email=mail.welcome_email("X", "Mentee"))
        session.flush()
        raise RuntimeError("the change failed")
    with Session(engine) as session:
        assert session.exec(select(OutboxEmail)).all() == []


def test_sent_emails_go_after_the_retention_period(engine: Engine) -> None:
    """Sent emails name people: housekeeping drops them after OUTBOX_RETENTION_DAYS (30)."""
    now = utcnow()
    days = get_settings().outbox_retention_days
    assert days == 30
    old, recent, unsent = _queue_one(engine), _queue_one(engine), _queue_one(engine)
    with Session(engine) as session:
        for row_id, sent_at in (
            (old, now - timedelta(days=days, minutes=1)),
            (recent, now - timedelta(days=29)),
        ):
            row = session.get(OutboxEmail, row_id)
            row.sent_at = sent_at
            session.add(row)
        session.commit()
        assert relay.purge_sent(session, now=now) == 1
        left = {r.id for r in session.exec(select(OutboxEmail)).all()}
    assert left == {recent, unsent}  # never an email still waiting to be delivered
