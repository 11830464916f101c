"""What pages download: Plotly (about 300 KB compressed) reaches the admin pages with charts only
(the dashboard and Outcomes), member and public pages never fetch it, and the admin pages prove the
check can see Plotly when it is there. The code every page runs comes in one shell file
(web/shell_chunk.py), and the stylesheet keeps the rules of every Radix component a page shows and
drops those of components no page uses (web/lean_bundle.py)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser
from sqlmodel import Session

from benchmarks.page_weight import measure
from mentoring_app.services.accounts import auth
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.settings import PROJECT_ROOT
from mentoring_app.web.cookies import SESSION_COOKIE
from tests.harness import RunningApp

PASSWORD = "violet-harbour-lantern-42"


def _sessions(app: RunningApp, unique_email) -> tuple[str, str]:
    """Log-in sessions of a new mentee and a new admin."""
    with Session(app.engine, expire_on_commit=False) as db:
        mentee = auth.register(
            db, name="Sam Shell", email=unique_email("shell"), password=PASSWORD, role="mentee"
        )
        boss = admin_service.create_admin(
            db, email=unique_email("shelladmin"), password=PASSWORD, name="Ada Shell"
        )[0]
        return auth.open_session(db, user_id=mentee.id), auth.open_session(db, user_id=boss.id)


def test_plotly_reaches_the_admin_chart_pages_only(browser: Browser, app: RunningApp, unique_email) -> None:
    member_key, admin_key = _sessions(app, unique_email)

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


def test_member_pages_get_the_shell_in_one_file(browser: Browser, app: RunningApp, unique_email) -> None:
    member_key, _ = _sessions(app, unique_email)
    for page in measure(
        browser, app.base_url, ["/home", "/find-mentor"], cookie=(SESSION_COOKIE, member_key)
    ):
        shell = page.matching("/assets/shell-")
        assert len(shell) == 1, (page.path, page.scripts)
        # React, React Router, Radix Themes and Reflex's runtime, compressed: the bulk of the page.
        assert sum(shell.values()) > 0.6 * page.total, (page.path, page.scripts)
        # Before the shell: 23 scripts on Find mentor, 18 of them of 1 to 4 KB; now 10.
        assert len(page.scripts) <= 13, (page.path, sorted(page.scripts))


# Classes of the components on screen, and every component class some stylesheet rule names.
COMPONENT_CLASSES = """() => {
  const styled = new Set(), used = new Set();
  const walk = (rules) => { for (const rule of rules) {
    for (const m of (rule.selectorText || "").matchAll(/\\.(rt-[A-Z][A-Za-z]*)/g)) styled.add(m[1]);
    if (rule.cssRules) walk(rule.cssRules);
  } };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  for (const el of document.querySelectorAll("[class*='rt-']"))
    for (const c of el.classList) if (/^rt-[A-Z]/.test(c)) used.add(c);
  return {styled: [...styled], used: [...used]};
}"""
# Components no page renders: their rules must be gone (proof that the pruning works).
UNUSED = ["rt-SelectTrigger", "rt-SegmentedControlRoot", "rt-HoverCardContent", "rt-SliderRoot"]


def test_every_component_on_screen_keeps_its_styles(browser: Browser, app: RunningApp, unique_email) -> None:
    radix_css = (PROJECT_ROOT / ".web/node_modules/@radix-ui/themes/components.css").read_text()
    styled_by_radix = set(re.findall(r"\.(rt-[A-Z][A-Za-z]*)", radix_css))
    assert set(UNUSED) <= styled_by_radix
    member_key, admin_key = _sessions(app, unique_email)
    pages = {
        None: ["/", "/login", "/register"],
        member_key: ["/home", "/find-mentor", "/profile", "/account", "/messages", "/requests"],
        admin_key: ["/admin", "/admin/members", "/admin/reports"],
    }
    seen: set[str] = set()
    for key, paths in pages.items():
        context = browser.new_context()
        if key:
            context.add_cookies([{"name": SESSION_COOKIE, "value": key, "url": app.base_url}])
        page = context.new_page()
        for path in paths:
            page.goto(app.base_url + path)
            page.wait_for_load_state("networkidle")
            found = page.evaluate(COMPONENT_CLASSES)
            styled, used = set(found["styled"]), set(found["used"])
            missing = (used & styled_by_radix) - styled
            assert not missing, f"{path}: no stylesheet rule for {sorted(missing)}"
            assert not styled & set(UNUSED), f"{path}: rules kept for {sorted(styled & set(UNUSED))}"
            seen |= used & styled_by_radix
        context.close()
    # The pages showed the components the check is about (cards, buttons, text fields, badges).
    assert {"rt-Card", "rt-Button", "rt-TextFieldRoot", "rt-Badge"} <= seen, sorted(seen)
