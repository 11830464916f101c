"""Every admin service refuses non-admins and deactivated admins; members management works and is audited."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from mentoring_app.models import (
    AuditEntry,
    Guide,
    LoginSession,
    MatchingField,
    OutboxEmail,
    PasswordReset,
    User,
    Video,
)
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.conversations import messaging, reports
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.library import guides
from mentoring_app.services.staff import admin, analytics, audit, exports, vocabulary_admin
from tests.unit.conftest import STRONG_PASSWORD
from tests.unit.test_member_import import GOOD, HEADER

JAN, MAR = date(2025, 1, 1), date(2025, 3, 31)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64)
BODY = "## Why it matters\n\n" + "A sentence about ending well, for linguists. " * 12

# name -> call(session, actor, ids); ids hold a member, a field, an option and a report to act on.
ADMIN_CALLS: dict[str, Callable[[Session, User | None, dict[str, int]], object]] = {
    "admin.find_members": lambda s, a, i: admin.find_members(s, actor=a, query="member"),
    "admin.member_detail": lambda s, a, i: admin.member_detail(s, actor=a, user_id=i["member"]),
    "admin.set_active": lambda s, a, i: admin.set_active(s, actor=a, user_id=i["member"], active=False),
    "admin.set_admin": lambda s, a, i: admin.set_admin(s, actor=a, user_id=i["member"], is_admin=True),
    "admin.resend_invitation": lambda s, a, i: admin.resend_invitation(s, actor=a, user_id=i["member"]),
    "admin.import_members_csv": lambda s, a, i: admin.import_members_csv(
        s, actor=a, data=(HEADER + GOOD).encode()
    ),
    "audit.recent": lambda s, a, i: audit.recent(s, actor=a),
    "audit.actions": lambda s, a, i: audit.actions(s, actor=a),
    "analytics.visits_per_month": lambda s, a, i: analytics.visits_per_month(s, actor=a, start=JAN, end=MAR),
    "analytics.registrations_per_month": lambda s, a, i: analytics.registrations_per_month(
        s, actor=a, start=JAN, end=MAR
    ),
    "analytics.requests_per_month": lambda s, a, i: analytics.requests_per_month(
        s, actor=a, start=JAN, end=MAR
    ),
    "analytics.active_relationships_per_month": lambda s, a, i: analytics.active_relationships_per_month(
        s, actor=a, start=JAN, end=MAR
    ),
    "analytics.goals_per_month": lambda s, a, i: analytics.goals_per_month(s, actor=a, start=JAN, end=MAR),
    "analytics.funnel": lambda s, a, i: analytics.funnel(s, actor=a, start=JAN, end=MAR),
    "analytics.median_answer_time": lambda s, a, i: analytics.median_answer_time(
        s, actor=a, start=JAN, end=MAR
    ),
    "analytics.summary": lambda s, a, i: analytics.summary(s, actor=a),
    "analytics.needs_attention": lambda s, a, i: analytics.needs_attention(s, actor=a),
    "vocabulary_admin.list_fields": lambda s, a, i: vocabulary_admin.list_fields(s, actor=a),
    "vocabulary_admin.add_field": lambda s, a, i: vocabulary_admin.add_field(
        s, actor=a, key="dialects", label="Dialects", multiple=True
    ),
    "vocabulary_admin.rename_field": lambda s, a, i: vocabulary_admin.rename_field(
        s, actor=a, field_id=i["field"], label="Renamed"
    ),
    "vocabulary_admin.move_field": lambda s, a, i: vocabulary_admin.move_field(
        s, actor=a, field_id=i["field"], offset=1
    ),
    "vocabulary_admin.set_field_retired": lambda s, a, i: vocabulary_admin.set_field_retired(
        s, actor=a, field_id=i["field"], retired=True
    ),
    "vocabulary_admin.add_option": lambda s, a, i: vocabulary_admin.add_option(
        s, actor=a, field_id=i["field"], label="New option"
    ),
    "vocabulary_admin.rename_option": lambda s, a, i: vocabulary_admin.rename_option(
        s, actor=a, option_id=i["option"], label="Renamed"
    ),
    "vocabulary_admin.move_option": lambda s, a, i: vocabulary_admin.move_option(
        s, actor=a, option_id=i["option"], offset=1
    ),
    "vocabulary_admin.set_option_retired": lambda s, a, i: vocabulary_admin.set_option_retired(
        s, actor=a, option_id=i["option"], retired=True
    ),
    "reports.list_reports": lambda s, a, i: reports.list_reports(s, actor=a),
    "reports.report_detail": lambda s, a, i: reports.report_detail(s, actor=a, report_id=i["report"]),
    "reports.resolve_report": lambda s, a, i: reports.resolve_report(
        s, actor=a, report_id=i["report"], note="Done"
    ),
    "guides.admin_library": lambda s, a, i: guides.admin_library(s, actor=a),
    "guides.guide_source": lambda s, a, i: guides.guide_source(s, actor=a, guide_id=i["guide"]),
    "guides.video_source": lambda s, a, i: guides.video_source(s, actor=a, video_id=i["video"]),
    "guides.create_guide": lambda s, a, i: guides.create_guide(
        s,
        actor=a,
        slug="a-new-guide",
        title="A new guide",
        stage="ending",
        summary="Why.",
        body_markdown=BODY,
    ),
    "guides.update_guide": lambda s, a, i: guides.update_guide(
        s, actor=a, guide_id=i["guide"], title="Renamed", stage="ending", summary="Why.", body_markdown=BODY
    ),
    "guides.set_guide_retired": lambda s, a, i: guides.set_guide_retired(
        s, actor=a, guide_id=i["guide"], retired=True
    ),
    "guides.retire_guide": lambda s, a, i: guides.retire_guide(s, actor=a, guide_id=i["guide"]),
    "guides.restore_guide": lambda s, a, i: guides.restore_guide(s, actor=a, guide_id=i["guide"]),
    "guides.store_video_file": lambda s, a, i: guides.store_video_file(s, actor=a, data=MP4),
    "guides.create_video": lambda s, a, i: guides.create_video(
        s, actor=a, title="Listening", stage="progressing", url="https://video.example.org/1"
    ),
    "guides.update_video": lambda s, a, i: guides.update_video(
        s, actor=a, video_id=i["video"], title="Renamed", stage="ending", url="https://video.example.org/2"
    ),
    "guides.set_video_retired": lambda s, a, i: guides.set_video_retired(
        s, actor=a, video_id=i["video"], retired=True
    ),
    "guides.retire_video": lambda s, a, i: guides.retire_video(s, actor=a, video_id=i["video"]),
    "guides.restore_video": lambda s, a, i: guides.restore_video(s, actor=a, video_id=i["video"]),
    "exports.members_csv": lambda s, a, i: exports.members_csv(s, actor=a),
    "exports.relationships_csv": lambda s, a, i: exports.relationships_csv(s, actor=a),
    "exports.visits_by_month_csv": lambda s, a, i: exports.visits_by_month_csv(
        s, actor=a, start=JAN, end=MAR
    ),
}


def test_every_admin_service_is_in_the_authorization_list() -> None:
    """A new admin function must be added to ADMIN_CALLS (so its refusal is tested)."""
    found = set()
    for module in (admin, analytics, audit, exports, vocabulary_admin):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            # analytics re-exports the functions of its modules by concern (analytics_*)
            home = function.__module__.split(".")[-1].split("_")[0] if module is analytics else None
            ours = function.__module__ == module.__name__ or home == "analytics"
            public = ours and not name.startswith("_")
            if public and "actor" in inspect.signature(function).parameters and name != "record":
                found.add(f"{module.__name__.rsplit('.', 1)[1]}.{name}")
    found |= {f"reports.{n}" for n in ("list_reports", "report_detail", "resolve_report")}
    for name, function in inspect.getmembers(guides, inspect.isfunction):  # the library's admin side
        if function.__module__ == guides.__name__ and "require_admin(actor)" in inspect.getsource(function):
            found.add(f"guides.{name}")
    found |= {"guides.retire_guide", "guides.restore_guide", "guides.retire_video", "guides.restore_video"}
    assert found == set(ADMIN_CALLS)


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def targets(db: Session, make_member) -> dict[str, int]:
    member, other = make_member(role="mentee"), make_member(role="mentor")
    message = messaging.send_message(db, actor=member, other_id=other.id, body="Hello")
    report = reports.report(db, actor=other, subject_user_id=member.id, reason="Rude", message_id=message.id)
    field = db.exec(select(MatchingField).where(MatchingField.key == "languages")).one()
    option_id = vocabulary_admin.list_fields(db, actor=_admin(db))[1].options[0].id
    guides.sync_built_in_guides(db)
    guide_id = db.exec(select(Guide.id).order_by(Guide.id)).first()
    video = Video(title="Feedback", stage="progressing", url="https://video.example.org/0", transcript="")
    db.add(video)
    db.commit()
    ids = {"member": member.id, "field": field.id, "option": option_id, "report": report.id}
    return ids | {"guide": guide_id, "video": video.id}


def _admin(db: Session, email: str = "boss@example.org") -> User:
    return admin.create_admin(db, email=email, password=STRONG_PASSWORD, name="Boss")[0]


@pytest.mark.parametrize("name", sorted(ADMIN_CALLS))
def test_non_admins_and_deactivated_admins_are_refused(db: Session, make_member, targets, name: str) -> None:
    member = make_member(role="both")
    former = _admin(db, "former@example.org")
    admin.set_active(db, actor=_admin(db), user_id=former.id, active=False)
    entries_before = len(db.exec(select(AuditEntry)).all())
    outbox_before = len(db.exec(select(OutboxEmail)).all())
    for actor in (None, member, former):
        with pytest.raises(NotAllowed):
            ADMIN_CALLS[name](db, actor, targets)
        db.rollback()
    # Nothing changed: no audit entry, no email, the member untouched, the field as it was.
    assert len(db.exec(select(AuditEntry)).all()) == entries_before
    assert len(db.exec(select(OutboxEmail)).all()) == outbox_before
    target = db.get(User, targets["member"])
    db.refresh(target)
    assert target.is_active and not target.is_admin
    assert db.get(MatchingField, targets["field"]).label == "Languages"


@pytest.mark.parametrize("name", sorted(ADMIN_CALLS))
def test_an_admin_may_call_every_service(db: Session, targets, restore_vocabulary, name: str) -> None:
    boss = _admin(db)
    if name == "admin.resend_invitation":  # only for a member who never chose a password
        db.get(User, targets["member"]).password_hash = auth.UNUSABLE_PASSWORD
        db.commit()
    if name == "vocabulary_admin.set_field_retired":  # Languages is needed by completeness
        with pytest.raises(ServiceError):
            ADMIN_CALLS[name](db, boss, targets)
        return
    ADMIN_CALLS[name](db, boss, targets)


def test_deactivating_ends_sessions_at_once_and_is_audited(db: Session, make_member) -> None:
    boss, member = _admin(db), make_member(role="mentor")
    keys = [auth.open_session(db, user_id=member.id) for _ in range(2)]
    admin.set_active(db, actor=boss, user_id=member.id, active=False)
    assert all(auth.resolve_session(db, key) is None for key in keys)
    assert db.exec(select(LoginSession).where(LoginSession.user_id == member.id)).all() == []
    with pytest.raises(auth.LoginRefused):
        auth.authenticate(db, email=member.email, password=STRONG_PASSWORD, address="a")
    admin.set_active(db, actor=boss, user_id=member.id, active=True)
    assert auth.authenticate(db, email=member.email, password=STRONG_PASSWORD, address="a").id == member.id
    log = audit.recent(db, actor=boss)
    assert [(e.action, e.target_id, e.actor_name) for e in log[:2]] == [
        ("member.reactivate", member.id, "Boss"),
        ("member.deactivate", member.id, "Boss"),
    ]
    assert "ended 2 session(s)" in log[1].summary
    with pytest.raises(ServiceError):
        admin.set_active(db, actor=boss, user_id=boss.id, active=False)


def test_make_and_remove_admin_is_audited(db: Session, make_member) -> None:
    boss, member = _admin(db), make_member()
    admin.set_admin(db, actor=boss, user_id=member.id, is_admin=True)
    assert db.get(User, member.id).is_admin
    admin.set_admin(db, actor=boss, user_id=member.id, is_admin=True)  # no change: no second entry
    admin.set_admin(db, actor=boss, user_id=member.id, is_admin=False)
    actions = [e.action for e in audit.recent(db, actor=boss, action=None) if e.target_id == member.id]
    assert actions == ["member.remove_admin", "member.make_admin"]
    assert audit.recent(db, actor=boss, action="member.create_admin")[0].actor_name == audit.OPERATOR


def test_member_detail(db: Session, make_member) -> None:
    boss, mentee, mentor = _admin(db), make_member(role="mentee"), make_member(role="mentor")
    detail = admin.member_detail(db, actor=boss, user_id=mentee.id)
    assert (detail.name, detail.email, detail.role, detail.is_active, detail.has_password) == (
        mentee.name,
        mentee.email,
        "Mentee",
        True,
        True,
    )
    assert (detail.relationships_total, detail.pending_sent, detail.invitation_pending) == (0, 0, False)
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Rude")
    reports.report(db, actor=mentee, subject_user_id=mentor.id, reason="x")
    assert admin.member_detail(db, actor=boss, user_id=mentor.id).open_reports_about == 1
    with pytest.raises(NotFound):
        admin.member_detail(db, actor=boss, user_id=999_999)


def test_resend_invitation_replaces_the_old_link(db: Session) -> None:
    boss = _admin(db)
    result = admin.import_members_csv(db, actor=boss, data=(HEADER + GOOD).encode("utf-8"))
    assert (result.created, result.updated, result.errors) == (2, 0, ())
    ana = db.exec(select(User).where(User.email == "ana@example.org")).one()
    detail = admin.member_detail(db, actor=boss, user_id=ana.id)
    assert not detail.has_password and detail.invitation_pending
    first_key = _invite_keys(db, ana.email)[0]
    later = utcnow() + timedelta(minutes=5)
    admin.resend_invitation(db, actor=boss, user_id=ana.id, now=later)
    keys = _invite_keys(db, ana.email)
    assert len(keys) == 2
    assert not auth.reset_link_is_usable(db, first_key)
    assert auth.reset_link_purpose(db, keys[1]) == "invite"
    new = db.exec(select(PasswordReset).where(PasswordReset.key_digest == auth.digest(keys[1]))).one()
    assert new.expires_at - later == timedelta(days=7)
    assert admin.member_detail(db, actor=boss, user_id=ana.id).invitation_sent_at == later
    assert audit.recent(db, actor=boss, action="member.resend_invitation")[0].target_id == ana.id
    auth.reset_password(db, key=keys[1], new_password="amber-lighthouse-fjord-4")
    with pytest.raises(ServiceError):  # they have a password now: Forgot password is their way
        admin.resend_invitation(db, actor=boss, user_id=ana.id)


def _invite_keys(db: Session, email: str) -> list[str]:
    rows = db.exec(
        select(OutboxEmail)
        .where(OutboxEmail.to_address == email, OutboxEmail.kind == "invitation")
        .order_by(OutboxEmail.id)
    ).all()
    return [row.body_text.split("/reset-password?key=", 1)[1].split()[0] for row in rows]


def test_import_reports_errors_with_line_numbers_and_is_audited(db: Session) -> None:
    boss = _admin(db)
    data = (
        HEADER + GOOD + "not-an-email,Bad,mentor,,,,,,,,,,,\nzoe@example.org,Zoe,teacher,,,,,,,,,,,\n"
    ).encode()
    result = admin.import_members_csv(db, actor=boss, data=b"\xef\xbb\xbf" + data)
    assert (result.created, result.updated) == (2, 0)
    assert [line for line, _ in result.errors] == [4, 5]
    assert "role" in result.errors[1][1]
    assert result.summary == "2 created, 0 updated, 2 rejected"
    again = admin.import_members_csv(db, actor=boss, data=(HEADER + GOOD).encode())
    assert (again.created, again.updated) == (0, 2)
    entries = audit.recent(db, actor=boss, action="member.import")
    assert [e.summary for e in entries] == [
        "Imported members from CSV: 0 created, 2 updated, 0 rejected",
        "Imported members from CSV: 2 created, 0 updated, 2 rejected",
    ]
    with pytest.raises(ValidationFailed):
        admin.import_members_csv(db, actor=boss, data="email,name,role\n\xe9".encode("latin-1"))


def test_analytics_ranges_are_checked(db: Session) -> None:
    with pytest.raises(ValidationFailed):
        analytics.visits_per_month(db, actor=_admin(db), start=MAR, end=JAN)


def test_library_changes_are_audited_and_edits_keep_the_shelf_order(db: Session, targets) -> None:
    boss = _admin(db)
    before = db.get(Guide, targets["guide"]).position
    source = guides.guide_source(db, actor=boss, guide_id=targets["guide"])
    guides.update_guide(
        db,
        actor=boss,
        guide_id=targets["guide"],
        title="Listening well",
        stage=source.stage,
        summary=source.summary,
        body_markdown=source.body_markdown + "\n\nOne more line <b>with a tag</b>.",
    )
    guides.retire_video(db, actor=boss, video_id=targets["video"])
    assert db.get(Guide, targets["guide"]).position == before
    assert guides.guide_source(db, actor=boss, guide_id=targets["guide"]).body_markdown.endswith(
        "<b>with a tag</b>."
    )  # the author's text, raw, for the edit form; members get it made safe
    assert [(e.action, e.target_id) for e in audit.recent(db, actor=boss)[:2]] == [
        ("video.retire", targets["video"]),
        ("guide.edit", targets["guide"]),
    ]


def test_uploaded_videos_are_checked_by_content_and_published_with_their_entry(
    db: Session, targets, tmp_path
) -> None:
    boss = _admin(db)
    with pytest.raises(ValidationFailed) as refused:
        guides.store_video_file(db, actor=boss, data=b"<html><script>alert(1)</script>" + bytes(64))
    assert refused.value.errors == {"video_file": "That file is not an MP4 or WebM video."}
    name = guides.store_video_file(db, actor=boss, data=MP4)
    assert re.fullmatch(r"video-[\w-]{24}\.mp4", name)
    assert (tmp_path / "uploads" / name).read_bytes() == MP4
    webm = guides.store_video_file(db, actor=boss, data=b"\x1a\x45\xdf\xa3" + bytes(64))
    assert webm.endswith(".webm")
    video = guides.create_video(
        db, actor=boss, title="Active listening in practice", stage="progressing", file_name=name
    )
    shelf = guides.library(db, actor=boss, stage="progressing")[0]
    assert [(v.title, v.file_name, v.url) for v in shelf.videos if v.id == video.id] == [
        ("Active listening in practice", name, "")
    ]
