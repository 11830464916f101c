"""Start-up tasks with several instances: every instance runs the mail relay and the due jobs, so
two of them race over the same rows. Each email must reach SMTP once and each reminder or expiry
happen once (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mentoring_app.models import Notification, OutboxEmail, Relationship, RelationshipEvent
from mentoring_app.models.types import utcnow
from mentoring_app.services.mentoring import relationships, request_expiry
from mentoring_app.services.outbox import mail, relay
from mentoring_app.settings import get_settings
from tests.unit.test_relationships import TEXT, make_mentor

INSTANCES = 2


class CountingSmtp:
    """An SMTP server that counts deliveries per subject, a little slow to widen the race window."""

    def __init__(self) -> None:
        self.subjects: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.005)
        subject = next(
            line.split(":", 1)[1].strip()
            for line in envelope.content.decode().splitlines()
            if line.startswith("Subject:")
        )
        with self.lock:
            self.subjects[subject] += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads released together; return their results (re-raising errors)."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]
    return results


def test_two_relays_over_one_outbox_send_each_email_once(engine: Engine) -> None:
    queued = 120
    with Session(engine) as session:
        for n in range(queued):
            mail.queue(
                session,
                to=f"member{n}@example.org",
                email=mail.compose(
                    kind="test", subject=f"Email {n}", greeting_name="Ana", paragraphs=["Hi."]
                ),
            )
        session.commit()
    smtp = CountingSmtp()
    controller = Controller(smtp, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)

    def relay_until_empty() -> int:
        """One instance's relay loop: passes until nothing is left to send."""
        sent = 0
        for _ in range(50):
            sent += relay.deliver_due(engine, settings=settings)
            with Session(engine) as session:
                if not session.exec(select(OutboxEmail.id).where(OutboxEmail.sent_at.is_(None))).first():  # type: ignore[union-attr]
                    break
        return sent

    try:
        counts = _at_once([relay_until_empty] * INSTANCES)
    finally:
        controller.stop()
    assert sum(counts) == queued  # type: ignore[arg-type]
    assert all(counts), f"both relays should have taken part: {counts}"
    assert len(smtp.subjects) == queued and set(smtp.subjects.values()) == {1}, smtp.subjects.most_common(3)
    with Session(engine) as session:
        rows = session.exec(select(OutboxEmail)).all()
        assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


def _queue(engine: Engine, subject: str) -> int:
    with Session(engine) as session:
        row = mail.queue(
            session,
            to="ana@example.org",
            email=mail.compose(kind="test", subject=subject, greeting_name="Ana", paragraphs=["Hi."]),
        )
        session.commit()
        return row.id  # type: ignore[return-value]


def test_a_claim_runs_from_the_real_clock_and_only_on_due_rows(engine: Engine) -> None:
    """A pass that started long ago still takes a full claim; a row put back for a later retry
    (by another relay, after this pass read its batch) is not taken early."""
    claimed, retried = _queue(engine, "Claimed"), _queue(engine, "Retried")
    with Session(engine) as session:
        row = session.get(OutboxEmail, claimed)
        row.next_attempt_at = utcnow() - timedelta(minutes=20)  # type: ignore[union-attr]
        session.add(row)
        session.commit()
        assert relay.claim(session, claimed, now=utcnow() - timedelta(minutes=10))
        assert session.get(OutboxEmail, claimed).claimed_until > utcnow() + timedelta(seconds=60)  # type: ignore[operator, union-attr]
        assert not relay.claim(session, claimed, now=utcnow())  # another relay, now: still held

        row = session.get(OutboxEmail, retried)
        row.next_attempt_at = utcnow() + timedelta(minutes=5)  # type: ignore[union-attr]
        session.add(row)
        session.commit()
        assert not relay.claim(session, retried, now=utcnow())


def test_two_instances_running_due_jobs_remind_and_expire_once(
    engine: Engine, db: Session, make_member
) -> None:
    mentor = make_mentor(db, make_member, capacity=10)
    now = utcnow()
    to_expire, to_remind = [], []
    for n in range(12):
        mentee = make_member(role="mentee")
        days = 15 if n % 2 else 8
        rel = relationships.send_request(
            db, actor=mentee, mentor_id=mentor.id, text=TEXT, now=now - timedelta(days=days)
        )
        (to_expire if n % 2 else to_remind).append(rel.id)

    def due_jobs() -> tuple[int, int]:
        with Session(engine, expire_on_commit=False) as session:
            return request_expiry.run_due_jobs(session, now=now)

    results = _at_once([due_jobs] * INSTANCES)
    reminded = sum(r[0] for r in results)  # type: ignore[index]
    expired = sum(r[1] for r in results)  # type: ignore[index]
    assert (reminded, expired) == (len(to_remind), len(to_expire)), results

    db.expire_all()

    def count(model: Any, *where: Any) -> int:
        return db.exec(select(func.count()).select_from(model).where(*where)).one()

    assert count(Relationship, Relationship.status == "expired") == len(to_expire)
    assert count(RelationshipEvent, RelationshipEvent.to_status == "expired") == len(to_expire)
    assert count(OutboxEmail, OutboxEmail.kind == "expired") == len(to_expire)
    assert count(OutboxEmail, OutboxEmail.kind == "reminder") == len(to_remind)
    assert count(Notification, Notification.kind == "reminder") == len(to_remind)
    assert count(Notification, Notification.kind == "expired") == len(to_expire)
    # A second pass, by either instance, finds nothing left to do.
    assert _at_once([due_jobs] * INSTANCES) == [(0, 0)] * INSTANCES
