"""Endings that cannot be clicked by accident and figures that add up, and emails whose button
opens the page they talk about, in real browsers with the real SMTP server.

- Continue informally and Start a new journey confirm first (Not yet changes nothing).
- Journey 2's Progress at a glance counts journey 2; journey 1's reflections stay on Ending.
- Withdrawn after continuing informally reads "Withdrawn" on the dashboard, Ending, Home and
  Requests, never "Continuing informally since".
- The accepted, declined (with a suggested mentor), withdrawn and edited-request emails each open
  their page; the request box's limit and hint match the server's.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import Journey, Notification, OutboxEmail, Relationship, User
from mentoring_app.services.mentoring import ending, goals, meetings, relationships
from tests.harness import RunningApp, log_in, seed_accepted_pair, text_body

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")


def _users(app: RunningApp, *ids: int) -> list[User]:
    with Session(app.engine, expire_on_commit=False) as db:
        return [db.get(User, i) for i in ids]  # type: ignore[misc]


def _logged_in(browser: Browser, app: RunningApp, email_address: str) -> Page:
    page = browser.new_context().new_page()
    log_in(page, app, email_address=email_address, password=PASSWORD)
    expect(page).to_have_url(HOME)
    return page


def _open(page: Page, app: RunningApp, rid: int, section: str) -> None:
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    page.get_by_role("tab", name=section).click()


def _button_link(message, label: str) -> str:
    """The path (and query) the email's button opens. Emails written by the test process's own
    service calls (seeding) carry its APP_URL, so the path is what is compared and opened."""
    found = re.search(rf"{re.escape(label)}: (\S+)", text_body(message))
    assert found, text_body(message)
    parts = urlsplit(found.group(1))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_endings_confirm_first_and_journey_two_counts_its_own(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("rosa"), unique_email("tomas")
    rid, mentor_id, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Rosa Reviewer", mentee_name="Tomas Tracker"
    )
    mentor, mentee_user = _users(app, mentor_id, mentee_id)
    with Session(app.engine) as db:  # journey 1: a goal agreed, a meeting held, both reflections
        goal = goals.propose_goal(
            db,
            actor=mentee_user,
            relationship_id=rid,
            specific="Pass the DipTrans law paper.",
            measurable="A pass mark in the next sitting.",
            achievable="I translate contracts every week and can study five hours a week.",
            relevant="Legal work is where I want to specialise.",
            target_date=date.today() + timedelta(days=200),
        )
        goals.set_goal_status(db, actor=mentor, relationship_id=rid, goal_id=goal.id, status="agreed")
        meetings.log_meeting(db, actor=mentor, relationship_id=rid, held_on=date.today(), duration_minutes=60)
        ending.write_reflection(
            db, actor=mentee_user, relationship_id=rid, text="Journey one: I found my pace."
        )
        ending.write_reflection(db, actor=mentor, relationship_id=rid, text="Tomas kept every promise.")

    page = _logged_in(browser, app, mentee_email)
    _open(page, app, rid, "Ending")
    glance = page.get_by_role("region", name="Progress at a glance")
    expect(glance).to_contain_text("0 of 1")  # goals achieved, journey 1
    expect(glance).to_contain_text("1 h in meetings")

    # Continue informally asks first; "Not yet" changes nothing.
    page.get_by_role("button", name="Continue informally").click()
    dialog = page.get_by_role("alertdialog", name="Continue informally?")
    expect(dialog).to_contain_text("goals are locked")
    dialog.get_by_role("button", name="Not yet").click()
    expect(dialog).to_be_hidden()
    with Session(app.engine) as db:
        assert db.get(Relationship, rid).informal_since is None
    page.get_by_role("button", name="Continue informally").click()
    page.get_by_role("alertdialog", name="Continue informally?").get_by_role(
        "button", name="Continue informally"
    ).click()
    expect(page.get_by_text("You are continuing informally")).to_be_visible()
    expect(page.get_by_text(re.compile("^Continuing informally since"))).to_be_visible()
    expect(page.get_by_text("Continuing informally", exact=True).first).to_be_visible()  # the header badge

    # Start a new journey asks first too, then journey 2's progress starts from nothing.
    page.get_by_role("tab", name="Ending").click()
    page.get_by_role("button", name="Set new goals and start a new journey").click()
    dialog = page.get_by_role("alertdialog", name="Start a new journey?")
    expect(dialog).to_contain_text("Journey 2 starts with a fresh agreement")
    dialog.get_by_role("button", name="Start a new journey").click()
    expect(page.get_by_text("A new journey has started.")).to_be_visible()
    expect(glance).to_contain_text("Journey 2: its goals and meetings")
    expect(glance).to_contain_text("0 of 0")
    expect(glance).to_contain_text("0 min in meetings")
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Ending").click()
    earlier = page.get_by_role("region", name="Earlier journeys")
    expect(earlier).to_contain_text("Journey 1")
    expect(earlier).to_contain_text("Journey one: I found my pace.")
    expect(earlier).to_contain_text("Rosa Reviewer")
    expect(earlier).to_contain_text("Tomas kept every promise.")
    expect(page.get_by_text(re.compile("^Continuing informally since"))).to_have_count(0)
    with Session(app.engine) as db:
        found = db.exec(select(Journey).where(Journey.relationship_id == rid).order_by(Journey.number)).all()
        assert [(j.number, j.closed_reason) for j in found] == [(1, "informal"), (2, None)]
    # Home counts journey 2 too.
    page.goto(app.url("/home"))
    mine = page.get_by_role("list", name="Your mentoring relationships")
    expect(mine).to_contain_text("0 of 0 goals achieved · 0 meetings held")


def test_withdrawn_after_informal_reads_withdrawn_everywhere_and_the_email_says_what_next(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("uma"), unique_email("vic")
    rid, _mentor_id, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Uma Upstream", mentee_name="Vic Venture"
    )
    (mentee_user,) = _users(app, mentee_id)
    with Session(app.engine) as db:
        ending.continue_informally(db, actor=mentee_user, relationship_id=rid)

    page = _logged_in(browser, app, mentor_email)
    expect(page.get_by_role("list", name="Your mentoring relationships")).to_contain_text(
        "Continuing informally"
    )
    _open(page, app, rid, "Details")
    page.get_by_role("button", name="Withdraw").click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_label("Reason (optional)").fill("Moving abroad.")
    dialog.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("You have withdrawn from the relationship.")).to_be_visible()
    expect(page.get_by_text("Withdrawn", exact=True).first).to_be_visible()
    page.get_by_role("tab", name="Ending").click()
    expect(page.get_by_text("Status: Withdrawn")).to_be_visible()
    expect(page.get_by_text(re.compile("Continuing informally"))).to_have_count(0)
    page.goto(app.url("/home"))
    mine = page.get_by_role("list", name="Your mentoring relationships")
    expect(mine).to_contain_text("Withdrawn")
    expect(mine).not_to_contain_text("Continuing informally")
    page.goto(app.url("/requests"))
    card = page.get_by_role("list", name="Requests to you").get_by_role("listitem").first
    expect(card).to_contain_text("Withdrawn")

    # The mentee's email says what next, and its button opens Find mentor.
    told = app.mailbox.wait_for(mentee_email, "Uma Upstream withdrew from your mentoring relationship")
    assert "What next: Find mentor lists the mentors" in text_body(told)
    mentee = _logged_in(browser, app, mentee_email)
    link = _button_link(told, "Find another mentor")
    assert link.endswith("/find-mentor")
    mentee.goto(app.url(link))
    expect(mentee.get_by_role("heading", name="Find mentor", exact=True)).to_be_visible()


def test_each_email_opens_its_page_and_an_edit_reaches_the_mentor(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("wren"), unique_email("xavi")
    rid, _mentor_id, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Wren Welcome", mentee_name="Xavi Eager"
    )
    # Accepted: the button opens the relationship dashboard.
    accepted = app.mailbox.wait_for(mentee_email, "Wren Welcome accepted your mentoring request")
    mentee = _logged_in(browser, app, mentee_email)
    link = _button_link(accepted, "Open your relationship page")
    assert link.endswith(f"/relationships/{rid}")
    mentee.goto(app.url(link))
    expect(mentee.get_by_role("heading", name="Mentoring with Wren Welcome")).to_be_visible()

    # Declined with a suggested mentor: the button opens that mentor's profile.
    other_email, busy_email = unique_email("yara"), unique_email("zeno")
    _, suggested_id, _ = seed_accepted_pair(
        app, other_email, unique_email("filler"), mentor_name="Yara Suggested", mentee_name="Filler Mentee"
    )
    _, busy_id, _ = seed_accepted_pair(
        app, busy_email, unique_email("filler2"), mentor_name="Zeno Busy", mentee_name="Other Mentee"
    )
    mentee_user, busy = _users(app, mentee_id, busy_id)
    with Session(app.engine) as db:
        request = relationships.send_request(
            db, actor=mentee_user, mentor_id=busy_id, text="Could you help me with medical terminology?"
        )
        relationships.decline_request(
            db, actor=busy, request_id=request.id, reason="better_mentor", suggested_mentor_id=suggested_id
        )
    declined = app.mailbox.wait_for(mentee_email, "Zeno Busy declined your mentoring request")
    link = _button_link(declined, "See Yara Suggested's profile")
    assert link.endswith(f"/members/{suggested_id}")
    mentee.goto(app.url(link))
    expect(mentee.get_by_role("heading", name="Yara Suggested")).to_be_visible()

    # The request box: the server's limit, said in the hint.
    mentee.get_by_role("button", name="Send mentoring request").click()
    form = mentee.get_by_role("form", name="Send mentoring request")
    expect(form.get_by_text(re.compile("Up to 3,000 characters\\."))).to_be_visible()
    expect(form.get_by_label("Your request")).to_have_attribute("maxlength", "3000")
    form.get_by_label("Your request").fill("Could you help me move into legal translation?")
    form.get_by_role("button", name="Send mentoring request").click()
    expect(mentee).to_have_url(re.compile(r".*/requests/?$"))
    app.mailbox.wait_for(other_email, "New mentoring request from Xavi Eager")

    # Edit it twice: the mentor is told in the app each time, by email once, with the new text.
    mine = (
        mentee.get_by_role("list", name="Your requests").get_by_role("listitem").first  # newest first
    )
    expect(mine).to_contain_text("Yara Suggested")
    for text in ("Edited: legal translation, contracts first.", "Edited again: contracts and rates."):
        mine.get_by_role("button", name="Edit").click()
        edit = mentee.get_by_role("form", name="Edit your request")
        expect(edit.get_by_text(re.compile("Up to 3,000 characters\\."))).to_be_visible()
        expect(edit.get_by_label("Your request")).to_have_attribute("maxlength", "3000")
        edit.get_by_label("Your request").fill(text)
        edit.get_by_role("button", name="Save request").click()
        expect(mentee.get_by_text("Your request has been updated.").first).to_be_visible()
        expect(mine).to_contain_text(text)
    edited = app.mailbox.wait_for(other_email, "Xavi Eager edited their mentoring request")
    assert "Edited: legal translation, contracts first." in text_body(edited)
    with Session(app.engine) as db:
        (suggested,) = [db.get(User, suggested_id)]
        kinds = db.exec(
            select(Notification.kind).where(
                Notification.user_id == suggested.id, Notification.kind == "request_edited"
            )
        ).all()
        assert len(kinds) == 2
        emails = db.exec(
            select(OutboxEmail).where(
                OutboxEmail.to_address == other_email, OutboxEmail.kind == "request_edited"
            )
        ).all()
        assert len(emails) == 1
    mentor = _logged_in(browser, app, other_email)
    link = _button_link(edited, "Open your requests")
    mentor.goto(app.url(link))
    card = (
        mentor.get_by_role("list", name="Requests to you")
        .get_by_role("listitem")
        .filter(has_text="Xavi Eager")
    )
    expect(card).to_contain_text("Edited again: contracts and rates.")
