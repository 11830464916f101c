"""Email preferences in a real browser, with the real relay and SMTP: a member turns message
emails off on Account and a message to them sends no email; another email's unsubscribe link,
opened without a session, turns that type off (and back on); the one-click POST of the
List-Unsubscribe header works with no cookie, and a forged link is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Browser, expect
from sqlalchemy import update
from sqlmodel import Session, select

from mentoring_app.models import EmailPreference, OutboxEmail, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import messaging
from tests.e2e.test_accessibility import _violations
from tests.harness import RunningApp, log_in, seed_accepted_pair, text_body

PASSWORD = "violet-harbour-lantern-42"


def _prefs(app: RunningApp, user_id: int) -> EmailPreference | None:
    with Session(app.engine) as db:
        return db.get(EmailPreference, user_id)


def _send(app: RunningApp, sender_id: int, to_id: int, body: str) -> None:
    """A message through the service; its email (if any) is due at once, as the app's setting
    MESSAGE_EMAIL_DELAY_SECONDS=0 makes it (this test process has the default delay)."""
    with Session(app.engine, expire_on_commit=False) as db:
        message = messaging.send_message(db, actor=db.get(User, sender_id), other_id=to_id, body=body)
        db.exec(
            update(OutboxEmail).where(OutboxEmail.message_id == message.id).values(next_attempt_at=utcnow())
        )  # type: ignore[call-overload]
        db.commit()


def _on_app(app: RunningApp, link: str) -> str:
    """An emailed link on the test's app: emails queued by this test process name its APP_URL."""
    parts = urlsplit(link)
    return app.url(f"{parts.path}?{parts.query}")


