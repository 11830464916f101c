"""Deleting an account erases the person: after a whole journey and **Delete my account**, no
text, string or JSON column of any table holds their name or email (issue 11, item 9).

The scan reads the schema from the database itself, so a column added later that keeps a copy of
a member's name or address makes this test fail. It runs on SQLite and on PostgreSQL, with other
members' emails about the deleted member still in the outbox, some sent and some pending.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import JSON, String, Text, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.types import NullType
from sqlmodel import Session, select

from mentoring_app.models import OutboxEmail, Relationship, User
from mentoring_app.services.accounts import auth, privacy
from mentoring_app.services.conversations import messaging, notifications, reports
from mentoring_app.services.discovery import mentor_alerts, profiles
from mentoring_app.services.discovery.matching import Search
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.mentoring import agreement, goals, meetings, relationships
from mentoring_app.services.outbox import relay
from mentoring_app.services.staff import admin, audit, exports

NAME = "Zephyrine Quillfeather"
EMAIL = "Zephyrine.Quillfeather@Erasure-Probe.example"
# Every piece that identifies her; searched case-insensitively in every text column.
NEEDLES = ("zephyrine", "quillfeather", "zephyrine.quillfeather", "erasure-probe")
PASSWORD = "violet-harbour-lantern-42"
NOW = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
GOAL = {
    "specific": "Win two direct clients for legal translation from French into English.",
    "measurable": "Two signed contracts, each worth at least £1,000 a year.",
    "achievable": "I already translate contracts for two agencies and can give it four hours a week.",
    "relevant": "Direct clients pay better and let me specialise in commercial law.",
    "target_date": date(2030, 6, 30),
}


def _mentor_criteria(db: Session) -> dict[str, list[int]]:
    fields = {f.key: f for f in load_fields(db)}
    return {
        "region": [fields["region"].find("London").id],
        "languages": [fields["languages"].find("French").id],
        "specialisms": [fields["specialisms"].find("Legal translation").id],
    }


def _member(db: Session, name: str, email: str, role: str) -> User:
    user = auth.register(db, name=name, email=email, password=PASSWORD, role=role)
    if role in ("mentor", "both"):
        _offer(db, user)
    return db.get(User, user.id)  # type: ignore[return-value]


def _offer(db: Session, user: User) -> None:
    profiles.update_profile(
        db,
        actor=user,
        user_id=user.id,  # type: ignore[arg-type]
        changes=profiles.ProfileChanges(
            name=user.name,
            headline="Legal translator",
            bio="Twenty years of contracts.",
            capacity="3",
            available=True,
            contact_email=user.email,
            phone="+44 20 7946 0000",
            mentor_criteria=_mentor_criteria(db),
        ),
    )


def _text_columns(engine: Engine) -> Iterator[tuple[str, str]]:
    """(table, column) for every column that can hold text, read from the live schema."""
    schema = inspect(engine)
    for table in schema.get_table_names():
        for column in schema.get_columns(table):
            kind = column["type"]
            if isinstance(kind, String | Text | JSON) or (
                isinstance(kind, NullType) and engine.dialect.name == "sqlite"
            ):
                yield table, column["name"]


def _scan(engine: Engine) -> list[str]:
    """Every place the person is still named: ``table.column #row: excerpt``."""
    found = []
    quote = engine.dialect.identifier_preparer.quote
    columns = list(_text_columns(engine))
    assert len(columns) > 60, columns  # the scan really reads the schema
    with engine.connect() as connection:
        for table, column in columns:
            rows = connection.execute(text(f"SELECT {quote(column)} FROM {quote(table)}")).all()
            for number, (value,) in enumerate(rows):
                if value is None or isinstance(value, bytes):  # SQLite's FTS5 shadow tables: binary
                    continue
                content = (value if isinstance(value, str) else json.dumps(value)).lower()
                if any(needle in content for needle in NEEDLES):
                    found.append(f"{table}.{column} #{number}: {content[:120]!r}")
    return found


