"""Issue 11, item 6: Register says nothing about who is a member, and confirms the address.

Service-level checks here; tests/e2e/test_accounts.py walks the same journey in a browser, and
test_register_page_answers_the_same_for_a_member_s_email below checks what a browser receives.
"""

from __future__ import annotations

import re
from datetime import timedelta

import bcrypt
import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from mentoring_app.models import OutboxEmail, PasswordReset, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.staff import member_import
from tests.harness import RunningApp, register, text_body

PASSWORD = "violet-harbour-lantern-42"
OTHER_PASSWORD = "copper-willow-estuary-77"


def _mail(db: Session, to: str, kind: str) -> list[OutboxEmail]:
    return list(db.exec(select(OutboxEmail).where(OutboxEmail.to_address == to, OutboxEmail.kind == kind)))


def _confirm_key(db: Session, to: str) -> str:
    body = _mail(db, to, "confirm_email")[-1].body_text
    match = re.search(r"/verify-email\?key=(\S+)", body)
    assert match, body
    return match.group(1)


def _log_in(db: Session, email: str, password: str, now=None) -> str:
    try:
        auth.authenticate(db, email=email, password=password, address="192.0.2.1", now=now)
    except auth.LoginUnconfirmed as refusal:
        return refusal.message
    except auth.LoginRefused as refusal:
        return refusal.message
    return "ok"


def test_same_answer_for_new_and_existing_email_and_owner_told(db: Session) -> None:
    owner = auth.register(db, name="Olga Owner", email="olga@example.org", password=PASSWORD, role="mentor")
    before = owner.password_hash
    # Both calls return the same (nothing) and raise nothing.
    assert (
        auth.sign_up(db, name="Nina New", email="nina@example.org", password=PASSWORD, role="mentee") is None
    )
    assert (
        auth.sign_up(db, name="Mallory", email="OLGA@example.org", password=OTHER_PASSWORD, role="mentee")
        is None
    )
    # The owner's account is untouched, and the owner hears about the attempt.
    db.expire_all()
    stored = db.get(User, owner.id)
    assert stored is not None and stored.password_hash == before and stored.name == "Olga Owner"
    (notice,) = _mail(db, "olga@example.org", "registration_attempt")
    assert "Someone tried to register" in notice.subject and "/forgot-password" in notice.body_text
    assert _mail(db, "olga@example.org", "confirm_email") == []
    assert db.exec(select(User).where(User.email_key == "olga@example.org")).one().id == owner.id
    # The new address got a confirmation link, and nothing else yet.
    assert len(_mail(db, "nina@example.org", "confirm_email")) == 1
    assert _mail(db, "nina@example.org", "welcome") == []


def test_sign_up_refuses_bad_fields_but_never_says_taken(db: Session) -> None:
    auth.register(db, name="Tak En", email="taken@example.org", password=PASSWORD, role="mentor")
    auth.sign_up(db, name="Again", email="taken@example.org", password=PASSWORD, role="mentee")
    with pytest.raises(ValidationFailed) as caught:
        auth.sign_up(db, name="Again", email="taken@example.org", password="short", role="mentee")
    assert set(caught.value.errors) == {"password"}


