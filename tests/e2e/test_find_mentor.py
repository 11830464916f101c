"""Find mentor in a real browser: exact Region with broad ranking, counts, the URL, saving; results
that follow the choices, paging that keeps the search, and the layouts on a desktop and a phone."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import MemberCriterion, Profile
from mentoring_app.models.profiles import MENTEE_SIDE
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.vocabulary import load_fields
from tests.harness import RunningApp, log_in

PASSWORD = "violet-harbour-lantern-42"


def _mentor(
    app: RunningApp, email: str, name: str, region: str, languages: list[str], *, available: bool = True
) -> int:
    with Session(app.engine, expire_on_commit=False) as db:
        fields = {f.key: f for f in load_fields(db)}
        user = auth.register(db, name=name, email=email, password=PASSWORD, role="mentor")
        profiles.update_profile(
            db,
            actor=user,
            user_id=user.id,
            changes=profiles.ProfileChanges(
                name=name,
                headline=f"Translator from {region}",
                contact_email=email,
                available=available,
                mentor_criteria={
                    "region": [fields["region"].find(region).id],
                    "languages": [fields["languages"].find(x).id for x in ["English", *languages]],
                    "specialisms": [fields["specialisms"].find("Legal translation").id],
                },
            ),
        )
        return user.id


def test_exact_region_with_a_language(page: Page, app: RunningApp, unique_email) -> None:
    best = _mentor(app, unique_email("best"), "Astrid Best", "North West", ["Icelandic"])
    _mentor(app, unique_email("nw"), "Nigel Northwest", "North West", [])
    _mentor(app, unique_email("london"), "Lena London", "London", ["Icelandic"])
    _mentor(app, unique_email("busy"), "Bruno Busy", "North West", ["Icelandic"], available=False)
    mentee_email = unique_email("seeker")
    with Session(app.engine) as db:
        auth.register(db, name="Sigrun Seeker", email=mentee_email, password=PASSWORD, role="mentee")

    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(page.get_by_role("heading", name=re.compile(r"mentors? found"))).to_be_visible()
    search = page.get_by_role("form", name="Find mentor")
    search.get_by_role("checkbox", name="North West").check()
    search.get_by_role("combobox", name="Languages").fill("Icelandic")
    expect(search.get_by_role("button", name="Remove Icelandic")).to_be_visible()
    search.get_by_role("checkbox", name="Exact match: Region").check()
    # No Search button: the results follow the choices.
    expect(page).to_have_url(re.compile(r".*/find-mentor/?\?.*exact=region"))

    results = page.get_by_role("list", name="Mentors, best matches first").get_by_role("listitem")
    expect(results.first).to_contain_text("Astrid Best")
    expect(results.first).to_contain_text("Matches 2 of 2 criteria")
    heading = page.get_by_role("heading", name=re.compile(r"mentors? found"))
    total = int(re.match(r"(\d+)", heading.inner_text()).group(1))
    expect(page.get_by_text(f"Region: North West leaves {total} mentor", exact=False).first).to_be_visible()
    expect(page.get_by_text(f"without it, {total + 1}.").first).to_be_visible()
    shown = results.count()
    assert shown == min(total, 20)
    lines = []
    for i in range(shown):
        item = results.nth(i)
        expect(item).to_contain_text("North West ·")
        # The text as the document holds it: off-screen cards skip rendering (content-visibility),
        # so their innerText is empty until they are scrolled to.
        lines.append(int(re.search(r"Matches (\d) of 2", item.text_content() or "").group(1)))
    assert lines == sorted(lines, reverse=True)
    expect(page.get_by_text("Lena London")).to_have_count(0)
    expect(page.get_by_text("Bruno Busy")).to_have_count(0)

    # The URL reproduces the search.
    url = page.url
    page.reload()
    expect(results.first).to_contain_text("Astrid Best")
    expect(page.get_by_role("checkbox", name="Exact match: Region")).to_be_checked()
    expect(page.get_by_role("button", name="Remove Icelandic")).to_be_visible()
    assert page.url.split("?", 1)[1] == url.split("?", 1)[1]

    # A search is one event: the URL follows it, and Back returns to the previous search.
    page.get_by_role("checkbox", name="Exact match: Region").uncheck()
    expect(page).not_to_have_url(re.compile(r".*exact=region"))
    expect(page.get_by_text("Region: North West leaves")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(re.compile(r".*/find-mentor/?\?.*exact=region"))
    expect(page.get_by_role("checkbox", name="Exact match: Region")).to_be_checked()
    expect(page.get_by_text(f"Region: North West leaves {total} mentor", exact=False).first).to_be_visible()

    page.get_by_role("button", name="Save these criteria").click()
    expect(page.get_by_text("Saved 2 criteria to your profile")).to_be_visible()
    with Session(app.engine) as db:
        from mentoring_app.models import User

        seeker = db.exec(select(User).where(User.email == mentee_email)).one()
        saved = db.exec(
            select(MemberCriterion.option_id).where(
                MemberCriterion.user_id == seeker.id, MemberCriterion.side == MENTEE_SIDE
            )
        ).all()
        fields = {f.key: f for f in load_fields(db)}
        assert set(saved) == {
            fields["region"].find("North West").id,
            fields["languages"].find("Icelandic").id,
        }
        assert db.get(Profile, best).mentor_matchable

    # A result opens the mentor's public profile.
    results.first.get_by_role("link", name="Astrid Best").click()
    expect(page.get_by_role("heading", name="Astrid Best", level=1)).to_be_visible()
    # Next time, Find mentor starts from the saved criteria.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(results.first).to_contain_text("Astrid Best")
    expect(page.get_by_role("button", name="Remove Icelandic")).to_be_visible()

    # Removing a language's chip searches again, with the rest of the criteria.
    page.get_by_role("button", name="Remove Icelandic").click()
    # Saved with Exact match on Region: it comes back with the criteria.
    expect(page).to_have_url(re.compile(r".*/find-mentor/?\?region=\d+&exact=region&page=1$"))
    expect(results.first).to_contain_text("Matches 1 of 1 criteria")


def test_notify_me_about_a_new_welsh_mentor(page: Page, app: RunningApp, unique_email) -> None:
    mentee_email = unique_email("alerted")
    with Session(app.engine) as db:
        auth.register(db, name="Nia Newport", email=mentee_email, password=PASSWORD, role="mentee")

    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(page.get_by_role("heading", name=re.compile(r"mentors? found"))).to_be_visible()
    notify = page.get_by_role("button", name="Notify me about new mentors like this")
    expect(notify).to_be_disabled()  # no Exact match yet: the hint says what to do
    expect(page.get_by_text("Tick Exact match on at least one field: then we can tell you")).to_be_visible()

    search = page.get_by_role("form", name="Find mentor")
    search.get_by_role("checkbox", name="Wales", exact=True).check()
    search.get_by_role("checkbox", name="Exact match: Region").check()
    expect(page).to_have_url(re.compile(r".*/find-mentor/?\?.*exact=region"))
    expect(notify).to_be_enabled()
    notify.click()
    expect(page.get_by_text("Alert saved.", exact=False)).to_be_visible()
    alerts = page.get_by_role("list", name="Your mentor alerts").get_by_role("listitem")
    expect(alerts).to_have_count(1)
    expect(alerts.first).to_contain_text("Region: Wales")
    expect(alerts.first).to_contain_text(re.compile(r"\d+ mentors? match(es)? now"))
    expect(alerts.first.get_by_role("button", name=re.compile("Stop this alert"))).to_be_visible()

    # A Welsh mentor completes a matchable profile: the mentee is told, in the app and by email.
    mentor_id = _mentor(app, unique_email("gwen"), "Gwen Gwynedd", "Wales", ["Welsh"])
    with Session(app.engine) as db:
        assert db.get(Profile, mentor_id).offered
    subject = "A mentor matching your alert is available: Gwen Gwynedd"
    message = app.mailbox.wait_for(mentee_email, subject)
    assert f"/members/{mentor_id}" in message.get_body(preferencelist=("plain",)).get_content()

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notifications")
    ).click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    link = page.get_by_role("link", name=subject)
    expect(link).to_have_attribute("href", re.compile(rf"/members/{mentor_id}$"))
    link.click()
    expect(page.get_by_role("heading", name="Gwen Gwynedd", level=1)).to_be_visible()

    # Stopping the alert removes it from the list.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    alerts.first.get_by_role("button", name=re.compile("Stop this alert")).click()
    expect(page.get_by_text("Alert stopped.")).to_be_visible()
    expect(page.get_by_role("list", name="Your mentor alerts")).to_have_count(0)


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
FOUND = re.compile(r"^\d+ mentors? found$")


def _scottish_mentors_and_a_mentee(app: RunningApp, unique_email, count: int = 21) -> str:
    """``count`` Scottish mentors (more than a page), and a mentee who saved Region: Scotland."""
    for n in range(count):
        _mentor(app, unique_email(f"scot{n}"), f"Scot Mentor {n:02d}", "Scotland", [])
    mentee_email = unique_email("highlands")
    with Session(app.engine) as db:
        mentee = auth.register(
            db, name="Morag Highlands", email=mentee_email, password=PASSWORD, role="mentee"
        )
        fields = {f.key: f for f in load_fields(db)}
        profiles.save_sought_criteria(
            db, actor=mentee, criteria={"region": [fields["region"].find("Scotland").id]}
        )
    return mentee_email


def _violations(page: Page) -> list[str]:
    page.wait_for_function("!document.querySelector('[data-sonner-toast]')", timeout=15_000)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
    ]


def _found(page: Page) -> int:
    heading = page.get_by_role("heading", name=FOUND)
    expect(heading).to_be_visible()
    return int(heading.inner_text().split()[0])


def test_results_follow_choices_and_paging_keeps_the_search(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentee_email = _scottish_mentors_and_a_mentee(app, unique_email)
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    results = page.get_by_role("list", name="Mentors, best matches first").get_by_role("listitem")
    expect(results.first).to_contain_text("Matches 1 of 1 criteria")
    starting = _found(page)
    assert starting > 20

    # At 1280x800 the first filter and the first result are both on the first screen.
    expect(page.get_by_role("textbox", name="Keyword")).to_be_in_viewport()
    expect(results.first).to_be_in_viewport()
    page.mouse.move(640, 790)  # off the navigation link just clicked (its hover colour is not the page's)
    assert _violations(page) == []

    # The bug: Next page on the starting list kept nothing of the search.
    page.get_by_role("button", name="Next page").click()
    expect(page).to_have_url(re.compile(r".*/find-mentor/?\?region=\d+&page=2$"))
    expect(page.get_by_text("Page 2 of", exact=False)).to_be_visible()
    expect(results.first).to_contain_text("Matches 1 of 1 criteria")
    assert _found(page) == starting
    expect(page.get_by_role("checkbox", name="Scotland")).to_be_checked()
    next_page = page.get_by_role("button", name="Next page")
    expect(next_page).to_be_focused()
    if starting <= 40:  # the last page: the button stays, and keeps the focus
        expect(next_page).to_be_disabled()

    # Ticking a criterion: the count follows without pressing anything, the URL too (page 1),
    # the live region says it, and the focus stays on the box just ticked.
    wales = page.get_by_role("form", name="Find mentor").get_by_role("checkbox", name="Wales", exact=True)
    wales.check()
    expect(page).to_have_url(re.compile(r".*region=\d+%2C\d+&page=1$"))
    expect(results.first).to_contain_text("Matches 1 of 2 criteria")
    expect(wales).to_be_focused()
    expect(wales).to_be_checked()
    status = page.get_by_role("status").filter(has_text=FOUND)
    expect(status).to_have_text(page.get_by_role("heading", name=FOUND).inner_text())
    expect(page.get_by_role("button", name="Remove Wales")).to_be_visible()

    # An exact filter: the count drops to the Scottish mentors, with what it costs.
    page.get_by_role("checkbox", name="Exact match: Region").check()
    expect(page).to_have_url(re.compile(r".*exact=region"))
    cost = re.compile(r"Region: (Scotland, Wales|Wales, Scotland) leaves")
    expect(page.get_by_text(cost).first).to_be_visible()
    expect(page.get_by_role("checkbox", name="Exact match: Region")).to_be_focused()

    # Back and Forward move through the searches.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r".*exact=region"))
    expect(page.get_by_role("checkbox", name="Exact match: Region")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Wales", exact=True)).to_be_checked()
    page.go_back()
    expect(page).to_have_url(re.compile(r".*region=\d+&page=2$"))
    expect(page.get_by_role("checkbox", name="Wales", exact=True)).not_to_be_checked()
    expect(page.get_by_text("Page 2 of", exact=False)).to_be_visible()

    # A chip's Remove unticks its box and searches again.
    page.get_by_role("button", name="Remove Scotland").click()
    expect(page).to_have_url(re.compile(r".*/find-mentor/?\?page=1$"))
    expect(page.get_by_role("checkbox", name="Scotland")).not_to_be_checked()

    # The keyword box searches on a typing pause.
    page.get_by_role("textbox", name="Keyword").fill("Mentor 07")
    expect(page).to_have_url(re.compile(r".*q=Mentor\+07"))
    expect(results.first).to_contain_text("Scot Mentor 07")

    # The skip link goes to the results; the first result is the next stop.
    page.keyboard.press("Home")
    page.get_by_role("link", name="Skip to results").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=FOUND)).to_be_focused()
    page.keyboard.press("Tab")
    expect(results.first.get_by_role("link", name="Scot Mentor 07")).to_be_focused()


def test_on_a_phone_results_come_first_and_filters_open_as_a_drawer(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentee_email = _scottish_mentors_and_a_mentee(app, unique_email, count=1)
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, app, email_address=mentee_email, password=PASSWORD, path="/login?next=/find-mentor")
    results = page.get_by_role("list", name="Mentors, best matches first").get_by_role("listitem")
    expect(results.first).to_be_in_viewport()
    expect(page.get_by_role("textbox", name="Keyword")).not_to_be_visible()

    filters = page.get_by_role("button", name="Filters (1)")
    filters.click()
    drawer = page.get_by_role("dialog", name="Filters")
    expect(drawer).to_be_visible()
    expect(drawer.get_by_role("button", name="Show results")).to_be_focused()
    # Focus stays inside the drawer.
    page.keyboard.press("Shift+Tab")
    assert drawer.evaluate("d => d.contains(document.activeElement)")
    drawer.get_by_role("checkbox", name="Wales", exact=True).check()
    expect(page.get_by_role("button", name="Filters (2)")).to_be_attached()
    expect(drawer.get_by_role("button", name="Show results")).to_be_in_viewport()
    assert _violations(page) == []
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("button", name="Filters (2)")).to_be_focused()
    expect(results.first).to_be_in_viewport()
    assert _violations(page) == []


def test_importance_reorders_explains_and_is_saved(browser: Browser, app: RunningApp, unique_email) -> None:
    """Important, Nice to have and Must match change the order and the fit as they are chosen;
    each card says why; Save these criteria keeps the importance for next time."""
    _mentor(app, unique_email("orla"), "Orla Weightly", "North West", [])
    _mentor(app, unique_email("pablo"), "Pablo Weightly", "London", ["Spanish", "French"])
    mentee_email = unique_email("weigher")
    with Session(app.engine) as db:
        auth.register(db, name="Wendy Weigher", email=mentee_email, password=PASSWORD, role="mentee")
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, app, email_address=mentee_email, password=PASSWORD, path="/login?next=/find-mentor")
    search = page.get_by_role("form", name="Find mentor")
    results = page.get_by_role("list", name="Mentors, best matches first").get_by_role("listitem")
    expect(page.get_by_text("Important counts 3, Nice to have 1", exact=False)).to_be_visible()
    search.get_by_role("textbox", name="Keyword").fill("Weightly")
    search.get_by_role("checkbox", name="North West").check()
    for language in ("Spanish", "French"):
        search.get_by_role("combobox", name="Languages").fill(language)
        expect(search.get_by_role("button", name=f"Remove {language}")).to_be_visible()
    # Everything Important (3 each): two languages (6 of 9) beat the region (3 of 9).
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("Pablo Weightly")
    expect(results.first).to_contain_text("Fit 67 % · Matches 2 of 3 criteria")
    expect(results.first).to_contain_text("Missing (important): Region: North West")
    expect(results.nth(1)).to_contain_text("Orla Weightly")
    expect(results.nth(1)).to_contain_text("Missing (important): Languages: Spanish; Languages: French")

    # Languages only Nice to have (1 each): the region (3 of 5) now comes first, at once.
    languages_weigh = search.get_by_role("group", name="Importance: Languages")
    languages_weigh.get_by_role("radio", name="Nice to have (counts 1)").check()
    expect(page).to_have_url(re.compile(r".*nice=languages"))
    expect(results.first).to_contain_text("Orla Weightly")
    expect(results.first).to_contain_text("Fit 60 %")
    expect(results.nth(1)).to_contain_text("Fit 40 %")
    expect(results.first).not_to_contain_text("Missing")  # Nice to have is not named as missing
    expect(languages_weigh.get_by_role("radio", name="Nice to have (counts 1)")).to_be_focused()

    # Region a Must match: only the mentor in the region is left.
    search.get_by_role("checkbox", name="Exact match: Region").check()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Orla Weightly")
    assert _violations(page) == []

    page.get_by_role("button", name="Save these criteria").click()
    expect(page.get_by_text("Saved 3 criteria to your profile, with how much each counts.")).to_be_visible()
    # Reloading and coming back afresh (no search in the address) both keep the importance.
    page.reload()
    expect(languages_weigh.get_by_role("radio", name="Nice to have (counts 1)")).to_be_checked()
    page.goto(app.url("/find-mentor"))
    expect(page.get_by_role("checkbox", name="Exact match: Region")).to_be_checked()
    expect(languages_weigh.get_by_role("radio", name="Nice to have (counts 1)")).to_be_checked()
    region_weighs = search.get_by_role("group", name="Importance: Region")
    expect(region_weighs.get_by_role("radio", name="Important (counts 3)")).to_be_checked()
    expect(page.get_by_role("button", name="Remove Spanish")).to_be_visible()
    # Notify me starts from the saved Must match field.
    expect(page.get_by_role("button", name="Notify me about new mentors like this")).to_be_enabled()