def test_a_deleted_member_is_named_nowhere(engine: Engine, db: Session) -> None:
    boss = admin.create_admin(db, email="boss@example.org", password=PASSWORD, name="Boss Person")[0]
    mentor = _member(db, "Maria Mentor", "maria@example.org", "mentor")
    busy = _member(db, "Ivo Busy", "ivo@example.org", "mentor")
    other_mentee = _member(db, "Olwen Other", "olwen@example.org", "mentee")
    fields = {f.key: f for f in load_fields(db)}
    london = fields["region"].find("London").id
    mentor_alerts.create_alert(
        db, actor=other_mentee, search=Search(selected={"region": (london,)}, exact=frozenset({"region"}))
    )

    # Joining: imported by an admin (invitation, sent again), then she chooses a password.
    csv = f"email,name,role\n{EMAIL},{NAME},both\n".encode()
    assert admin.import_members_csv(db, actor=boss, data=csv).created == 1
    she = db.exec(select(User).where(User.email_key == EMAIL.lower())).one()
    admin.resend_invitation(db, actor=boss, user_id=she.id)  # type: ignore[arg-type]
    invite = db.exec(
        select(OutboxEmail).where(OutboxEmail.to_address == she.email).order_by(OutboxEmail.id.desc())  # type: ignore[union-attr]
    ).first()
    key = invite.body_text.split("/reset-password?key=", 1)[1].split()[0]  # type: ignore[union-attr]
    auth.reset_password(db, key=key, new_password=PASSWORD)
    she = db.get(User, she.id)
    _offer(db, she)  # as a mentor too: Olwen's alert tells her about this new mentor
    she = db.get(User, she.id)
    admin.set_admin(db, actor=boss, user_id=she.id, is_admin=True)  # type: ignore[arg-type]
    admin.set_admin(db, actor=boss, user_id=she.id, is_admin=False)  # type: ignore[arg-type]
    for password in ("wrong-password-1", PASSWORD):  # log-in attempts, another case of her address
        with contextlib.suppress(auth.LoginRefused):
            auth.authenticate(db, email=EMAIL.upper(), password=password, address="198.51.100.7")
    auth.request_password_reset(db, email=EMAIL)
    relay.deliver_due(engine)  # what is queued so far is sent: the outbox keeps sent rows too

    # A question, then a request that is accepted, and one that is declined with a suggestion.
    messaging.send_message(db, actor=she, other_id=mentor.id, body="Could we talk about rates?")  # type: ignore[arg-type]
    messaging.send_message(db, actor=mentor, other_id=she.id, body="Gladly, ask me anything.")  # type: ignore[arg-type]
    rel = relationships.send_request(
        db, actor=she, mentor_id=mentor.id, text="I would like help with rates and contracts."
    )  # type: ignore[arg-type]
    relationships.accept_request(db, actor=mentor, request_id=rel.id)  # type: ignore[arg-type]
    asked = relationships.send_request(db, actor=she, mentor_id=busy.id, text="Help with legal terms.")  # type: ignore[arg-type]
    relationships.decline_request(
        db,
        actor=busy,
        request_id=asked.id,
        reason="better_mentor",
        note="Try Maria.",
        suggested_mentor_id=mentor.id,
    )  # type: ignore[arg-type]
    # Olwen asks Ivo, who declines suggesting her as a mentor instead.
    olwen_asked = relationships.send_request(db, actor=other_mentee, mentor_id=busy.id, text="Help, please.")  # type: ignore[arg-type]
    relationships.decline_request(
        db, actor=busy, request_id=olwen_asked.id, reason="better_mentor", suggested_mentor_id=she.id
    )  # type: ignore[arg-type]
    # Olwen also asks her, and is still waiting when she leaves (declined by the deletion).
    relationships.send_request(db, actor=other_mentee, mentor_id=she.id, text="Would you mentor me?")  # type: ignore[arg-type]

    # The relationship dashboard: agreement, a goal agreed, a meeting, messages.
    agreement.update_agreement(
        db, actor=she, relationship_id=rel.id, changes={"topics": "Rates", "ground_rules": "Be kind"}
    )  # type: ignore[arg-type]
    view = goals.propose_goal(db, actor=she, relationship_id=rel.id, today=NOW.date(), **GOAL)  # type: ignore[arg-type]
    goals.set_goal_status(db, actor=mentor, relationship_id=rel.id, goal_id=view.id, status="agreed")  # type: ignore[arg-type]
    meetings.schedule_meeting(
        db, actor=she, relationship_id=rel.id, starts_at=datetime.now(UTC) + timedelta(days=3), place="Online"
    )  # type: ignore[arg-type]
    message = messaging.send_message(db, actor=she, other_id=mentor.id, body="See you on Thursday.")  # type: ignore[arg-type]
    messaging.send_message(db, actor=mentor, other_id=she.id, body="Looking forward to it.")  # type: ignore[arg-type]

    # A report about her message; an admin reads it and resolves it. Exports are audited too.
    report = reports.report(
        db, actor=mentor, subject_user_id=she.id, reason="A test report.", message_id=message.id
    )  # type: ignore[arg-type]
    reports.report_detail(db, actor=boss, report_id=report.id)  # type: ignore[arg-type]
    reports.resolve_report(db, actor=boss, report_id=report.id, note="Talked to both.")  # type: ignore[arg-type]
    admin.set_active(db, actor=boss, user_id=she.id, active=False)  # type: ignore[arg-type]
    admin.set_active(db, actor=boss, user_id=she.id, active=True)  # type: ignore[arg-type]
    exports.members_csv(db, actor=boss)
    relay.deliver_due(engine)  # sent...
    messaging.send_message(db, actor=she, other_id=mentor.id, body="One more thing.")  # type: ignore[arg-type]
    # ...and pending: these emails about her wait in the outbox when she leaves.

    told = [n.text for n in notifications.recent(db, actor=mentor)]
    assert f"New mentoring request from {NAME}" in told  # names are shown while she is a member
    before = _scan(engine)
    tables = {hit.split(".", 1)[0] for hit in before}
    assert {"users", "contact_details", "outbox_emails"} <= tables, before  # seen
    assert not tables & {"notifications", "audit_entries"}, before  # texts about people keep ids only

    she = db.get(User, she.id)
    privacy.delete_account(db, actor=she, password=PASSWORD)

    leftovers = _scan(engine)
    assert leftovers == [], "\n".join(leftovers)

    # Other members' emails about her are still there, sent and pending, without her name.
    others = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == mentor.email)).all()
    assert any(r.sent_at is not None for r in others) and any(r.sent_at is None for r in others)
    # What people read names her "Former member", rendered when read.
    told = [n.text for n in notifications.recent(db, actor=mentor)]
    assert "New mentoring request from Former member" in told
    assert "Former member withdrew from your mentoring relationship" in told
    assert "Former member proposed a goal: " + GOAL["specific"] in told
    assert "A mentor matching your alert is available: Former member" in [
        n.text for n in notifications.recent(db, actor=other_mentee)
    ]
    entries = audit.recent(db, actor=boss, action="member.resend_invitation")
    assert entries[0].summary == "Invitation sent again: Former member"
    download = json.loads(privacy.export_my_data(db, actor=mentor))
    assert {r["partner"] for r in download["relationships"]} == {"Former member"}
    assert "New message from Former member" in [n["text"] for n in download["notifications"]]
    assert db.get(Relationship, rel.id).status == "withdrawn"  # type: ignore[union-attr]