def test_sign_up_costs_one_bcrypt_hash_either_way(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    auth.register(db, name="Tak En", email="taken@example.org", password=PASSWORD, role="mentor")
    calls: list[bytes] = []
    real = bcrypt.hashpw
    monkeypatch.setattr(bcrypt, "hashpw", lambda pw, salt: calls.append(pw) or real(pw, salt))
    auth.sign_up(db, name="New One", email="new@example.org", password=PASSWORD, role="mentee")
    auth.sign_up(db, name="New One", email="taken@example.org", password=PASSWORD, role="mentee")
    assert len(calls) == 2


def test_unconfirmed_account_cannot_log_in_and_only_the_password_holder_is_told(db: Session) -> None:
    start = utcnow()
    auth.sign_up(
        db,
        name="Una Unconfirmed",
        email="una@example.org",
        password=PASSWORD,
        role="mentee",
        now=start - timedelta(minutes=10),
    )
    assert _log_in(db, "una@example.org", "wrong-password-9") == auth.BAD_CREDENTIALS
    assert _log_in(db, "una@example.org", PASSWORD, now=start) == auth.UNCONFIRMED
    # A correct log-in sends a fresh link (not more than one every few minutes).
    assert len(_mail(db, "una@example.org", "confirm_email")) == 2
    assert _log_in(db, "una@example.org", PASSWORD, now=start + timedelta(minutes=1)) == auth.UNCONFIRMED
    assert len(_mail(db, "una@example.org", "confirm_email")) == 2


def test_link_confirms_once_and_logs_in(db: Session) -> None:
    auth.sign_up(db, name="Cleo Confirm", email="cleo@example.org", password=PASSWORD, role="both")
    key = _confirm_key(db, "cleo@example.org")
    rows = db.exec(select(PasswordReset).where(PasswordReset.purpose == "verify")).all()
    assert [row.key_digest for row in rows] == [auth.digest(key)]  # only the digest is stored
    # A confirmation link never works as a password link.
    assert auth.reset_link_purpose(db, key) is None
    with pytest.raises(ServiceError):
        auth.reset_password(db, key=key, new_password=OTHER_PASSWORD)
    user = auth.confirm_email(db, key=key)
    assert user.email_verified_at is not None and (user.is_mentor, user.is_mentee) == (True, True)
    assert len(_mail(db, "cleo@example.org", "welcome")) == 1
    assert _log_in(db, "cleo@example.org", PASSWORD) == "ok"
    with pytest.raises(ServiceError) as caught:
        auth.confirm_email(db, key=key)
    assert caught.value.message == auth.INVALID_VERIFY


def test_link_expires(db: Session) -> None:
    start = utcnow()
    auth.sign_up(db, name="Eli Expired", email="eli@example.org", password=PASSWORD, role="mentee", now=start)
    key = _confirm_key(db, "eli@example.org")
    with pytest.raises(ServiceError):
        auth.confirm_email(db, key=key, now=start + timedelta(hours=24, seconds=1))
    assert _log_in(db, "eli@example.org", PASSWORD) == auth.UNCONFIRMED


def test_pending_address_taken_over_by_the_latest_sign_up(db: Session) -> None:
    """A squatter who signs up with someone else's address cannot keep it from them."""
    auth.sign_up(db, name="Squatter", email="real@example.org", password=PASSWORD, role="mentor")
    first_key = _confirm_key(db, "real@example.org")
    auth.sign_up(db, name="Real Owner", email="real@example.org", password=OTHER_PASSWORD, role="mentee")
    with pytest.raises(ServiceError):
        auth.confirm_email(db, key=first_key)  # the earlier link was used up
    user = auth.confirm_email(db, key=_confirm_key(db, "real@example.org"))
    assert (user.name, user.is_mentor, user.is_mentee) == ("Real Owner", False, True)
    assert _log_in(db, "real@example.org", PASSWORD) == auth.BAD_CREDENTIALS
    assert _log_in(db, "real@example.org", OTHER_PASSWORD) == "ok"
    assert len(db.exec(select(User).where(User.email_key == "real@example.org")).all()) == 1


def test_unconfirmed_sign_ups_are_not_kept(db: Session) -> None:
    start = utcnow()
    auth.sign_up(db, name="Gone Soon", email="gone@example.org", password=PASSWORD, role="mentee", now=start)
    kept = auth.register(db, name="Kept Member", email="kept@example.org", password=PASSWORD, role="mentee")
    auth.purge_stale(db, now=start + timedelta(days=6))
    assert db.exec(select(User).where(User.email_key == "gone@example.org")).first() is not None
    auth.purge_stale(db, now=start + timedelta(days=7, seconds=1))
    assert db.exec(select(User).where(User.email_key == "gone@example.org")).first() is None
    assert db.get(User, kept.id) is not None


def test_forgot_password_also_confirms(db: Session) -> None:
    auth.sign_up(db, name="Fay Forgot", email="fay@example.org", password=PASSWORD, role="mentee")
    auth.request_password_reset(db, email="fay@example.org")
    body = _mail(db, "fay@example.org", "password_reset")[-1].body_text
    key = body.split("/reset-password?key=", 1)[1].split()[0]
    auth.reset_password(db, key=key, new_password=OTHER_PASSWORD)
    assert _log_in(db, "fay@example.org", OTHER_PASSWORD) == "ok"


def test_invited_member_confirmed_by_choosing_a_password(db: Session) -> None:
    csv_text = "email,name,role\nivy@example.org,Ivy Invited,mentee\n"
    report = member_import.import_members(db, csv_text=csv_text)
    assert report.created == 1
    # Someone registering with the invited address only makes the invitee hear about it.
    auth.sign_up(db, name="Mallory", email="ivy@example.org", password=PASSWORD, role="mentor")
    assert _mail(db, "ivy@example.org", "confirm_email") == []
    body = _mail(db, "ivy@example.org", "invitation")[-1].body_text
    key = body.split("/reset-password?key=", 1)[1].split()[0]
    assert auth.reset_link_purpose(db, key) == "invite"
    auth.reset_password(db, key=key, new_password=OTHER_PASSWORD)
    assert _log_in(db, "ivy@example.org", OTHER_PASSWORD) == "ok"
    assert _log_in(db, "ivy@example.org", PASSWORD) == auth.BAD_CREDENTIALS


# In a browser: the page shows the same thing for a member's email as for a new one.


def test_register_page_answers_the_same_for_a_member_s_email(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    member_email, new_email = unique_email("member"), unique_email("newcomer")
    with Session(app.engine, expire_on_commit=False) as db:
        auth.register(db, name="Mona Member", email=member_email, password=PASSWORD, role="mentee")
    shown: list[str] = []
    for address in (member_email, new_email):
        page = browser.new_context().new_page()
        frames: list[str] = []
        page.on(
            "websocket", lambda ws, frames=frames: ws.on("framereceived", lambda p: frames.append(str(p)))
        )
        register(
            page, app, name="Someone Else", email_address=address, password=OTHER_PASSWORD, role="Mentor"
        )
        status = page.get_by_role("status").filter(has_text="Check your email")
        expect(status).to_be_visible()
        shown.append(status.inner_text().replace(address, "<email>"))
        received = "\n".join(frames)
        assert "already exists" not in received and "Mona Member" not in received
        assert page.url.rstrip("/").endswith("/register")
    assert shown[0] == shown[1]
    notice = app.mailbox.wait_for(member_email, "Someone tried to register")
    assert app.url("/forgot-password") in text_body(notice)
    confirm = app.mailbox.wait_for(new_email, "Confirm your email")
    assert "/verify-email?key=" in text_body(confirm)
    with Session(app.engine) as db:
        member = db.exec(select(User).where(User.email_key == member_email.lower())).one()
        assert member.name == "Mona Member"
