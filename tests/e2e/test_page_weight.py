"""Plotly (about 300 KB compressed) is downloaded by the admin pages with charts only (the dashboard
and Outcomes): member and public pages never fetch it. The admin pages prove the check can see
Plotly when it is there."""

from __future__ import annotations

from playwright.sync_api import Browser
from sqlmodel import Session

from benchmarks.page_weight import measure
from mentoring_app.services.accounts import auth
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.web.cookies import SESSION_COOKIE
from tests.harness import RunningApp

PASSWORD = "violet-harbour-lantern-42"


def test_plotly_reaches_the_admin_chart_pages_only(browser: Browser, app: RunningApp, unique_email) -> None:
    with Session(app.engine, expire_on_commit=False) as db:
        mentee = auth.register(
            db, name="Wendy Weight", email=unique_email("weight"), password=PASSWORD, role="mentee"
        )
        boss = admin_service.create_admin(
            db, email=unique_email("weightadmin"), password=PASSWORD, name="Petra Plot"
        )[0]
        member_key = auth.open_session(db, user_id=mentee.id)
        admin_key = auth.open_session(db, user_id=boss.id)

    public = measure(browser, app.base_url, ["/", "/login"])
    member = measure(browser, app.base_url, ["/home", "/find-mentor"], cookie=(SESSION_COOKIE, member_key))
    for page in public + member:
        assert page.scripts, f"no scripts recorded on {page.path}"
        assert page.matching("plotly") == {}, f"{page.path} downloaded Plotly: {page.matching('plotly')}"

    charted = measure(
        browser,
        app.base_url,
        ["/admin", "/admin/outcomes"],
        cookie=(SESSION_COOKIE, admin_key),
        ready={"/admin": ".js-plotly-plot", "/admin/outcomes": ".js-plotly-plot"},
    )
    for page in charted:
        assert sum(page.matching("plotly").values()) > 100_000, (page.path, page.scripts)
