"""Security headers on every kind of response, a Content-Security-Policy the real pages work under
(no violation in the console), and ids past any real range that read as "not found" (issue 11,
item 8)."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from reflex_base.utils.format import format_event_handler
from sqlmodel import Session

from mentoring_app.services.accounts import auth
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.state.profile import ProfileState
from mentoring_app.web.cookies import SESSION_COOKIE
from tests.e2e.test_dashboard import _pair
from tests.harness import RunningApp, log_in
from tests.security.upload_probe import post_upload

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
HUGE = "9" * 5000


def _request(app: RunningApp, method: str, path: str, cookie: str = "") -> http.client.HTTPResponse:
    parts = urlsplit(app.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(method, path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _assert_hardened(headers: http.client.HTTPMessage, what: str, *, document: bool = True) -> None:
    """Every header on every response; a document gets the page policy, a script, stylesheet or
    picture the strictest policy there is (web/security_headers.py)."""
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, what
    if document:
        assert "object-src 'none'" in policy, what
        script_src = policy.split("script-src", 1)[1].split(";", 1)[0]
        assert "'unsafe-inline'" not in script_src and "sha256-" in script_src, what
    else:
        assert policy == "default-src 'none'; frame-ancestors 'none'", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    assert "camera=()" in headers.get("Permissions-Policy", ""), what
    assert headers.get("Strict-Transport-Security") is None, what  # the test app runs over http


def test_headers_on_a_page_a_static_asset_and_uploads(app: RunningApp, unique_email) -> None:
    page = _request(app, "GET", "/login/")
    assert page.status == 200
    _assert_hardened(page.headers, "page")
    html = _request_text(app, "/login/")
    asset = re.search(r'"(/assets/[^"]+\.js)"', html)
    assert asset, "no script asset in the page"
    static = _request(app, "GET", asset.group(1))
    assert static.status == 200
    _assert_hardened(static.headers, "static asset", document=False)
    refused = post_upload(app.base_url, handler=format_event_handler(ProfileState.upload_photo), size=10)
    assert refused.status == 401
    with Session(app.engine, expire_on_commit=False) as db:
        email = unique_email("hdr")
        user = auth.register(db, name="Hedda Headers", email=email, password=PASSWORD, role="mentee")
        cookie = f"{SESSION_COOKIE}={auth.open_session(db, user_id=user.id)}"
    missing = _request(app, "GET", "/_upload/photo-none.jpg", cookie=cookie)
    assert missing.status == 404
    _assert_hardened(missing.headers, "uploaded file")
    upload = _request(app, "POST", "/_upload")
    _assert_hardened(upload.headers, "upload refusal")


def _request_text(app: RunningApp, path: str) -> str:
    parts = urlsplit(app.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path)
    text = connection.getresponse().read().decode()
    connection.close()
    return text


def _watch_console(page: Page) -> list[str]:
    problems: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "EvalError" in text:
            problems.append(f"{page.url}: {message.type}: {text[:300]}")

    page.on("console", seen)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: pageerror: {error}"))
    return problems


def test_pages_work_under_the_content_security_policy(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("cspm"), unique_email("cspe")
    rid = _pair(app, mentor_email, mentee_email)
    page = browser.new_context().new_page()
    problems = _watch_console(page)
    page.goto(app.url("/"))
    expect(page.get_by_role("heading", name="Mentoring for language professionals")).to_be_visible()
    # The head script ran (inline, allowed by its hash): the time zone cookie is set.
    page.wait_for_function("document.cookie.includes('mentoring_tz=')")
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    page.goto(app.url("/find-mentor"))
    expect(page.get_by_role("heading", name="Find mentor", exact=True)).to_be_visible()
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    page.get_by_role("button", name="Log out").click()  # a server-sent toast (run by eval)
    expect(page.get_by_text("You have logged out.")).to_be_visible()

    boss_email = unique_email("cspadmin")
    with Session(app.engine) as db:
        admin_service.create_admin(db, email=boss_email, password=PASSWORD, name="Cora Charts")
    log_in(page, app, email_address=boss_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url("/admin"))
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    page.wait_for_timeout(500)
    assert problems == []


def test_ids_past_any_real_range_read_as_not_found(browser: Browser, app: RunningApp, unique_email) -> None:
    log_before = app.log_path.stat().st_size
    boss_email = unique_email("bigid")
    with Session(app.engine) as db:
        admin_service.create_admin(db, email=boss_email, password=PASSWORD, name="Ida Ids")
    page = browser.new_context().new_page()
    log_in(page, app, email_address=boss_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    for digits in (HUGE, "9" * 25, str(2**63)):
        page.goto(app.url(f"/members/{digits}"))
        expect(page.get_by_role("heading", name="Member not found")).to_be_visible()
        page.goto(app.url(f"/relationships/{digits}"))
        expect(page.get_by_role("heading", name="Relationship not found")).to_be_visible()
        page.goto(app.url(f"/messages/{digits}"))
        expect(page.get_by_text("That member could not be found.")).to_be_visible()
        page.goto(app.url(f"/admin/members/{digits}"))
        expect(page.get_by_text("That member does not exist.")).to_be_visible()
    page.goto(app.url(f"/find-mentor?page={'9' * 30}"))
    expect(page.get_by_role("heading", name="Find mentor", exact=True)).to_be_visible()
    page.wait_for_timeout(1000)
    with app.log_path.open("rb") as log:
        log.seek(log_before)
        written = log.read().decode("utf-8", "replace")
    assert "Traceback" not in written and "Exception" not in written, written[-3000:]


IMMUTABLE = "public, max-age=31536000, immutable"


def test_hashed_assets_are_cached_for_a_year_and_the_rest_revalidates(app: RunningApp) -> None:
    """Build assets named by their content hash may be kept for a year; pages, un-hashed files and
    errors must be asked for again (a new build keeps their names but changes what they point at)."""
    html = _request_text(app, "/login/")
    scripts = re.findall(r'"(/assets/[^"]+\.js)"', html)
    styles = re.findall(r'"(/assets/[^"]+\.css)"', html)
    assert scripts and styles, "no hashed assets in the page"
    for path in (scripts[0], styles[0]):
        asset = _request(app, "GET", path)
        assert asset.status == 200, path
        assert asset.headers.get("Cache-Control") == IMMUTABLE, path
        _assert_hardened(asset.headers, "hashed asset", document=False)
    for path in ("/", "/login", "/login/", "/favicon.ico", "/print.css"):
        response = _request(app, "GET", path)
        assert response.status == 200, path
        assert response.headers.get("Cache-Control") == "no-cache", path
    missing = _request(app, "GET", scripts[0].replace(".js", "x.js"))
    assert missing.status == 404
    assert "immutable" not in missing.headers.get("Cache-Control", "")


def test_pages_are_served_at_their_slashless_address_without_a_redirect(app: RunningApp) -> None:
    """``/login`` answers with the page itself: a redirect to ``/login/`` cost a round trip."""
    for path, text in (("/login", "Log in"), ("/find-mentor", "Find mentor"), ("/admin/members", "Members")):
        response = _request(app, "GET", path)
        assert response.status == 200, path
        assert response.headers.get("Location") is None, path
        assert text in _request_text(app, path), path
    assert _request(app, "GET", "/no-such-page").status == 404
