"""What each member sees first (issue 13, parts 2 and 3): Home says what needs you now and stays
live, the navigation counts waiting requests and unread messages, a member at ``/`` goes Home,
unknown addresses get a page with the navigation and a way home, and notifications clear themselves
(opening what they are about) or all at once (**Mark all as read**), grouped by member."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.conversations import messaging
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.mentoring import meetings, relationships
from tests.e2e.test_accessibility import _violations
from tests.e2e.test_requests import PASSWORD, _mentee, _mentor, _send_request
from tests.harness import SEED_PASSWORD, RunningApp, log_in, seed_accepted_pair

HOME = re.compile(r".*/home/?$")
LIVE_MS = 2_500
TEXT = "I am preparing for the DPSI and would like help with legal terminology."


def _member_page(browser: Browser, app: RunningApp, email: str, password: str) -> Page:
    page = browser.new_context().new_page()
    log_in(page, app, email_address=email, password=password)
    expect(page).to_have_url(HOME)
    return page


def _member(app: RunningApp, email: str) -> User:
    with Session(app.engine, expire_on_commit=False) as db:
        return db.exec(select(User).where(User.email == email)).one()


def test_a_mentors_home_shows_what_waits_and_stays_live(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email = unique_email("homementor")
    waiting_email, asker_email, late_email = (
        unique_email("homewaiting"),
        unique_email("homeasker"),
        unique_email("homelate"),
    )
    mentor_id = _mentor(app, mentor_email, "Helga Homepage", "+44 131 496 0101")
    for email, name in (
        (waiting_email, "Wanda Waiting"),
        (asker_email, "Quentin Question"),
        (late_email, "Lars Late"),
    ):
        _mentee(app, email, name)
    with Session(app.engine, expire_on_commit=False) as db:
        relationships.send_request(db, actor=_member(app, waiting_email), mentor_id=mentor_id, text=TEXT)
        messaging.send_message(
            db, actor=_member(app, asker_email), other_id=mentor_id, body="Beginners welcome?"
        )

    mentor = _member_page(browser, app, mentor_email, PASSWORD)
    needs = mentor.get_by_role("list", name="What needs you now")
    expect(needs.get_by_role("link", name="Wanda Waiting is waiting for your answer")).to_be_visible()
    expect(needs).to_contain_text("14 days left to answer")
    expect(needs.get_by_role("link", name="Quentin Question is waiting for your reply")).to_be_visible()
    expect(needs.get_by_role("link", name="You have 1 unread message")).to_be_visible()
    assert _violations(mentor) == []
    nav = mentor.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Requests, 1 waiting")).to_be_visible()
    expect(nav.get_by_role("link", name="Messages, 1 unread")).to_be_visible()

    # Live: a new request from another mentee appears on the open Home and in the count.
    late = _member_page(browser, app, late_email, PASSWORD)
    _send_request(late, app, mentor_id, "I would like help with rates for conference work.")
    expect(needs.get_by_role("link", name="Lars Late is waiting for your answer")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(nav.get_by_role("link", name="Requests, 2 waiting")).to_be_visible(timeout=LIVE_MS)

    # Answering the question (opening the thread reads it) takes it off Home.
    needs.get_by_role("link", name="Quentin Question is waiting for your reply").click()
    mentor.get_by_label("Your message").fill("Yes, very welcome.")
    mentor.get_by_role("button", name="Send message").click()
    expect(nav.get_by_role("link", name="Messages", exact=True)).to_be_visible()
    mentor.goto(app.url("/"))  # a member at / goes Home
    expect(mentor).to_have_url(HOME)
    expect(needs.get_by_role("link", name="Wanda Waiting is waiting for your answer")).to_be_visible()
    expect(needs.get_by_text("Quentin Question is waiting for your reply")).to_have_count(0)


def test_a_matched_mentees_home_leads_with_the_relationship_not_find_a_mentor(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("homematchedmentor"), unique_email("homematchedmentee")
    rid, mentor_id, _ = seed_accepted_pair(app, mentor_email, mentee_email)
    with Session(app.engine, expire_on_commit=False) as db:
        mentor = db.get(User, mentor_id)
        starts = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        meetings.schedule_meeting(db, actor=mentor, relationship_id=rid, starts_at=starts)

    mentee = _member_page(browser, app, mentee_email, SEED_PASSWORD)
    needs = mentee.get_by_role("list", name="What needs you now")
    expect(
        needs.get_by_role("link", name="Odile Oversight accepted your mentoring request")
    ).to_have_attribute("href", re.compile(rf"/relationships/{rid}$"))
    expect(needs.get_by_role("link", name="Next meeting with Odile Oversight")).to_be_visible()
    expect(mentee.get_by_role("heading", name="Find a mentor")).to_have_count(0)
    expect(mentee.get_by_role("heading", name="Looking for another mentor?")).to_be_visible()


def test_unknown_addresses_get_a_page_with_the_navigation_and_a_way_home(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    visitor = browser.new_context().new_page()
    visitor.goto(app.url("/no-such-page"))
    expect(visitor.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
    visitor.get_by_role("link", name="Go to the start page").click()
    expect(visitor.get_by_role("heading", name="Mentoring for language professionals")).to_be_visible()

    email = unique_email("homelost")
    _mentee(app, email, "Lou Lost")
    member = _member_page(browser, app, email, PASSWORD)
    member.goto(app.url("/relationship/typo"))
    expect(member.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(
        member.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications")
    ).to_be_visible()
    member.get_by_role("link", name="Go to your home page").click()
    expect(member).to_have_url(HOME)


def test_notifications_clear_by_opening_them_or_all_at_once_grouped_by_member(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email = unique_email("notementor")
    first_email, second_email = unique_email("notefirst"), unique_email("notesecond")
    mentor_id = _mentor(app, mentor_email, "Nora Notified", "+44 131 496 0102")
    _mentee(app, first_email, "Fiona First")
    _mentee(app, second_email, "Sven Second")
    with Session(app.engine, expire_on_commit=False) as db:
        first = _member(app, first_email)
        relationships.send_request(db, actor=first, mentor_id=mentor_id, text=TEXT)
        messaging.send_message(db, actor=first, other_id=mentor_id, body="A question about my request")
        relationships.send_request(db, actor=_member(app, second_email), mentor_id=mentor_id, text=TEXT)

    mentor = _member_page(browser, app, mentor_email, PASSWORD)
    nav = mentor.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Notifications, 3 unread").click()
    expect(mentor.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    fiona = mentor.get_by_role("list", name="Notifications: Fiona First")
    expect(fiona.get_by_role("listitem")).to_have_count(2)
    expect(
        mentor.get_by_role("list", name="Notifications: Sven Second").get_by_role("listitem")
    ).to_have_count(1)
    # Opening the list reads nothing.
    expect(nav.get_by_role("link", name="Notifications, 3 unread")).to_be_visible()
    mentor.mouse.move(0, 400)  # off the link just clicked (its hover colour is not the page's)
    assert _violations(mentor) == []

    # Opening what a notification is about reads it (the conversation).
    fiona.get_by_role("link", name="New message from Fiona First").click()
    expect(mentor.get_by_role("heading", name="Messages with Fiona First")).to_be_visible()
    expect(nav.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    mentor.go_back()
    message_item = fiona.get_by_role("listitem").filter(has_text="New message from Fiona First")
    expect(message_item.get_by_text("New", exact=True)).to_have_count(0)  # its badge is gone
    request_item = fiona.get_by_role("listitem").filter(has_text="New mentoring request")
    expect(request_item.get_by_text("New", exact=True)).to_have_count(1)

    mentor.get_by_role("button", name="Mark all as read").click()
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(mentor.get_by_role("main").get_by_text("New", exact=True)).to_have_count(0)
    expect(mentor.get_by_role("button", name="Mark all as read")).to_be_disabled()

    # With the list open, a new message from Fiona arrives in it by itself, unread, and the count
    # in the navigation follows (pushed to this tab: nothing is reloaded).
    sender = _member_page(browser, app, first_email, PASSWORD)
    sender.goto(app.url(f"/messages/{mentor_id}"))
    sender.get_by_label("Your message").fill("One more thing about my request")
    sender.get_by_role("button", name="Send message").click()
    expect(nav.get_by_role("link", name="Notifications, 1 unread")).to_be_visible(timeout=LIVE_MS)
    expect(mentor.get_by_role("main").get_by_text("New", exact=True)).to_have_count(1, timeout=LIVE_MS)
    expect(mentor.get_by_role("button", name="Mark all as read")).to_be_enabled()


def _mentor_offering(app: RunningApp, email: str, name: str, criteria: dict[str, list[str]]) -> int:
    """A mentor offered in Find mentor with these criteria (field key -> option labels; an area of
    support they need to be found is added when the criteria hold no specialism)."""
    if "specialisms" not in criteria:
        criteria = {**criteria, "areas_of_support": ["Career change"]}
    with Session(app.engine, expire_on_commit=False) as db:
        fields = {f.key: f for f in load_fields(db)}
        user = auth.register(db, name=name, email=email, password=PASSWORD, role="mentor")
        profiles.update_profile(
            db,
            actor=user,
            user_id=user.id,
            changes=profiles.ProfileChanges(
                name=name,
                headline="Literary translator",
                contact_email=email,
                phone="+44 117 496 0000",
                preferred="email",
                mentor_criteria={
                    key: [fields[key].find(v).id for v in values] for key, values in criteria.items()
                },
            ),
        )
        return user.id


def _mentee_looking_for(app: RunningApp, email: str, name: str, criteria: dict[str, list[str]]) -> None:
    with Session(app.engine) as db:
        fields = {f.key: f for f in load_fields(db)}
        user = auth.register(db, name=name, email=email, password=PASSWORD, role="mentee")
        wanted = {key: [fields[key].find(v).id for v in values] for key, values in criteria.items()}
        profiles.save_sought_criteria(db, actor=user, criteria=wanted)


def test_a_mentee_with_criteria_sees_three_recommendations_with_why(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    wanted = {
        "region": ["South West"],
        "languages": ["Portuguese", "Catalan"],
        "specialisms": ["Literary translation"],
    }
    best = _mentor_offering(app, unique_email("rhea"), "Rhea Recommended", wanted)
    _mentor_offering(
        app,
        unique_email("remy"),
        "Remy Second",
        {"region": ["South West"], "languages": ["Portuguese", "Catalan"]},
    )
    _mentor_offering(
        app, unique_email("rosa"), "Rosa Third", {"region": ["South West"], "languages": ["Catalan"]}
    )
    _mentor_offering(
        app, unique_email("otto"), "Otto Fourth", {"region": ["Scotland"], "languages": ["Catalan"]}
    )
    mentee_email = unique_email("recommended")
    _mentee_looking_for(app, mentee_email, "Reza Looking", wanted)

    home = _member_page(browser, app, mentee_email, PASSWORD)
    expect(home.get_by_role("heading", name="Recommended for you")).to_be_visible()
    cards = (
        home.get_by_role("list", name="Recommended for you")
        .get_by_role("listitem")
        .filter(has=home.get_by_role("heading"))
    )
    expect(cards).to_have_count(3)
    expect(cards.nth(0).get_by_role("heading")).to_have_text("Rhea Recommended")
    expect(cards.nth(1).get_by_role("heading")).to_have_text("Remy Second")
    expect(cards.nth(2).get_by_role("heading")).to_have_text("Rosa Third")
    why = home.get_by_role("list", name="Why we recommend Rhea Recommended").get_by_role("listitem")
    expect(why).to_have_text(
        [
            "Fit 100 %",
            "Region: South West",
            re.compile("^Languages: (Catalan|Portuguese)$"),
            re.compile("^Languages: "),
            "Specialisms: Literary translation",
        ]
    )
    expect(home.get_by_role("list", name="Why we recommend Rosa Third")).to_have_text(
        re.compile("Region: South West.*Languages: Catalan")
    )
    expect(home.get_by_role("link", name="See all matches")).to_have_attribute(
        "href", re.compile("/find-mentor$")
    )
    assert _violations(home) == []

    # Save mentor puts her on the shortlist, here and on Find mentor.
    home.get_by_role("button", name="Save mentor: Rhea Recommended").click()
    expect(cards.nth(0).get_by_text("Saved to your shortlist")).to_be_visible()

    cards.nth(0).get_by_role("link", name="Rhea Recommended").click()
    expect(home).to_have_url(re.compile(rf".*/members/{best}/?$"))
    expect(home.get_by_role("heading", name="Rhea Recommended")).to_be_visible()


def test_a_mentee_without_criteria_is_asked_to_add_them(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentee_email = unique_email("nocriteria")
    _mentee(app, mentee_email, "Nadia Nothing Yet")
    home = _member_page(browser, app, mentee_email, PASSWORD)
    expect(home.get_by_role("heading", name="Recommended for you")).to_be_visible()
    expect(home.get_by_role("list", name="Recommended for you")).to_have_count(0)
    expect(home.get_by_role("link", name="See all matches")).to_have_count(0)
    assert _violations(home) == []
    home.get_by_role("link", name="Add what you are looking for to get recommendations").click()
    expect(home).to_have_url(re.compile(r".*/profile#looking-for$"))
    expect(home.get_by_role("heading", name="What you are looking for in a mentor")).to_be_visible()
