"""The one-time code that turns a websocket log-in into an HttpOnly cookie."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from mentoring_app.models import LoginSession, SessionHandoff
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth, session_handoff
from mentoring_app.services.staff import admin


def test_a_code_opens_one_session_once(db: Session, make_member) -> None:
    member = make_member()
    code = session_handoff.issue(db, user_id=member.id)
    stored = db.exec(select(SessionHandoff)).one()
    assert stored.code_digest == auth.digest(code) and code not in stored.code_digest
    key = session_handoff.redeem(db, code=code)
    assert key is not None and auth.resolve_session(db, key).id == member.id
    assert session_handoff.redeem(db, code=code) is None  # spent
    assert db.exec(select(SessionHandoff)).all() == []


def test_expired_forged_and_oversized_codes_open_nothing(db: Session, make_member) -> None:
    member = make_member()
    past = utcnow() - timedelta(minutes=5)
    old = session_handoff.issue(db, user_id=member.id, now=past)
    assert session_handoff.redeem(db, code=old) is None
    assert session_handoff.redeem(db, code="not-a-code") is None
    assert session_handoff.redeem(db, code="") is None
    assert session_handoff.redeem(db, code="x" * 5000) is None
    assert db.exec(select(LoginSession)).all() == []


def test_a_deactivated_member_cannot_claim_a_code(db: Session, make_member) -> None:
    boss = admin.create_admin(
        db, email="boss@example.org", password="violet-harbour-lantern-42", name="Boss"
    )[0]
    member = make_member()
    code = session_handoff.issue(db, user_id=member.id)
    admin.set_active(db, actor=boss, user_id=member.id, active=False)
    assert session_handoff.redeem(db, code=code) is None


def test_claiming_replaces_the_browser_s_previous_session(db: Session, make_member) -> None:
    first, second = make_member(), make_member()
    old_key = auth.open_session(db, user_id=first.id)
    new_key = session_handoff.redeem(db, code=session_handoff.issue(db, user_id=second.id), replacing=old_key)
    assert new_key is not None
    assert auth.resolve_session(db, old_key) is None
    assert auth.resolve_session(db, new_key).id == second.id


def test_housekeeping_drops_unclaimed_codes(db: Session, make_member) -> None:
    member = make_member()
    session_handoff.issue(db, user_id=member.id, now=utcnow() - timedelta(minutes=10))
    auth.purge_stale(db)
    assert db.exec(select(SessionHandoff)).all() == []
