"""What one member can send, driven as the review's attacker did (issue 11, item 7): 30 messages
to a stranger, 10 reports, 4 send-and-cancel cycles, 6 reset requests. The services are called
directly, as a forged websocket event would reach them; then a real browser shows the refusals."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect
from sqlmodel import Session, func, select

from mentoring_app.models import Message, Notification, OutboxEmail, PasswordReset, Relationship, Report, User
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits
from mentoring_app.services.accounts import auth
from mentoring_app.services.conversations import messaging, reports
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.mentoring import relationships
from tests.harness import RunningApp, log_in

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
TEXT = "I would like help with rates and contracts as a new freelance legal translator."


def _member(db: Session, name: str, role: str, *, with_profile: bool = False) -> User:
    email = f"{name.lower().replace(' ', '.')}@example.org"
    user = auth.register(db, name=name, email=email, password=PASSWORD, role=role)
    if with_profile:  # a mentor Find mentor offers, so requests can be sent to them
        fields = {f.key: f for f in load_fields(db)}
        profiles.update_profile(
            db,
            actor=user,
            user_id=user.id,
            changes=profiles.ProfileChanges(
                name=name,
                headline="Legal translator",
                capacity="2",
                available=True,
                contact_email=email,
                mentor_criteria={
                    "region": [fields["region"].find("London").id],
                    "languages": [fields["languages"].find("French").id],
                    "specialisms": [fields["specialisms"].find("Legal translation").id],
                },
            ),
        )
    return user


def _count(db: Session, model, *conditions) -> int:  # type: ignore[no-untyped-def]
    return int(db.exec(select(func.count()).select_from(model).where(*conditions)).one())


def _attempts(action) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """(how many went through, the refusals' messages)."""
    through, refusals = 0, []
    for attempt in action:
        try:
            attempt()
            through += 1
        except ServiceError as refusal:
            refusals.append(refusal.message)
    return through, refusals


def test_thirty_messages_to_a_stranger(db: Session) -> None:
    attacker, stranger = _member(db, "Ada Attacker", "mentee"), _member(db, "Sid Stranger", "mentor")
    through, refusals = _attempts(
        (lambda n=n: messaging.send_message(db, actor=attacker, other_id=stranger.id, body=f"Buy now {n}"))
        for n in range(30)
    )
    assert through == 10 and len(refusals) == 20
    assert refusals[0].startswith(
        "You have sent 10 messages to members you are not connected with in the last hour. "
        "You can send more in"
    )
    assert _count(db, Message, Message.sender_id == attacker.id) == 10
    assert _count(db, Notification, Notification.user_id == stranger.id) == 10
    assert (
        _count(db, OutboxEmail, OutboxEmail.to_address == stranger.email, OutboxEmail.kind == "message") == 1
    )


def test_ten_reports(db: Session) -> None:
    attacker, target = _member(db, "Ada Attacker", "mentee"), _member(db, "Tom Target", "mentor")
    others = [_member(db, f"Other Member{n}", "mentor") for n in range(9)]
    through, refusals = _attempts(
        (lambda: reports.report(db, actor=attacker, subject_user_id=target.id, reason="Fake"))
        for _ in range(10)
    )
    assert (through, set(refusals)) == (1, {reports.ALREADY_REPORTED})
    through, refusals = _attempts(
        (lambda o=o: reports.report(db, actor=attacker, subject_user_id=o.id, reason="Fake")) for o in others
    )
    assert through == 4 and len(refusals) == 5
    assert refusals[0].startswith("You have sent 5 reports in the last day")
    assert _count(db, Report, Report.reporter_id == attacker.id) == 5


def test_four_send_and_cancel_cycles(db: Session) -> None:
    attacker, mentor = (
        _member(db, "Ada Attacker", "mentee"),
        _member(db, "Mia Mentor", "mentor", with_profile=True),
    )

    def cycle() -> None:
        rel = relationships.send_request(db, actor=attacker, mentor_id=mentor.id, text=TEXT)
        relationships.cancel_request(db, actor=attacker, request_id=rel.id)

    through, refusals = _attempts([cycle] * 4)
    assert through == 3 and refusals[0].startswith("You have sent this mentor 3 requests in the last day")
    assert _count(db, Relationship, Relationship.mentee_id == attacker.id) == 3
    mailed = db.exec(select(OutboxEmail.kind).where(OutboxEmail.to_address == mentor.email)).all()
    assert sorted(mailed) == ["cancelled", "new_request", "welcome"]  # one of each, not three
    assert _count(db, Notification, Notification.user_id == mentor.id) == 6  # told in the app each time


def test_six_reset_requests(db: Session) -> None:
    victim = _member(db, "Vic Victim", "mentee")
    answers = [auth.request_password_reset(db, email=victim.email) for _ in range(6)]
    unknown = [auth.request_password_reset(db, email="no.one@example.org") for _ in range(6)]
    assert answers[:3] == unknown[:3] == [None, None, None]
    assert all(a is not None and u is not None for a, u in zip(answers[3:], unknown[3:], strict=True))
    assert {limits.wait_text(a) for a in answers[3:] + unknown[3:]} <= {"59 minutes", "60 minutes"}
    assert _count(db, OutboxEmail, OutboxEmail.kind == "password_reset") == 3
    assert _count(db, PasswordReset, PasswordReset.user_id == victim.id) == 3


def test_refusals_show_on_the_page(browser: Browser, app: RunningApp, unique_email) -> None:
    """The 11th message is refused beside the message box; Forgot password says when
    another link can be asked for, in the same words for every address."""
    mentee_email, mentor_email = unique_email("limited"), unique_email("stranger")
    with Session(app.engine, expire_on_commit=False) as db:
        mentee = auth.register(db, name="Lea Limited", email=mentee_email, password=PASSWORD, role="mentee")
        mentor = auth.register(db, name="Stan Stranger", email=mentor_email, password=PASSWORD, role="mentor")
        for n in range(10):
            messaging.send_message(db, actor=mentee, other_id=mentor.id, body=f"Question {n}", now=utcnow())
        for address in (mentee_email, "unknown." + mentee_email):
            for _ in range(3):
                auth.request_password_reset(db, email=address)
    page = browser.new_context().new_page()
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url(f"/messages/{mentor.id}"))
    page.get_by_label("Your message").fill("One more question")
    page.get_by_role("button", name="Send message").click()
    expect(
        page.get_by_text("You have sent 10 messages to members you are not connected with in the last hour.")
    ).to_be_visible()
    expect(page.get_by_label("Your message")).to_have_attribute("aria-invalid", "true")
    with Session(app.engine) as db:
        assert _count(db, Message, Message.sender_id == mentee.id) == 10

    for address in (mentee_email, "unknown." + mentee_email):
        anonymous = browser.new_context().new_page()
        anonymous.goto(app.url("/forgot-password"))
        anonymous.get_by_label("Email").fill(address)
        anonymous.get_by_role("button", name="Send reset link").click()
        expect(
            anonymous.get_by_text(re.compile(r"You can ask for another in (59|60) minutes\."))
        ).to_be_visible()
