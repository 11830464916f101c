"""A member's own data: the download holds theirs and nobody else's secrets; deleting an account
ends what is open (partners told), erases the person, and keeps the partner's record."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import (
    Goal,
    LoginSession,
    Meeting,
    MentorAlert,
    Message,
    Notification,
    OutboxEmail,
    Relationship,
    User,
)
from mentoring_app.services.accounts import auth, privacy
from mentoring_app.services.conversations import messaging
from mentoring_app.services.discovery import mentor_alerts, profiles, shortlist
from mentoring_app.services.discovery.matching import Search
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.errors import NotAllowed, ServiceError, ValidationFailed
from mentoring_app.services.mentoring import goals, meetings, relationships
from tests.unit.conftest import STRONG_PASSWORD
from tests.unit.test_relationships import TEXT, make_mentor


def _pair(db: Session, make_member) -> tuple[User, User, int]:
    mentor, mentee = make_mentor(db, make_member), make_member(role="mentee")
    rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=TEXT)
    relationships.accept_request(db, actor=mentor, request_id=rel.id)
    return mentor, mentee, rel.id  # type: ignore[return-value]


def test_download_holds_the_members_data_and_no_secrets(db: Session, make_member) -> None:
    mentor, mentee, rid = _pair(db, make_member)
    profiles.update_profile(
        db,
        actor=mentor,
        user_id=mentor.id,
        changes=profiles.ProfileChanges(
            name=mentor.name,
            headline="Legal translator",
            contact_email=mentor.email,
            phone="+44 20 7946 0123",
        ),
    )
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Shall we meet on Tuesday?")
    goals.propose_goal(
        db,
        actor=mentee,
        relationship_id=rid,
        specific="Win two direct clients in legal translation.",
        measurable="Two signed contracts by the target date.",
        achievable="I already translate contracts for agencies.",
        relevant="Direct clients let me specialise.",
        target_date=date.today() + timedelta(days=90),
    )
    data = json.loads(privacy.export_my_data(db, actor=mentee))
    assert data["account"]["email"] == mentee.email
    assert [r["partner"] for r in data["relationships"]] == [mentor.name]
    assert data["relationships"][0]["request_text"] == TEXT
    goal = data["relationships"][0]["journeys"][0]["goals"][0]
    assert goal["specific"].startswith("Win two direct clients")
    assert [m["text"] for m in data["messages"]] == ["Shall we meet on Tuesday?"]
    text = json.dumps(data)
    assert mentee.password_hash not in text and "password" not in text
    assert "+44 20 7946 0123" not in text  # the partner's contact details are theirs, not the member's
    with pytest.raises(NotAllowed):
        privacy.export_my_data(db, actor=None)


def test_deleting_an_account_erases_the_person_and_keeps_the_partners_record(
    db: Session, make_member
) -> None:
    mentor, mentee, rid = _pair(db, make_member)
    other_mentor = make_mentor(db, make_member)
    pending = relationships.send_request(db, actor=mentee, mentor_id=other_mentor.id, text=TEXT)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="My address is 1 Private Road.")
    meetings.log_meeting(db, actor=mentor, relationship_id=rid, held_on=date.today(), duration_minutes=60)
    auth.open_session(db, user_id=mentee.id)
    with pytest.raises(ValidationFailed) as wrong:
        privacy.delete_account(db, actor=mentee, password="not-my-password-at-all")
    assert wrong.value.errors == {"password": "That is not your password."}

    address = mentee.email
    assert db.exec(select(OutboxEmail).where(OutboxEmail.to_address == address)).all()  # emails to them
    wales = next(f for f in load_fields(db) if f.key == "region").find("Wales").id
    mentor_alerts.create_alert(
        db, actor=mentee, search=Search(selected={"region": (wales,)}, exact=frozenset({"region"}))
    )
    assert [a["criteria"] for a in json.loads(privacy.export_my_data(db, actor=mentee))["mentor_alerts"]] == [
        "Region: Wales"
    ]
    # The shortlist is theirs too: in Download my data (names and when), and gone with the account.
    shortlist.save_mentor(db, actor=mentee, mentor_id=other_mentor.id)
    saved = json.loads(privacy.export_my_data(db, actor=mentee))["shortlist"]
    assert [s["mentor"] for s in saved] == [other_mentor.name] and saved[0]["saved_at"]
    assert json.loads(privacy.export_my_data(db, actor=other_mentor))["shortlist"] == []
    privacy.delete_account(db, actor=mentee, password=STRONG_PASSWORD)
    assert db.exec(select(MentorAlert)).all() == []
    gone = db.get(User, mentee.id)
    db.refresh(gone)
    assert (gone.name, gone.is_active, gone.email) == (
        "Former member",
        False,
        f"deleted-{mentee.id}@deleted.invalid",
    )
    assert db.exec(select(LoginSession).where(LoginSession.user_id == mentee.id)).all() == []
    assert db.get(Relationship, rid).status == "withdrawn"
    assert db.get(Relationship, pending.id).status == "cancelled"
    told = db.exec(select(Notification).where(Notification.user_id == mentor.id)).all()
    assert any(n.kind == "withdrawn" for n in told)
    assert {m.body for m in db.exec(select(Message).where(Message.sender_id == mentee.id)).all()} == {
        privacy.REMOVED_MESSAGE
    }
    assert db.exec(select(Meeting).where(Meeting.relationship_id == rid)).one().duration_minutes == 60
    assert not db.exec(
        select(OutboxEmail).where(OutboxEmail.to_address == address, OutboxEmail.sent_at.is_(None))
    ).all()
    with pytest.raises(auth.LoginRefused):
        auth.authenticate(db, email=address, password=STRONG_PASSWORD, address="a")
    assert db.exec(select(Goal)).all() == []  # none were set; the pair's meeting stays (above)
    from mentoring_app.services.staff import admin

    boss = admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]
    with pytest.raises(ServiceError, match="deleted their account"):
        admin.set_active(db, actor=boss, user_id=mentee.id, active=True)


def test_the_only_admin_cannot_delete_their_account(db: Session) -> None:
    from mentoring_app.services.staff import admin

    boss = admin.create_admin(db, email="only@example.org", password=STRONG_PASSWORD, name="Only Boss")[0]
    with pytest.raises(ServiceError, match="only admin"):
        privacy.delete_account(db, actor=boss, password=STRONG_PASSWORD)
    assert db.get(User, boss.id).is_active
