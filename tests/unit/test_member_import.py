"""Importing members from CSV: good, bad and updating rows, and invitation links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import MemberCriterion, OutboxEmail, PasswordReset, Profile, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.staff import member_import

HEADER = (
    "email,name,role,headline,bio,region,languages,specialisms,areas_of_support,membership_grade,"
    "years_experience,mentoring_format,capacity,available\n"
)
GOOD = (
    "ana@example.org,Ana Lopes,mentor,Legal translator,Bio,north west,Spanish;PORTUGUESE,Legal translation,,"
    "Fellow,12,Online;Phone,3,yes\n"
    "sam@example.org,Sam Lee,mentee,,,London,French,,Exam preparation,Student,1,,,\n"
)


def _invite_key(db: Session, email: str) -> str:
    row = db.exec(
        select(OutboxEmail).where(OutboxEmail.to_address == email, OutboxEmail.kind == "invitation")
    ).one()
    return row.body_text.split("/reset-password?key=", 1)[1].split()[0]


def test_good_rows_create_invited_members(db: Session) -> None:
    report = member_import.import_members(db, csv_text=HEADER + GOOD)
    assert (report.created, report.updated, report.rejected) == (2, 0, [])
    ana = db.exec(select(User).where(User.email == "ana@example.org")).one()
    assert ana.is_mentor and not ana.is_mentee and ana.password_hash == auth.UNUSABLE_PASSWORD
    assert db.get(Profile, ana.id).mentor_matchable and db.get(Profile, ana.id).capacity == 3
    labels = {
        c.option_id for c in db.exec(select(MemberCriterion).where(MemberCriterion.user_id == ana.id)).all()
    }
    assert len(labels) == 8  # region, 2 languages, specialism, grade, experience band, 2 formats
    sam = db.exec(select(User).where(User.email == "sam@example.org")).one()
    sides = {c.side for c in db.exec(select(MemberCriterion).where(MemberCriterion.user_id == sam.id)).all()}
    assert sides == {"mentee"}
    with pytest.raises(auth.LoginRefused):
        auth.authenticate(db, email="ana@example.org", password="", address="x")


def test_invitation_sets_password_once_within_seven_days(db: Session) -> None:
    start = utcnow()
    member_import.import_members(db, csv_text=HEADER + GOOD, now=start)
    key = _invite_key(db, "ana@example.org")
    invite = db.exec(select(PasswordReset).where(PasswordReset.key_digest == auth.digest(key))).one()
    assert invite.purpose == "invite" and invite.expires_at - start == timedelta(days=7)
    assert not auth.reset_link_is_usable(db, key, now=start + timedelta(days=7, seconds=1))
    auth.reset_password(db, key=key, new_password="amber-lighthouse-fjord-4")
    assert auth.authenticate(db, email="ana@example.org", password="amber-lighthouse-fjord-4", address="x")
    assert not auth.reset_link_is_usable(db, key)


def test_bad_rows_reported_with_line_and_reason_good_rows_kept(db: Session) -> None:
    rows = (
        GOOD
        + "not-an-email,X,mentor,,,,,,,,,,,\n"
        + "kim@example.org,Kim,teacher,,,,,,,,,,,\n"
        + "lee@example.org,Lee,mentor,,,Atlantis,,,,,,,,\n"
        + "zed@example.org,Zed,mentor,,,,Klingon,,,,,,,\n"
        + "yan@example.org,Yan,mentor,,,,,,,,many,,,\n"
        + "bo@example.org,Bo,mentor,,,,,,,,,,12,\n"
    )
    report = member_import.import_members(db, csv_text=HEADER + rows)
    assert report.created == 2
    assert [line for line, _ in report.rejected] == [4, 5, 6, 7, 8, 9]
    reasons = dict(report.rejected)
    assert "email" in reasons[4] and "role" in reasons[5] and "Atlantis" in reasons[6]
    assert "Klingon" in reasons[7] and "whole number" in reasons[8] and "capacity" in reasons[9]
    assert db.exec(select(User).where(User.email == "zed@example.org")).first() is None


def test_existing_emails_are_updated_not_invited_again(db: Session, make_member) -> None:
    existing = make_member(role="mentee", email="Ana@Example.org")
    report = member_import.import_members(db, csv_text=HEADER + GOOD)
    assert (report.created, report.updated) == (1, 1)
    db.refresh(existing)
    assert existing.is_mentor and existing.name == "Ana Lopes"
    assert auth.authenticate(db, email="ana@example.org", password="violet-harbour-lantern-42", address="x")
    invited = db.exec(select(OutboxEmail.to_address).where(OutboxEmail.kind == "invitation")).all()
    assert invited == ["sam@example.org"]


def test_missing_header_columns(db: Session) -> None:
    report = member_import.import_members(db, csv_text="email,name\nx@example.org,X\n")
    assert report.rejected == [(1, "the header has no role column")]


@pytest.mark.parametrize(
    ("years", "band"),
    [("0", "Less than 2"), ("2", "2 to 5"), ("10", "6 to 10"), ("20", "11 to 20"), ("21", "More than 20")],
)
def test_experience_bands(years: str, band: str) -> None:
    assert member_import.experience_band(years) == band
