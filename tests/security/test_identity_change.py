"""Nothing of one member outlives their log-out in the tab they used (issue 11, item 1).

Each scenario runs in ONE browser tab, as a shared computer would: a member sees private data,
logs out, the page is reloaded, the next person logs in, and the page is reloaded again. Every
websocket frame the tab receives from the log-out on is scanned for the previous member's data.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import User
from mentoring_app.services.accounts import auth
from mentoring_app.services.conversations import messaging
from mentoring_app.services.mentoring import goals
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.web import session_cookie
from tests.harness import RunningApp, log_in, seed_accepted_pair
from tests.security.test_websocket import recording_page

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
LANDING = re.compile(r".*:\d+/?$")


def _log_out_and_reload(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(LANDING)
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def _next_person_logs_in(page: Page, app: RunningApp, address: str, name: str) -> None:
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.reload()
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()


def _settled(page: Page, frames: list[str], *, quiet_ms: int = 600, timeout_ms: int = 10_000) -> None:
    """Wait until the tab has received nothing for ``quiet_ms``: what the member's last action set
    off (its delta, the header's counts, a live refresh of the tab) has all arrived."""
    waited, count = 0, -1
    while count != len(frames) and waited < timeout_ms:
        count = len(frames)
        page.wait_for_timeout(quiet_ms)
        waited += quiet_ms
    assert count == len(frames), "the tab kept receiving frames"


def _leaks(frames: list[str], secrets: list[str]) -> list[str]:
    received = "\n".join(frames).casefold()
    return [secret for secret in secrets if secret.casefold() in received]


def test_admin_data_is_gone_after_log_out_and_the_next_log_in(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    admin_email, listed_email, next_email = (
        unique_email("quorra.admin"),
        unique_email("zephyrine"),
        unique_email("ulric"),
    )
    with Session(app.engine, expire_on_commit=False) as db:
        admin_service.create_admin(db, email=admin_email, password=PASSWORD, name="Quorra Keymaster")
        listed = auth.register(
            db, name="Zephyrine Quillfeather", email=listed_email, password=PASSWORD, role="mentee"
        )
        auth.register(db, name="Ulric Nextperson", email=next_email, password=PASSWORD, role="mentee")

    page, frames = recording_page(browser.new_context())
    log_in(page, app, email_address=admin_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url("/admin/members"))
    expect(page.get_by_text(listed_email).first).to_be_visible()
    page.goto(app.url(f"/admin/members/{listed.id}"))
    expect(page.get_by_text(listed_email).first).to_be_visible()
    secrets = [admin_email, listed_email, "Zephyrine Quillfeather", "Quorra Keymaster"]
    assert _leaks(frames, secrets) == secrets, "the scan must see the data while the admin is logged in"

    seen = len(frames)
    _log_out_and_reload(page)
    assert _leaks(frames[seen:], secrets) == [], "a reload after log-out received the admin's data"
    _next_person_logs_in(page, app, next_email, "Ulric Nextperson")
    page.goto(app.url("/admin/members"))
    expect(page.get_by_text("That page is for admins only.")).to_be_visible()
    assert len(frames) > seen + 5
    assert _leaks(frames[seen:], secrets) == []


def _pair_with_private_data(app: RunningApp, unique_email) -> tuple[str, str, int, list[str]]:
    """A mentee in an accepted relationship, with a message, a goal and a request text; returns the
    mentee's email, the next person's email, the relationship id and the texts that are the pair's."""
    mentor_email, mentee_email, next_email = (
        unique_email("ottoline"),
        unique_email("perpetua"),
        unique_email("nobody"),
    )
    contact_email = unique_email("ottoline.private")
    request_text = "Help me price my first conference interpreting contract in Lyon."
    message_text = "Between us: my day rate with the agency is 412 pounds."
    goal_text = "Win three direct clients for patent translation from Japanese."
    rid, mentor_id, mentee_id = seed_accepted_pair(
        app,
        mentor_email,
        mentee_email,
        mentor_name="Ottoline Privatemind",
        mentee_name="Perpetua Confidante",
        contact_email=contact_email,
        phone="+44 161 496 0777",
        request_text=request_text,
        password=PASSWORD,
    )
    with Session(app.engine, expire_on_commit=False) as db:
        auth.register(db, name="Nora Nextperson", email=next_email, password=PASSWORD, role="mentee")
        mentor, mentee = db.get(User, mentor_id), db.get(User, mentee_id)
        messaging.send_message(db, actor=mentor, other_id=mentee.id, body=message_text)
        goals.propose_goal(
            db,
            actor=mentee,
            relationship_id=rid,
            specific=goal_text,
            measurable="Three signed contracts by the target date.",
            achievable="I can give it five hours a week alongside agency work.",
            relevant="Direct clients let me specialise in patents.",
            target_date=date.today() + timedelta(days=120),
        )
    private = [contact_email, mentor_email, mentee_email, "Ottoline Privatemind", "Perpetua Confidante"]
    private += [request_text, message_text, goal_text, "+44 161 496 0777"]
    return mentee_email, next_email, rid, private


def test_relationship_data_is_gone_after_log_out_and_the_next_log_in(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentee_email, next_email, rid, private = _pair_with_private_data(app, unique_email)
    page, frames = recording_page(browser.new_context())
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with Ottoline"))).to_be_visible()
    page.get_by_role("tab", name="Messages").click()
    expect(page.get_by_text("my day rate with the agency")).to_be_visible()
    page.goto(app.url("/requests"))
    expect(page.get_by_text("Help me price my first conference").first).to_be_visible()
    shown = _leaks(frames, private)
    assert len(shown) >= 7, f"the scan must see the pair's data while the mentee is logged in: {shown}"

    seen = len(frames)
    _log_out_and_reload(page)
    assert _leaks(frames[seen:], private) == []
    _next_person_logs_in(page, app, next_email, "Nora Nextperson")
    page.goto(app.url("/requests"))
    expect(page.get_by_role("heading", name="Requests", exact=True)).to_be_visible()
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name="Relationship not found")).to_be_visible()
    assert _leaks(frames[seen:], private) == []


def test_session_cookie_is_http_only_and_never_reaches_a_frame_or_script(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    address = unique_email("cookie")
    with Session(app.engine, expire_on_commit=False) as db:
        auth.register(db, name="Cora Cookie", email=address, password=PASSWORD, role="mentee")
    context = browser.new_context()
    page, frames = recording_page(context)
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.reload()
    expect(page.get_by_role("heading", name="Welcome, Cora Cookie")).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == session_cookie.NAME)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert len(cookie["value"]) >= 40
    assert session_cookie.NAME not in page.evaluate("document.cookie")
    assert cookie["value"] not in "\n".join(frames)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    assert [c for c in context.cookies() if c["name"] == session_cookie.NAME] == []


def test_session_cookie_routes_refuse_other_origins_and_spent_codes(app: RunningApp) -> None:
    import urllib.error
    import urllib.request

    def post(path: str, origin: str, body: str) -> tuple[int, str]:
        request = urllib.request.Request(  # noqa: S310 - the test app on loopback
            app.url(path), data=body.encode(), method="POST", headers={"Origin": origin}
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers.get("set-cookie", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("set-cookie", "")

    assert post("/_session/claim", "https://evil.example", "code=x&next=/home")[0] == 403
    assert post("/_session/logout", "https://evil.example", "")[0] == 403
    status, cookie = post("/_session/claim", app.base_url, "code=not-a-real-code&next=/home")
    assert (status, cookie) == (303, "")
    status, cookie = post("/_session/claim", app.base_url, "code=" + "x" * 5000)
    assert status == 413 and cookie == ""


def test_a_deactivated_member_s_tab_gets_nothing_back_on_reload(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    """No event of the member runs between the deactivation and the reload: the state is made the
    current member's (nobody's) before Reflex sends a reconnecting page its snapshot."""
    mentee_email, _next_email, rid, private = _pair_with_private_data(app, unique_email)
    with Session(app.engine, expire_on_commit=False) as db:
        boss = admin_service.create_admin(
            db, email=unique_email("deactivator"), password=PASSWORD, name="Dora Deactivator"
        )[0]
    page, frames = recording_page(browser.new_context())
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url(f"/relationships/{rid}"))
    page.get_by_role("tab", name="Messages").click()
    expect(page.get_by_text("my day rate with the agency")).to_be_visible()
    assert len(_leaks(frames, private)) >= 5
    # Opening Messages marks them read, and the header's counts follow a moment later: those
    # frames were decided while the member was active, so they must arrive before the count below.
    _settled(page, frames)

    with Session(app.engine, expire_on_commit=False) as db:
        mentee = db.exec(select(User).where(User.email == mentee_email)).one()
        admin_service.set_active(db, actor=boss, user_id=mentee.id, active=False)
    seen = len(frames)
    page.reload()
    expect(page).to_have_url(re.compile(r".*/login/?\?next="))
    assert len(frames) > seen
    assert _leaks(frames[seen:], private) == []
