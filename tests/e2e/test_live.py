"""Live pages with two members side by side (default mode: one worker, the in-process bus).

Nothing polls any more: each change is published once after its commit and the worker wakes the
open tabs of the members it concerns (mentoring_app/live). These tests hold both members' pages
open and expect the other's change within 2 s (LIVE_MS), without a reload: a message and a goal on
the relationship dashboard; a request arriving on the mentor's Requests page and its acceptance on
the mentee's; a new conversation in the Messages list; the header's unread counts.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_requests import PASSWORD, _mentee, _mentor, _send_request
from tests.harness import SEED_PASSWORD, RunningApp, log_in, seed_accepted_pair

HOME = re.compile(r".*/home/?$")
LIVE_MS = 2_500  # 2 s promised, plus the browser's own rendering


def _member_page(browser: Browser, app: RunningApp, email: str, password: str) -> Page:
    page = browser.new_context().new_page()
    log_in(page, app, email_address=email, password=password)
    expect(page).to_have_url(HOME)
    return page


def _dashboard(page: Page, app: RunningApp, rid: int, section: str) -> None:
    page.goto(app.url(f"/relationships/{rid}?section={section.lower()}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    page.get_by_role("tab", name=section).click()


def test_a_message_and_a_goal_reach_the_partners_open_dashboard(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("livementor"), unique_email("livementee")
    rid = seed_accepted_pair(app, mentor_email, mentee_email)[0]
    mentee = _member_page(browser, app, mentee_email, SEED_PASSWORD)
    mentor = _member_page(browser, app, mentor_email, SEED_PASSWORD)
    _dashboard(mentee, app, rid, "Messages")
    _dashboard(mentor, app, rid, "Messages")

    mentee.get_by_label("Your message").fill("Shall we meet on Thursday?")
    mentee.get_by_role("button", name="Send message").click()
    expect(mentor.get_by_role("list", name="Messages, oldest first")).to_contain_text(
        "Shall we meet on Thursday?", timeout=LIVE_MS
    )
    mentor.get_by_label("Your message").fill("Thursday suits me.")
    mentor.get_by_role("button", name="Send message").click()
    mentee_thread = mentee.get_by_role("list", name="Messages, oldest first")
    expect(mentee_thread).to_contain_text("Thursday suits me.", timeout=LIVE_MS)
    expect(mentee_thread.get_by_text("Thursday suits me.")).to_have_count(1)  # never twice
    expect(mentee_thread.get_by_text("Shall we meet on Thursday?")).to_have_count(1)

    mentor.get_by_role("tab", name="Goals").click()
    mentee.get_by_role("tab", name="Tools").click()
    mentee.get_by_role("button", name="Open the SMART goal tool").click()
    mentee.get_by_role("button", name="Propose a SMART goal").click()
    form = mentee.get_by_role("form", name="Propose a SMART goal")
    form.get_by_label(re.compile("^Specific")).fill("Translate a published short story.")
    form.get_by_label(re.compile("^Measurable")).fill("One story accepted by a journal by the target date.")
    form.get_by_label(re.compile("^Achievable")).fill("I translate fiction every weekend already.")
    form.get_by_label(re.compile("^Relevant")).fill("Literary translation is where I want to work.")
    form.get_by_label(re.compile("^Time-bound")).fill((date.today() + timedelta(days=90)).isoformat())
    form.get_by_role("button", name="Propose goal").click()
    expect(mentee.get_by_text("Goal proposed.")).to_be_visible()
    expect(mentor.get_by_role("list", name="Goals")).to_contain_text(
        "Translate a published short story.", timeout=LIVE_MS
    )
    mentor.get_by_role("list", name="Goals").get_by_role("button", name="Agree to this goal").click()
    expect(mentee.get_by_role("list", name="Goals")).to_contain_text("Agreed", timeout=LIVE_MS)


def test_requests_messages_list_and_header_counts_update_by_themselves(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("livereqmentor"), unique_email("livereqmentee")
    mentor_id = _mentor(app, mentor_email, "Rosa Realtime", "+44 131 496 0002")
    _mentee(app, mentee_email, "Sami Straightaway")
    mentor = _member_page(browser, app, mentor_email, PASSWORD)
    mentee = _member_page(browser, app, mentee_email, PASSWORD)
    nav = mentor.get_by_role("navigation", name="Main")

    # A question: the mentor's open Messages list shows the new conversation and its count.
    mentor.goto(app.url("/messages"))
    expect(mentor.get_by_role("heading", name="Messages", exact=True)).to_be_visible()
    mentee.goto(app.url(f"/members/{mentor_id}"))
    mentee.get_by_role("link", name="Ask a question").click()
    mentee.get_by_label("Your message").fill("Is a request from a beginner welcome?")
    mentee.get_by_role("button", name="Send message").click()
    expect(mentor.get_by_role("list", name="Conversations")).to_contain_text(
        "Sami Straightaway", timeout=LIVE_MS
    )
    expect(nav.get_by_role("link", name="Messages, 1 unread")).to_be_visible(timeout=LIVE_MS)

    # A request: it appears on the mentor's open Requests page, with a notification count.
    mentor.goto(app.url("/requests"))
    expect(mentor.get_by_role("heading", name="Requests", exact=True)).to_be_visible()
    _send_request(mentee, app, mentor_id, "I am starting as a freelance conference interpreter.")
    expect(mentee).to_have_url(re.compile(r".*/requests/?$"))
    incoming = mentor.get_by_role("list", name="Requests to you").get_by_role("listitem").first
    expect(incoming).to_contain_text("Sami Straightaway", timeout=LIVE_MS)
    expect(nav.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread"))).to_be_visible(
        timeout=LIVE_MS
    )

    # The answer: the mentee's open Requests page shows the acceptance and the contact details.
    incoming.get_by_role("button", name="Accept").click()
    mine = mentee.get_by_role("list", name="Your requests").get_by_role("listitem").first
    expect(mine).to_contain_text("Active", timeout=LIVE_MS)  # what every screen calls accepted
    expect(mine).to_contain_text("Phone: +44 131 496 0002")
