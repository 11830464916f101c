"""Find mentor in a real browser: exact Region with broad ranking, counts, the URL, saving."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
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
    search.get_by_role("button", name="Search").click()
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
    search.get_by_role("button", name="Search").click()
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


def test_notify_me_about_a_new_welsh_mentor(page: Page, app: RunningApp, unique_email) -> None:
    mentee_email = unique_email("alerted")
    with Session(app.engine) as db:
        auth.register(db, name="Nia Newport", email=mentee_email, password=PASSWORD, role="mentee")

    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(page.get_by_role("heading", name=re.compile(r"mentors? found"))).to_be_visible()
    notify = page.get_by_role("button", name="Notify me about new mentors like this")
    expect(notify).to_be_disabled()  # no Exact match yet: the hint says what to do
    expect(page.get_by_text("Tick Exact match on at least one field and search")).to_be_visible()

    search = page.get_by_role("form", name="Find mentor")
    search.get_by_role("checkbox", name="Wales", exact=True).check()
    search.get_by_role("checkbox", name="Exact match: Region").check()
    search.get_by_role("button", name="Search").click()
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