def test_account_choices_and_unsubscribe_links_without_a_log_in(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("ep-mentor"), unique_email("ep-mentee")
    _rid, mentor_id, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Edith Emails", mentee_name="Uri Unsub"
    )

    # The mentee turns message emails off on Account: saved before the page says so.
    page = browser.new_context().new_page()
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    page.goto(app.url("/account"))
    choices = page.get_by_role("group", name="Email me about")
    for label in (
        "Requests, answers and your relationships",
        "Meetings",
        "Check-ins",
        "News and mentor alerts",
    ):
        expect(choices.get_by_role("checkbox", name=label)).to_be_checked()
    messages_as = page.get_by_role("group", name="Messages by email")
    expect(messages_as.get_by_role("radio", name="Each one as it happens")).to_be_checked()
    choices.get_by_role("checkbox", name="Messages").uncheck()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.get_by_text("Saved: your email settings are changed.")).to_be_visible()
    assert _prefs(app, mentee_id).messages is False  # type: ignore[union-attr]
    assert _violations(page) == []
    page.reload()
    expect(
        page.get_by_role("group", name="Email me about").get_by_role("checkbox", name="Messages")
    ).not_to_be_checked()

    # A message to the mentee sends no email; one to the mentor does (with its unsubscribe link).
    _send(app, mentor_id, mentee_id, "Shall we meet on Thursday?")
    _send(app, mentee_id, mentor_id, "Thursday suits me.")
    to_mentor = app.mailbox.wait_for(mentor_email, "New message from Uri Unsub", timeout=60)
    with Session(app.engine) as db:
        assert (
            db.exec(
                select(OutboxEmail).where(
                    OutboxEmail.to_address == mentee_email, OutboxEmail.kind == "message"
                )
            ).all()
            == []
        )
    assert all(
        m["Subject"] != "New message from Edith Emails"
        for m in app.mailbox.messages
        if m["To"] == mentee_email
    )
    header = to_mentor["List-Unsubscribe"]
    assert header and re.fullmatch(r"<http://\S+/_email/unsubscribe\?m=\d+&t=messages&s=\S+>", header), header
    assert to_mentor["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The mentee's acceptance email's unsubscribe link, opened with no session, turns request
    # emails off; the page offers them back on.
    accepted = app.mailbox.wait_for(mentee_email, "accepted your mentoring request")
    found = re.search(r"Unsubscribe from request and relationship emails: (http://\S+)", text_body(accepted))
    assert found, text_body(accepted)
    assert accepted["List-Unsubscribe"] and "t=requests" in accepted["List-Unsubscribe"]
    visitor = browser.new_context().new_page()
    visitor.goto(_on_app(app, found.group(1)))
    expect(visitor.get_by_role("heading", name="Unsubscribe")).to_be_visible()
    expect(visitor.get_by_text("You will no longer get request and relationship emails.")).to_be_visible()
    assert _prefs(app, mentee_id).requests is False  # type: ignore[union-attr]
    assert _violations(visitor) == []
    visitor.get_by_role("button", name="Turn request and relationship emails back on").click()
    expect(visitor.get_by_text("You will get request and relationship emails again.")).to_be_visible()
    assert _prefs(app, mentee_id).requests is True  # type: ignore[union-attr]

    # A forged link (another member's id with this signature) is refused and changes nothing.
    forged = _on_app(app, found.group(1)).replace(f"m={mentee_id}", f"m={mentor_id}")
    visitor.goto(forged)
    expect(visitor.get_by_text(re.compile("This unsubscribe link is not valid"))).to_be_visible()
    assert _prefs(app, mentor_id) is None

    # The header's one-click POST, as a mail provider sends it: no cookie, no Origin of ours.
    one_click = _on_app(app, header[1:-1])
    api = browser.new_context().request
    form = {"List-Unsubscribe": "One-Click"}
    forged_post = api.post(one_click.replace("s=", "s=x"), form=form)
    assert forged_post.status == 400 and _prefs(app, mentor_id) is None
    answer = api.post(one_click, form=form)
    assert answer.status == 200 and "no longer get message emails" in answer.text()
    assert _prefs(app, mentor_id).messages is False  # type: ignore[union-attr]


def test_weekly_digest_chosen_on_account_arrives_by_smtp(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    """The mentee chooses "A weekly digest" for messages: a message sends no email of its own; a
    week later the due jobs send one digest quoting it (and only one when run again)."""
    mentor_email, mentee_email = unique_email("dg-mentor"), unique_email("dg-mentee")
    _rid, mentor_id, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Dora Digest", mentee_name="Wes Weekly"
    )
    page = browser.new_context().new_page()
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    page.goto(app.url("/account"))
    page.get_by_role("group", name="Messages by email").get_by_role("radio", name="A weekly digest").check()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.get_by_text("Saved: your email settings are changed.")).to_be_visible()
    prefs = _prefs(app, mentee_id)
    assert prefs is not None and prefs.message_digest and not prefs.notification_digest

    _send(app, mentor_id, mentee_id, "Here is the glossary I promised.\nSee you soon.")
    with Session(app.engine) as db:
        assert (
            db.exec(
                select(OutboxEmail).where(
                    OutboxEmail.to_address == mentee_email, OutboxEmail.kind == "message"
                )
            ).all()
            == []
        )
        db.exec(
            update(EmailPreference)
            .where(EmailPreference.user_id == mentee_id)
            .values(digest_due_at=utcnow() - timedelta(minutes=1))
        )  # type: ignore[call-overload]
        db.commit()
    for _ in range(2):  # what the app's due jobs run every 10 minutes, twice
        done = app.cli("run-due-jobs")
        assert done.returncode == 0, done.stderr
    digest = app.mailbox.wait_for(mentee_email, "Your weekly digest: 1 unread message", timeout=60)
    body = text_body(digest)
    assert "Dora Digest: Here is the glossary I promised." in body and "See you soon" not in body
    assert digest["List-Unsubscribe"] and "t=digest" in digest["List-Unsubscribe"]
    with Session(app.engine) as db:
        rows = db.exec(
            select(OutboxEmail).where(OutboxEmail.to_address == mentee_email, OutboxEmail.kind == "digest")
        ).all()
        assert len(rows) == 1
