"""Check-ins in a real browser: the check-in email arrives by SMTP, its "4" button records the answer
without a log-in and only once, "Add a note" asks for the log-in and saves the note on the
dashboard; the partner's browser never receives that answer or note, even when it forges events;
an admin sees a pair with two low answers under Needs attention and nudges it once."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update
from sqlmodel import Session, select

from mentoring_app.models import AuditEntry, OutboxEmail, Relationship, User
from mentoring_app.models.checkins import Checkin
from mentoring_app.models.types import utcnow
from mentoring_app.services.mentoring import checkins
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.state.admin_dashboard import AdminDashboardState
from mentoring_app.state.dashboard import DashboardState
from tests.e2e.test_accessibility import _violations
from tests.harness import RunningApp, log_in, seed_accepted_pair, text_body
from tests.security.test_websocket import FORGE_SCRIPT, forge, handler, recording_page

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
NOTE = "Private: the first meetings were slow to arrange"


def _accepted_weeks_ago(app: RunningApp, rid: int, weeks: int) -> None:
    with Session(app.engine) as db:
        db.exec(
            update(Relationship)
            .where(Relationship.id == rid)
            .values(decided_at=utcnow() - timedelta(weeks=weeks))
        )  # type: ignore[call-overload]
        db.commit()


def _rows(app: RunningApp, rid: int) -> dict[int, Checkin]:
    with Session(app.engine) as db:
        return {r.member_id: r for r in db.exec(select(Checkin).where(Checkin.relationship_id == rid)).all()}


def _button_link(app: RunningApp, to: str, answer: int) -> str:
    message = app.mailbox.wait_for(to, "How is your mentoring going?")
    found = re.search(rf"^{answer} \([a-z -]+\): (http://\S+)", text_body(message), re.MULTILINE)
    assert found, text_body(message)
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert found.group(1).replace("&", "&amp;") in html  # the same link is a button in the HTML
    return found.group(1)


def test_check_in_from_the_email_once_and_private_from_the_partner(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("cki-mentor"), unique_email("cki-mentee")
    rid, mentor_id, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Carla Checkin", mentee_name="Dev Dueweeks"
    )
    _accepted_weeks_ago(app, rid, 5)
    done = app.cli("run-due-jobs")  # what the app's due jobs run every 10 minutes
    assert done.returncode == 0 and "pair(s) sent a check-in" in done.stdout, done.stderr
    link = _button_link(app, mentee_email, 4)

    # The "4" button, opened without being logged in, records the answer; a second open does not.
    visitor = browser.new_context().new_page()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Check-in")).to_be_visible()
    expect(visitor.get_by_text("Thank you. Your answer, 4 (well), is recorded.")).to_be_visible()
    assert _violations(visitor) == []
    assert (_rows(app, rid)[mentee_id].answer, _rows(app, rid)[mentee_id].answered_via) == (4, "email")
    visitor.goto(link)
    expect(
        visitor.get_by_text("Your answer to this check-in was already recorded. Thank you.")
    ).to_be_visible()
    tampered = link.replace("answer=4", "answer=1").replace("key=", "key=x")
    visitor.goto(tampered)
    expect(visitor.get_by_text(re.compile("This check-in link is not valid"))).to_be_visible()
    assert _rows(app, rid)[mentee_id].answer == 4

    # "Add a note" needs the log-in, then the note is saved on the dashboard.
    visitor.goto(link)
    visitor.get_by_role("link", name="Add a note").click()
    expect(visitor).to_have_url(re.compile(r".*/login"))
    visitor.get_by_label("Email").fill(mentee_email)
    visitor.get_by_label("Password").fill(PASSWORD)
    visitor.get_by_role("form", name="Log in").get_by_role("button", name="Log in").click()
    expect(visitor.get_by_role("heading", name="Mentoring with Carla Checkin")).to_be_visible()
    card = visitor.get_by_role("form", name="Check-in")
    expect(card.get_by_text("You answered 4 (well). Thank you.")).to_be_visible()
    card.get_by_label(re.compile("^A note about how it is going")).fill(NOTE)
    card.get_by_role("button", name="Save my note").click()
    expect(visitor.get_by_text(re.compile("Your note is saved"))).to_be_visible()
    assert (_rows(app, rid)[mentee_id].answer, _rows(app, rid)[mentee_id].note) == (4, NOTE)

    # The mentor sees their own check-in, never the mentee's answer or note, and forging the
    # check-in event changes only their own check-in.
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    mentor, frames = recording_page(context)
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD)
    expect(mentor).to_have_url(HOME)
    mentor.goto(app.url(f"/relationships/{rid}"))
    card = mentor.get_by_role("form", name="Check-in")
    expect(card.get_by_role("group", name="How is your mentoring going?")).to_be_visible()
    expect(card.get_by_role("button", name="Send my check-in")).to_be_visible()
    assert _violations(mentor) == []  # the check-in card on the dashboard
    forge(
        mentor,
        handler(DashboardState, "answer_checkin"),
        {"form": {"answer": "1", "note": "forged", "c": "1"}},
    )
    # A member forging the admins' check-in events changes nothing: the services refuse them.
    forge(mentor, handler(AdminDashboardState, "nudge_pair"), {"relationship_id": rid})
    forge(mentor, handler(AdminDashboardState, "save_checkin_weeks"), {"form": {"weeks": "1"}})
    rows = _rows(app, rid)
    assert (rows[mentee_id].answer, rows[mentee_id].note) == (4, NOTE)
    with Session(app.engine) as db:
        assert checkins.interval_weeks(db) == checkins.DEFAULT_WEEKS
        assert not db.exec(
            select(AuditEntry).where(AuditEntry.target_id == rid, AuditEntry.action == "nudge_pair")
        ).all()
    assert (rows[mentor_id].answer, rows[mentor_id].note) == (1, "forged")
    mentor.goto(app.url(f"/relationships/{rid}"))
    expect(
        mentor.get_by_role("form", name="Check-in").get_by_text("You answered 1 (very badly). Thank you.")
    ).to_be_visible()
    received = "\n".join(frames)
    assert NOTE not in received and "4 (well)" not in received


def _low_pair(app: RunningApp, unique_email) -> tuple[int, str, str]:
    """A pair whose mentee answered 2 then 1 at the last two check-ins."""
    mentor_email, mentee_email = unique_email("low-mentor"), unique_email("low-mentee")
    rid, _, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Lola Lowscore", mentee_name="Nico Nudged"
    )
    _accepted_weeks_ago(app, rid, 12)
    now = utcnow()
    with Session(app.engine, expire_on_commit=False) as db:
        mentee = db.get(User, mentee_id)
        for sent, answer in ((now - timedelta(weeks=8), "2"), (now - timedelta(weeks=4), "1")):
            checkins.run_due_checkins(db, now=sent)
            checkins.answer_checkin(db, actor=mentee, relationship_id=rid, answer=answer, now=sent)
    return rid, mentor_email, mentee_email


def test_admin_sees_two_low_answers_and_nudges_the_pair_once(
    page: Page, app: RunningApp, unique_email
) -> None:
    rid, mentor_email, mentee_email = _low_pair(app, unique_email)
    address = unique_email("cki-admin")
    with Session(app.engine, expire_on_commit=False) as db:
        admin_service.create_admin(db, email=address, password=PASSWORD, name="Ada Attention")
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url("/admin"))
    attention = page.get_by_role("region", name="Needs attention")
    item = attention.get_by_role("listitem").filter(has_text="Nico Nudged")
    expect(item).to_contain_text("Two low answers in a row from the mentee")
    nudge = item.get_by_role("button", name="Nudge this pair: Nico Nudged and Lola Lowscore")
    nudge.dblclick()  # a double click sends once
    expect(page.get_by_text("Nudge sent: both members of the pair were emailed.")).to_be_visible()
    expect(page.get_by_text(re.compile("This pair was already nudged in the last day"))).to_be_visible()
    assert _violations(page) == []  # Needs attention with its check-ins
    for to in (mentee_email, mentor_email):
        assert f"/relationships/{rid}" in text_body(
            app.mailbox.wait_for(to, "A note from the Mentoring team")
        )
    with Session(app.engine) as db:
        sent = db.exec(select(OutboxEmail).where(OutboxEmail.kind == "checkin_nudge")).all()
        assert sorted(e.to_address for e in sent if e.to_address in (mentee_email, mentor_email)) == sorted(
            [mentee_email, mentor_email]
        )
        audited = db.exec(
            select(AuditEntry).where(AuditEntry.action == "nudge_pair", AuditEntry.target_id == rid)
        ).all()
        assert len(audited) == 1

    # The interval: a bad value is explained next to the field; a good one is saved.
    form = page.get_by_role("form", name="Check-in interval")
    form.get_by_label("Weeks between check-ins").fill("0")
    form.get_by_role("button", name="Save check-in interval").click()
    expect(form.get_by_text("Enter a whole number of weeks from 1 to 26.")).to_be_visible()
    form.get_by_label("Weeks between check-ins").fill("4")
    form.get_by_role("button", name="Save check-in interval").click()
    expect(page.get_by_text("Check-ins now go out every 4 weeks.")).to_be_visible()
