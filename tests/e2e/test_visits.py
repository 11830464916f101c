"""Visits are counted from real browsing: one browser's arrival is one visit, whatever it opens,
and it becomes a logged-in visit when the member logs in; no address is stored, only a digest of
a random browser id."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from mentoring_app.models import PageView, User, Visit
from mentoring_app.services.accounts import auth
from mentoring_app.services.staff import visits
from tests.harness import RunningApp, log_in

PASSWORD = "violet-harbour-lantern-42"


def test_one_arrival_is_one_visit_that_knows_the_member_after_log_in(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    email = unique_email("visitor")
    with Session(app.engine) as db:
        member = auth.register(db, name="Vi Visitor", email=email, password=PASSWORD, role="mentee")
        member_id = member.id
    context = browser.new_context()
    page = context.new_page()
    page.goto(app.url("/"))
    expect(page.get_by_role("heading", name="Mentoring for language professionals")).to_be_visible()
    # The page view is counted by the page's load event, which also gives the browser its id:
    # leaving before that event is handled (a real visitor could) would count nothing.
    page.wait_for_function("document.cookie.includes('mentoring_browser=')")
    log_in(page, app, email_address=email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(page.get_by_role("heading", name="Find mentor", level=1)).to_be_visible()

    cookie = next(c for c in context.cookies() if c["name"] == "mentoring_browser")
    assert visits.BROWSER_ID.fullmatch(cookie["value"])
    digest = visits.browser_digest(cookie["value"])
    with Session(app.engine) as db:

        def load_rows() -> list[Visit]:
            return list(db.exec(select(Visit).where(Visit.browser_digest == digest)).all())

        for _ in range(50):  # page views are written in batches about a second apart: give them time
            rows = load_rows()
            if rows and rows[0].page_views >= 4:
                break
            page.wait_for_timeout(100)
            db.rollback()  # a new read: SQLite (WAL) keeps a transaction on its first snapshot
        assert len(rows) == 1
        visit = rows[0]
        assert visit.landing_path == "/" and visit.user_id == member_id and visit.page_views >= 4
        paths = [v.path for v in db.exec(select(PageView).where(PageView.visit_id == visit.id)).all()]
        assert paths[0] == "/" and "/home" in paths and "/find-mentor" in paths
        assert cookie["value"] not in {str(getattr(visit, c)) for c in Visit.model_fields}
        assert db.get(User, member_id) is not None
    context.close()
