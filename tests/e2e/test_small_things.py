"""Small things a member notices (issue 13, part 6), in a real browser: the header on one line at
1280 px and a Menu button on a phone; a refused profile save that says where and moves focus
there; links in messages (http and https only); a milestone's checkbox beside its title on a
phone; an empty agreement that says why nothing was saved; buttons with space between them; a long
conversation's earlier messages, read back on the Messages page and the dashboard."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from mentoring_app.models import Message, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.conversations import messaging
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.mentoring import goals, relationships
from mentoring_app.services.staff import admin as admin_service
from tests.e2e.test_accessibility import _violations
from tests.harness import SEED_PASSWORD, RunningApp, log_in, seed_accepted_pair

HOME = re.compile(r".*/home/?$")
PROFILE = re.compile(r".*/profile/?$")
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
LONG_NAME = "Maximiliana Featherstonehaugh-Ramsbottom"

# Pairs of visible buttons in the page's main region that touch (less than 4 px apart, side by
# side or one above the other): buttons that sit together must have space between them. The
# dashboard's tabs are one control (a tab bar) and sit together by design.
TOUCHING_BUTTONS = """() => {
  const shown = (e) => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  const buttons = [...document.querySelectorAll('main button:not([role=tab]), main [role=button]')]
    .filter(shown);
  const touching = [];
  for (const a of buttons) for (const b of buttons) {
    if (a === b || a.contains(b) || b.contains(a)) continue;
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    const rows = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 4;
    const columns = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 4;
    const across = rb.left - ra.right, down = rb.top - ra.bottom;
    if ((rows && across > -1 && across < 4) || (columns && down > -1 && down < 4))
      touching.push([a.textContent.trim(), b.textContent.trim()]);
  }
  return touching;
}"""


def _busiest_member(app: RunningApp, address: str, asker_address: str) -> None:
    """The longest header there is: an admin who is mentor and mentee, with a long name, a request
    waiting, an unread message and unread notifications."""
    with Session(app.engine, expire_on_commit=False) as db:
        fields = {f.key: f for f in load_fields(db)}
        boss = admin_service.create_admin(
            db, email="boss." + address, password=SEED_PASSWORD, name="Bea Boss"
        )[0]
        member = auth.register(db, name=LONG_NAME, email=address, password=SEED_PASSWORD, role="both")
        admin_service.set_admin(db, actor=boss, user_id=member.id, is_admin=True)
        profiles.update_profile(
            db,
            actor=member,
            user_id=member.id,
            changes=profiles.ProfileChanges(
                name=LONG_NAME,
                headline="Legal translator",
                contact_email=address,
                phone="+44 20 7946 0000",
                mentor_criteria={  # complete enough to match, so a mentee may ask
                    "region": [fields["region"].find("London").id],
                    "languages": [fields["languages"].find("German").id],
                    "specialisms": [fields["specialisms"].find("Legal translation").id],
                },
            ),
        )
        asker = auth.register(
            db, name="Ana Asker", email=asker_address, password=SEED_PASSWORD, role="mentee"
        )
        relationships.send_request(db, actor=asker, mentor_id=member.id, text="Could you help me start out?")
        messaging.send_message(db, actor=asker, other_id=member.id, body="Hello, a question first.")


def test_the_header_is_one_line_at_1280px_and_a_menu_button_on_a_phone(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    address = unique_email("busiest")
    _busiest_member(app, address, unique_email("asker"))

    wide = browser.new_context(viewport=DESKTOP).new_page()
    log_in(wide, app, email_address=address, password=SEED_PASSWORD)
    expect(wide).to_have_url(HOME)
    nav = wide.get_by_role("navigation", name="Main")
    items = [
        nav.get_by_role("link", name="Mentoring: home"),
        nav.get_by_role("link", name="Home", exact=True),
        nav.get_by_role("link", name="Find mentor"),
        nav.get_by_role("link", name="Requests, 1 waiting"),
        nav.get_by_role("link", name="Messages, 1 unread"),
        nav.get_by_role("link", name="My profile"),
        nav.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread$")),
        nav.get_by_role("link", name="Account"),
        nav.get_by_role("link", name="Admin"),
        nav.get_by_label("Logged in as").filter(visible=True),  # the Menu holds a hidden copy
        nav.get_by_role("button", name="Log out"),
    ]
    for item in items:
        expect(item).to_be_visible()
    expect(nav.get_by_role("button", name=re.compile("^Menu"))).to_be_hidden()
    boxes = [item.bounding_box() for item in items]
    assert all(boxes)
    middles = [b["y"] + b["height"] / 2 for b in boxes]  # type: ignore[index]
    assert max(middles) - min(middles) < 8, f"the header's items are not on one line: {middles}"
    header = nav.bounding_box()
    assert header and header["height"] < 50, header  # one row (two would be 70 px or more)
    assert max(b["x"] + b["width"] for b in boxes) <= DESKTOP["width"]  # type: ignore[index]
    assert wide.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert _violations(wide) == []

    phone = browser.new_context(viewport=PHONE).new_page()
    log_in(phone, app, email_address=address, password=SEED_PASSWORD)
    expect(phone).to_have_url(HOME)
    nav = phone.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name=re.compile(r"^Menu, \d+ new$"))
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="My profile")).to_be_hidden()
    header = nav.bounding_box()
    assert header and header["height"] < 50, header
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The keyboard opens it; the same links are there, with their counts; Escape closes it.
    menu.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ("Requests, 1 waiting", "Messages, 1 unread", "Find mentor", "Account", "Admin"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread$"))).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    assert _violations(phone) == []  # axe, with the Menu open
    menu.focus()
    phone.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_focused()
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_hidden()

    # A tap opens it too, a link in it goes there, and the next page's Menu starts closed.
    menu.click()
    nav.get_by_role("link", name="My profile").click()
    expect(phone).to_have_url(PROFILE)
    expect(phone.get_by_role("heading", name="Profile completeness")).to_be_visible()
    expect(nav.get_by_role("button", name=re.compile("^Menu"))).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Account")).to_be_hidden()


def test_a_refused_profile_save_says_where_and_moves_focus_there(
    page: Page, app: RunningApp, unique_email
) -> None:
    address = unique_email("focus")
    with Session(app.engine) as db:
        auth.register(db, name="Fran Focus", email=address, password=SEED_PASSWORD, role="mentor")
    log_in(page, app, email_address=address, password=SEED_PASSWORD)
    expect(page).to_have_url(HOME)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="Profile completeness")).to_be_visible()
    page.get_by_label("Phone number").fill("call me")
    page.get_by_label("Capacity (mentees at once)").fill("12")
    page.get_by_label("Headline").focus()  # focus is elsewhere when the member saves
    page.get_by_role("button", name="Save profile").click()

    summary = page.get_by_role("alert", name="Your profile was not saved")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Capacity (mentees at once)", "Phone number"])
    expect(summary).to_contain_text("Capacity (mentees at once): Enter a whole number from 0 to 10.")
    expect(summary).to_contain_text("Phone number: Enter a phone number of 7 to 15 digits")
    expect(page.get_by_label("Capacity (mentees at once)")).to_be_focused()  # the first, in page order
    expect(
        page.get_by_text("Your profile was not saved: check Capacity (mentees at once) and Phone number.")
    ).to_be_visible()
    form = page.get_by_role("form", name="My profile")
    expect(form.get_by_text("Enter a whole number from 0 to 10.")).to_be_visible()  # beside the field
    expect(page.get_by_label("Phone number")).to_have_value("call me")  # nothing typed is lost

    summary.get_by_role("link", name="Phone number").click()
    expect(page.get_by_label("Phone number")).to_be_focused()
    page.get_by_label("Phone number").fill("+44 161 496 0000")
    page.get_by_label("Capacity (mentees at once)").fill("3")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(summary).to_have_count(0)


def test_links_in_messages_are_clickable_for_http_and_https_only(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("linkmentor"), unique_email("linkmentee")
    rid, mentor_id, mentee_id = seed_accepted_pair(app, mentor_email, mentee_email)
    body = (
        "Slides: https://example.org/deck?x=1&y=2. Not this: javascript:alert(document.title) "
        "nor <b>bold</b> nor data:text/html,hi"
    )
    with Session(app.engine) as db:
        messaging.send_message(db, actor=db.get(User, mentee_id), other_id=mentor_id, body=body)

    page = browser.new_context().new_page()
    log_in(page, app, email_address=mentor_email, password=SEED_PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url(f"/messages/{mentee_id}"))
    thread = page.get_by_role("list", name="Messages, oldest first")
    link = thread.get_by_role("link", name="https://example.org/deck?x=1&y=2")
    expect(link).to_have_attribute("href", "https://example.org/deck?x=1&y=2")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(link).to_have_attribute("target", "_blank")
    expect(thread.get_by_role("link")).to_have_count(1)  # javascript: and data: stay text
    expect(thread).to_contain_text("Not this: javascript:alert(document.title) nor <b>bold</b> nor data:")
    expect(thread.get_by_text("Slides: ")).to_be_visible()

    # The same message on the relationship dashboard.
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    page.get_by_role("tab", name="Messages").click()
    messages = page.get_by_role("list", name="Messages, oldest first")
    expect(messages.get_by_role("link", name="https://example.org/deck?x=1&y=2")).to_have_attribute(
        "rel", "noopener noreferrer nofollow"
    )
    expect(messages.get_by_role("link")).to_have_count(1)


def test_a_long_conversation_shows_its_earlier_messages_on_request(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    """A thread opens with its latest messages (messaging.LATEST); Show earlier messages reads
    back the ones before, on the Messages page and in the dashboard, until there are no more."""
    mentor_email, mentee_email = unique_email("longmentor"), unique_email("longmentee")
    rid, mentor_id, mentee_id = seed_accepted_pair(app, mentor_email, mentee_email)
    total = messaging.LATEST + 5
    with Session(app.engine) as db:
        first = messaging.send_message(
            db, actor=db.get(User, mentee_id), other_id=mentor_id, body="Message 0"
        )
        start = utcnow()
        for n in range(1, total):
            db.add(
                Message(
                    thread_id=first.thread_id,
                    sender_id=mentee_id if n % 2 == 0 else mentor_id,
                    body=f"Message {n}",
                    created_at=start + timedelta(seconds=n),
                    read_at=start,
                )
            )
        db.commit()

    page = browser.new_context().new_page()
    log_in(page, app, email_address=mentor_email, password=SEED_PASSWORD)
    expect(page).to_have_url(HOME)

    def check_earlier(region: Page) -> None:
        latest = region.get_by_role("list", name="Messages, oldest first")
        expect(latest.get_by_text("Message 5", exact=True)).to_be_visible()
        expect(latest.get_by_text(f"Message {total - 1}", exact=True)).to_be_visible()
        expect(region.get_by_text("Message 4", exact=True)).to_have_count(0)
        region.get_by_role("button", name="Show earlier messages").click()
        earlier = region.get_by_role("list", name="Earlier messages, oldest first")
        expect(earlier.get_by_role("listitem")).to_have_count(5)
        expect(earlier.get_by_role("listitem").first).to_contain_text("Message 0")
        expect(earlier.get_by_role("listitem").last).to_contain_text("Message 4")
        expect(region.get_by_role("button", name="Show earlier messages")).to_have_count(0)

    page.goto(app.url(f"/messages/{mentee_id}"))
    check_earlier(page)
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    page.get_by_role("tab", name="Messages").click()
    check_earlier(page)


LONG_MILESTONE = "Send a tailored introduction letter to three law firms in Manchester and Liverpool"


def test_on_a_phone_a_milestone_checkbox_stays_beside_its_title_and_buttons_have_space(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("milementor"), unique_email("milementee")
    rid, _, mentee_id = seed_accepted_pair(app, mentor_email, mentee_email)
    with Session(app.engine) as db:
        mentee = db.get(User, mentee_id)
        goal = goals.propose_goal(
            db,
            actor=mentee,
            relationship_id=rid,
            specific="Win two direct financial clients this year.",
            measurable="Two signed contracts by the target date.",
            achievable="I already work for two agencies on annual reports.",
            relevant="Direct clients let me specialise in finance.",
            target_date=date.today() + timedelta(days=120),
        )
        goals.add_milestone(db, actor=mentee, relationship_id=rid, goal_id=goal.id, title=LONG_MILESTONE)

    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, app, email_address=mentee_email, password=SEED_PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()

    # Tools: saving an empty agreement says why nothing was saved.
    page.get_by_role("tab", name="Tools").click()
    page.get_by_role("button", name="Save the agreement").click()
    expect(page.get_by_text("Nothing was saved: the agreement is empty.")).to_be_visible()
    assert page.evaluate(TOUCHING_BUTTONS) == []

    page.get_by_role("tab", name="Goals").click()
    checkbox = page.get_by_role("checkbox", name="Done: " + LONG_MILESTONE)
    title = page.get_by_text(LONG_MILESTONE, exact=True)
    expect(checkbox).to_be_visible()
    box, text = checkbox.bounding_box(), title.bounding_box()
    assert box and text
    assert text["height"] > 30, "the title should wrap on a phone, or this test shows nothing"
    assert box["x"] + box["width"] <= text["x"], (box, text)  # beside it, on its left
    assert text["y"] - 8 <= box["y"] <= text["y"] + 12, (box, text)  # level with its first line
    assert page.evaluate(TOUCHING_BUTTONS) == []
    checkbox.click()
    expect(checkbox).to_be_checked()

    page.get_by_role("tab", name="Meetings").click()
    expect(page.get_by_role("heading", name="Planned")).to_be_visible()
    assert page.evaluate(TOUCHING_BUTTONS) == []
