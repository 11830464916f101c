"""axe-core, run inside the page, finds no accessibility violations on the account pages."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from mentoring_app.models import User
from mentoring_app.services.accounts import auth
from tests.harness import RunningApp, log_in

PAGES = [
    ("/", "Mentoring for language professionals"),
    ("/register", "Register"),
    ("/login", "Log in"),
    ("/forgot-password", "Forgot password"),
    ("/verify-email?key=not-a-real-key", "Confirm your email address"),
    ("/no-such-page", "Page not found"),
]


def _violations(page: Page) -> list[str]:
    # Toasts fade in and out: axe measures their contrast mid-animation on a busy machine. Check the
    # page once they are gone.
    page.wait_for_function("!document.querySelector('[data-sonner-toast]')", timeout=15_000)
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_public_pages_have_no_violations(page: Page, app: RunningApp, path: str, heading: str) -> None:
    page.goto(app.url(path))
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    assert _violations(page) == []


def test_form_errors_and_member_pages_have_no_violations(page: Page, app: RunningApp, unique_email) -> None:
    page.goto(app.url("/login"))
    page.get_by_label("Email").fill(unique_email("nobody"))
    page.get_by_label("Password").fill("wrong-password-123")
    page.get_by_role("form", name="Log in").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").filter(has_text="do not match")).to_be_visible()
    assert _violations(page) == []

    address = unique_email("a11y")
    with Session(app.engine, expire_on_commit=False) as db:
        member = auth.register(
            db, name="Ada Access", email=address, password="violet-harbour-lantern-42", role="both"
        )
    log_in(page, app, email_address=address, password="violet-harbour-lantern-42")
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    assert _violations(page) == []

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="Profile completeness")).to_be_visible()
    page.get_by_label("Headline").fill("h" * 130)
    page.get_by_role("button", name="Save profile").click()
    form = page.get_by_role("form", name="My profile")
    expect(form.get_by_text("Use at most 120 characters")).to_be_visible()
    expect(page.get_by_role("alert", name="Your profile was not saved")).to_be_visible()  # the summary
    assert _violations(page) == []

    # Let the toast finish fading out: axe measures contrast mid-animation otherwise.
    expect(page.get_by_text("Your profile was not saved: check")).to_have_count(0, timeout=15_000)
    page.get_by_role("link", name="View your public profile").click()
    expect(page.get_by_role("heading", name="Ada Access", level=1)).to_be_visible()
    assert member.id and _violations(page) == []


def test_dashboard_sections_guides_and_cpd_record_have_no_violations(
    page: Page, app: RunningApp, unique_email
) -> None:
    from datetime import date, timedelta

    from mentoring_app.services.mentoring import goals
    from tests.e2e.test_dashboard import PASSWORD, _pair

    mentee_email = unique_email("a11y-mentee")
    rid = _pair(app, unique_email("a11y-mentor"), mentee_email)
    with Session(app.engine, expire_on_commit=False) as db:
        mentee = db.exec(select(User).where(User.email_key == mentee_email.lower())).one()
        goal = goals.propose_goal(
            db,
            actor=mentee,
            relationship_id=rid,
            specific="Pass the DipTrans financial paper.",
            measurable="A pass mark in the June exam.",
            achievable="I sit mock papers every month.",
            relevant="It opens financial work to me.",
            target_date=date.today() + timedelta(days=200),
        )
        goals.add_milestone(db, actor=mentee, relationship_id=rid, goal_id=goal.id, title="Two mock papers")
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    for tab in ("Details", "Messages", "Tools", "Goals", "Meetings", "Guides and videos", "Ending"):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("heading", name=tab, level=2)).to_be_visible()
        assert _violations(page) == [], tab
    page.get_by_role("tab", name="Guides and videos").click()
    page.get_by_role("link", name="whole library").click()
    expect(page.get_by_role("heading", name="Guides and videos", level=1)).to_be_visible()
    assert _violations(page) == []
    page.get_by_role("link", name="The GROW model").first.click()
    expect(page.get_by_role("heading", name="The GROW model", level=1)).to_be_visible()
    assert _violations(page) == []
    page.goto(app.url("/cpd-record"))
    expect(page.get_by_role("heading", name="CPD record", level=1)).to_be_visible()
    assert _violations(page) == []


ADMIN_PAGES = [
    ("/admin?from=2021-01&to=2021-06", "Dashboard"),
    ("/admin/outcomes?from=2021-01&to=2021-06", "Outcomes"),
    ("/admin/members", "Members"),
    ("/admin/vocabulary", "Matching fields"),
    ("/admin/library", "Guides and videos"),
    ("/admin/reports?status=all", "Reports"),
    ("/admin/audit", "Audit log"),
]


def test_admin_pages_have_no_violations(page: Page, app: RunningApp, unique_email) -> None:
    from mentoring_app.services.staff import admin as admin_service

    address = unique_email("a11y-admin")
    with Session(app.engine, expire_on_commit=False) as db:
        boss = admin_service.create_admin(
            db, email=address, password="violet-harbour-lantern-42", name="Ada Admin"
        )[0]
    log_in(page, app, email_address=address, password="violet-harbour-lantern-42")
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    for path, heading in [*ADMIN_PAGES, (f"/admin/members/{boss.id}", "Ada Admin")]:
        page.goto(app.url(path))
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        expect(page.get_by_text(re.compile(r"^Loading"))).to_have_count(0)
        if path.startswith("/admin?"):
            page.wait_for_selector("#chart-visits-per-month .js-plotly-plot")
        if path.startswith("/admin/outcomes"):
            page.wait_for_selector("#chart-net-promoter-score .js-plotly-plot")
        assert _violations(page) == [], path
        name = path.split("?")[0].strip("/").replace("/", "-")
        page.screenshot(path=str(app.log_path.parent / f"a11y-{name}.png"), full_page=True)
    page.goto(app.url("/admin/library"))
    page.get_by_role("button", name="Add a guide").click()
    page.get_by_role("button", name="Save guide").click()  # browser checks the required fields first
    page.get_by_label("Title").fill("T")
    page.get_by_label("Text (Markdown)").fill("Body")
    page.get_by_label("Address (slug)").fill("Not A Slug")
    page.get_by_role("button", name="Save guide").click()
    expect(page.get_by_text("Use lower-case letters, digits and hyphens")).to_be_visible()
    expect(page.get_by_text("Not saved: see the messages")).to_have_count(0, timeout=15_000)
    assert _violations(page) == [], "guide form with errors"
