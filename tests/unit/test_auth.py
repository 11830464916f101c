"""Registering, logging in, throttling, sessions and password resets, against a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app.models import LoginSession, OutboxEmail, PasswordReset, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.staff import admin
from tests.unit.conftest import STRONG_PASSWORD


def _reset_key_from_outbox(db: Session, email: str) -> str:
    row = db.exec(
        select(OutboxEmail)
        .where(OutboxEmail.to_address == email, OutboxEmail.kind == "password_reset")
        .order_by(OutboxEmail.id.desc())  # type: ignore[union-attr]
    ).first()
    assert row is not None, "no reset email queued"
    return row.body_text.split("/reset-password?key=", 1)[1].split()[0]


class TestRegister:
    def test_creates_member_with_roles_and_welcome_email(self, db: Session) -> None:
        user = auth.register(
            db, name="  Ana   Silva ", email="Ana@Example.org", password=STRONG_PASSWORD, role="both"
        )
        stored = db.get(User, user.id)
        assert stored is not None
        assert (stored.name, stored.is_mentor, stored.is_mentee, stored.is_admin) == (
            "Ana Silva",
            True,
            True,
            False,
        )
        assert stored.email_key == "ana@example.org"
        assert stored.password_hash.startswith("$2b$") and STRONG_PASSWORD not in stored.password_hash
        welcome = db.exec(select(OutboxEmail).where(OutboxEmail.kind == "welcome")).one()
        assert welcome.to_address == stored.email

    @pytest.mark.parametrize(("role", "mentor", "mentee"), [("mentor", True, False), ("mentee", False, True)])
    def test_single_roles(self, db: Session, role: str, mentor: bool, mentee: bool) -> None:
        user = auth.register(db, name="Bo", email=f"{role}@example.org", password=STRONG_PASSWORD, role=role)
        assert (user.is_mentor, user.is_mentee) == (mentor, mentee)

    def test_email_unique_regardless_of_case(self, db: Session, make_member) -> None:
        make_member(email="kim@example.org")
        with pytest.raises(ValidationFailed) as caught:
            auth.register(db, name="Kim", email="KIM@Example.ORG", password=STRONG_PASSWORD, role="mentee")
        assert "already exists" in caught.value.errors["email"]

    def test_database_enforces_unique_email_key(self, db: Session, make_member) -> None:
        make_member(email="dup@example.org")
        db.add(User(name="X", email="DUP@example.org", email_key="dup@example.org", password_hash="x"))
        with pytest.raises(IntegrityError):
            db.flush()

    def test_every_field_checked_at_once(self, db: Session) -> None:
        with pytest.raises(ValidationFailed) as caught:
            auth.register(db, name=" ", email="not-an-email", password="short", role="teacher")
        assert set(caught.value.errors) == {"name", "email", "password", "role"}
        assert db.exec(select(User)).all() == []

    @pytest.mark.parametrize("weak", ["password1234", "qwertyuiop", "aaaaaaaaaaaa", "Member One 2024"])
    def test_weak_or_common_passwords_refused_with_reason(self, db: Session, weak: str) -> None:
        with pytest.raises(ValidationFailed) as caught:
            auth.register(db, name="Member One", email="one@example.org", password=weak, role="mentee")
        message = caught.value.errors["password"]
        assert "too easy to guess" in message or "at least 10" in message

    def test_sixty_four_character_password_works(self, db: Session) -> None:
        long_password = "Correct horse battery staple, jumps over 7 lazy dogs in Leeds!!"
        long_password = long_password + "x" * (64 - len(long_password))
        assert len(long_password) == 64
        auth.register(db, name="Long", email="long@example.org", password=long_password, role="mentee")
        assert auth.authenticate(db, email="long@example.org", password=long_password, address="1.2.3.4")
        with pytest.raises(auth.LoginRefused):
            auth.authenticate(db, email="long@example.org", password=long_password[:-1], address="1.2.3.4")

    def test_over_72_bytes_refused_not_truncated(self, db: Session) -> None:
        too_long = "é" * 40  # 40 characters, 80 bytes
        with pytest.raises(ValidationFailed) as caught:
            auth.register(db, name="Long", email="long@example.org", password=too_long, role="mentee")
        assert "at most 72 bytes" in caught.value.errors["password"]


class TestLogin:
    def test_right_password_logs_in_any_case_email(self, db: Session, make_member) -> None:
        member = make_member(email="lee@example.org")
        assert (
            auth.authenticate(db, email=" LEE@example.org ", password=STRONG_PASSWORD, address="a").id
            == member.id
        )

    def test_unknown_email_and_wrong_password_same_message(self, db: Session, make_member) -> None:
        make_member(email="lee@example.org")
        with pytest.raises(auth.LoginRefused) as wrong:
            auth.authenticate(db, email="lee@example.org", password="nope-nope-nope", address="a")
        with pytest.raises(auth.LoginRefused) as unknown:
            auth.authenticate(db, email="nobody@example.org", password="nope-nope-nope", address="a")
        assert wrong.value.message == unknown.value.message == auth.BAD_CREDENTIALS

    def test_account_ceiling_slows_every_address_with_a_growing_wait(self, db: Session, make_member) -> None:
        make_member(email="t@example.org")
        now = utcnow()
        for i in range(50):  # the per-account allowance, spread over addresses so no pair is slowed
            with pytest.raises(auth.LoginRefused):
                auth.authenticate(db, email="t@example.org", password="wrong", address=f"10.0.{i}.1", now=now)
        assert auth.authenticate(
            db, email="t@example.org", password=STRONG_PASSWORD, address="10.9.9.9", now=now
        )
        with pytest.raises(auth.LoginRefused):
            auth.authenticate(db, email="t@example.org", password="wrong", address="10.0.0.200", now=now)
        with pytest.raises(auth.LoginThrottled) as caught:
            auth.authenticate(
                db, email="t@example.org", password=STRONG_PASSWORD, address="10.9.9.8", now=now
            )
        assert "wait 2 seconds" in caught.value.message
        later = now + timedelta(seconds=2)
        assert auth.authenticate(
            db, email="t@example.org", password=STRONG_PASSWORD, address="10.9.9.8", now=later
        )

    def test_address_allowance_then_wait_elsewhere_unaffected(self, db: Session, make_member) -> None:
        make_member(email="victim@example.org")
        now = utcnow()
        for i in range(101):
            with pytest.raises(auth.LoginRefused):
                auth.authenticate(
                    db, email=f"guess{i}@example.org", password="wrong", address="6.6.6.6", now=now
                )
        with pytest.raises(auth.LoginThrottled):
            auth.authenticate(
                db, email="victim@example.org", password=STRONG_PASSWORD, address="6.6.6.6", now=now
            )
        assert auth.authenticate(
            db, email="victim@example.org", password=STRONG_PASSWORD, address="7.7.7.7", now=now
        )

    def test_deactivated_member_refused(self, db: Session, make_member) -> None:
        member = make_member(email="gone@example.org")
        member.is_active = False
        db.add(member)
        db.commit()
        with pytest.raises(auth.LoginRefused) as caught:
            auth.authenticate(db, email="gone@example.org", password=STRONG_PASSWORD, address="a")
        assert "deactivated" in caught.value.message


class TestSessions:
    def test_key_is_random_and_only_digest_stored(self, db: Session, make_member) -> None:
        member = make_member()
        key = auth.open_session(db, user_id=member.id)
        assert len(key) >= 43
        rows = db.exec(select(LoginSession)).all()
        assert [r.key_digest for r in rows] == [auth.digest(key)]
        assert auth.resolve_session(db, key).id == member.id
        assert auth.resolve_session(db, key + "x") is None
        assert auth.resolve_session(db, "") is None

    def test_rotated_at_login(self, db: Session, make_member) -> None:
        member = make_member()
        first = auth.open_session(db, user_id=member.id)
        second = auth.open_session(db, user_id=member.id, replacing=first)
        assert first != second
        assert auth.resolve_session(db, first) is None
        assert auth.resolve_session(db, second).id == member.id

    def test_logout_deletes_session(self, db: Session, make_member) -> None:
        member = make_member()
        key = auth.open_session(db, user_id=member.id)
        auth.close_session(db, key)
        assert auth.resolve_session(db, key) is None
        assert db.exec(select(LoginSession)).all() == []

    def test_idle_expiry(self, db: Session, make_member) -> None:
        member = make_member()
        start = utcnow()
        key = auth.open_session(db, user_id=member.id, now=start)
        idle = timedelta(days=7)
        assert auth.resolve_session(db, key, now=start + idle - timedelta(minutes=1)) is not None
        # Activity moved last-seen forward, so the idle clock restarted.
        assert auth.resolve_session(db, key, now=start + idle + timedelta(minutes=5)) is not None
        assert auth.resolve_session(db, key, now=start + 3 * idle) is None

    def test_absolute_expiry(self, db: Session, make_member) -> None:
        member = make_member()
        start = utcnow()
        key = auth.open_session(db, user_id=member.id, now=start)
        moment = start
        for _ in range(4):  # active every 6 days, up to day 24
            moment += timedelta(days=6)
            assert auth.resolve_session(db, key, now=moment) is not None
        assert auth.resolve_session(db, key, now=start + timedelta(days=30, seconds=1)) is None

    def test_deactivation_ends_sessions(self, db: Session, make_member) -> None:
        member = make_member()
        boss = admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]
        key = auth.open_session(db, user_id=member.id)
        admin.set_active(db, actor=boss, user_id=member.id, active=False)
        assert auth.resolve_session(db, key) is None
        assert db.exec(select(LoginSession).where(LoginSession.user_id == member.id)).all() == []

    def test_password_change_ends_every_session(self, db: Session, make_member) -> None:
        member = make_member()
        keys = [auth.open_session(db, user_id=member.id) for _ in range(3)]
        with pytest.raises(ValidationFailed):
            auth.change_password(
                db, user_id=member.id, current_password="wrong-one", new_password="a fresh orchard 19"
            )
        auth.change_password(
            db, user_id=member.id, current_password=STRONG_PASSWORD, new_password="a fresh orchard 19 kite"
        )
        assert all(auth.resolve_session(db, key) is None for key in keys)


class TestPasswordReset:
    def test_full_reset_logs_out_everywhere(self, db: Session, make_member) -> None:
        member = make_member(email="r@example.org")
        old_session = auth.open_session(db, user_id=member.id)
        auth.request_password_reset(db, email="R@example.org")
        key = _reset_key_from_outbox(db, member.email)
        assert auth.reset_link_is_usable(db, key)
        auth.reset_password(db, key=key, new_password="granite-meadow-sparrow-8")
        assert auth.resolve_session(db, old_session) is None
        assert auth.authenticate(db, email="r@example.org", password="granite-meadow-sparrow-8", address="a")
        with pytest.raises(auth.LoginRefused):
            auth.authenticate(db, email="r@example.org", password=STRONG_PASSWORD, address="a")

    def test_link_single_use(self, db: Session, make_member) -> None:
        member = make_member(email="r@example.org")
        auth.request_password_reset(db, email=member.email)
        key = _reset_key_from_outbox(db, member.email)
        auth.reset_password(db, key=key, new_password="granite-meadow-sparrow-8")
        with pytest.raises(ServiceError) as caught:
            auth.reset_password(db, key=key, new_password="another-granite-hill-9")
        assert caught.value.message == auth.INVALID_RESET

    def test_link_expires_after_an_hour(self, db: Session, make_member) -> None:
        member = make_member(email="r@example.org")
        start = utcnow()
        auth.request_password_reset(db, email=member.email, now=start)
        key = _reset_key_from_outbox(db, member.email)
        assert auth.reset_link_is_usable(db, key, now=start + timedelta(minutes=59))
        assert not auth.reset_link_is_usable(db, key, now=start + timedelta(minutes=60))
        with pytest.raises(ServiceError):
            auth.reset_password(
                db, key=key, new_password="granite-meadow-sparrow-8", now=start + timedelta(minutes=61)
            )

    def test_weak_new_password_keeps_link_usable(self, db: Session, make_member) -> None:
        member = make_member(email="r@example.org")
        auth.request_password_reset(db, email=member.email)
        key = _reset_key_from_outbox(db, member.email)
        with pytest.raises(ValidationFailed):
            auth.reset_password(db, key=key, new_password="password")
        assert auth.reset_link_is_usable(db, key)

    def test_unknown_email_queues_nothing(self, db: Session) -> None:
        auth.request_password_reset(db, email="nobody@example.org")
        assert db.exec(select(PasswordReset)).all() == []
        assert db.exec(select(OutboxEmail)).all() == []

    def test_new_link_stored_as_digest(self, db: Session, make_member) -> None:
        member = make_member(email="r@example.org")
        auth.request_password_reset(db, email=member.email)
        key = _reset_key_from_outbox(db, member.email)
        assert db.exec(select(PasswordReset)).one().key_digest == auth.digest(key)
