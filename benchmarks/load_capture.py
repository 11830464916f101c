"""Print what a real browser sends and receives over the websocket for each action the load
benchmark replays (log in, Home, Find mentor and a criteria change, a profile, the dashboard,
a milestone, a message), so the replay in benchmarks/load_protocol.py can be checked against it
when Reflex or the pages change.

Run with `.venv/bin/python -m benchmarks.load_capture` (about a minute: one production build).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, WebSocket, expect, sync_playwright

from benchmarks.load_setup import populate, serve
from tests.harness import CHROMIUM, CHROMIUM_ARGS, storing_uploads_for


class FrameLog:
    """Every websocket frame and session request, with the time since the start and its size."""

    def __init__(self, width: int) -> None:
        self.start = time.perf_counter()
        self.width = width

    def line(self, tag: str, payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else repr(payload)
        elapsed = (time.perf_counter() - self.start) * 1000
        shown = text if len(text) <= self.width else text[: self.width] + " ..."
        print(f"{elapsed:8.0f} ms {tag} {len(text):6d} B  {shown}")

    def attach(self, page: Page) -> None:
        def on_socket(socket: WebSocket) -> None:
            self.line("OPEN", socket.url)
            socket.on("framesent", lambda payload: self.line(">>", payload))
            socket.on("framereceived", lambda payload: self.line("<<", payload))

        page.on("websocket", on_socket)
        page.on(
            "request",
            lambda request: (
                request.url.find("/_session/") > 0
                and self.line("HTTP", f"{request.method} {request.url} {request.post_data}")
            ),
        )
        page.on(
            "response",
            lambda response: (
                response.url.find("/_session/") > 0
                and self.line("HTTP", f"{response.status} {response.headers.get('set-cookie', '')[:40]}")
            ),
        )


def step(title: str) -> None:
    print(f"\n==== {title}")


def journey(page: Page, base_url: str, email: str, password: str, partner: str) -> None:
    """What a mentee does in the load mix, by labels, waiting for what each action shows."""
    main_nav = page.get_by_role("navigation", name="Main")
    step("log in (websocket event, then the hand-over POST, then a full page load)")
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("form", name="Log in").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    expect(page.get_by_role("link", name=partner)).to_be_visible()
    time.sleep(1)
    step("Find mentor (client-side navigation)")
    main_nav.get_by_role("link", name="Find mentor").click()
    expect(page.get_by_role("heading", name=re.compile(r"mentors? found"))).to_be_visible()
    time.sleep(1)
    step("criteria change: tick a region, Search")
    form = page.get_by_role("form", name="Find mentor")
    form.get_by_role("group", name="Region").get_by_role("checkbox").first.check()
    form.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r".*page=1"))
    time.sleep(1.5)
    step("open a mentor's profile")
    page.get_by_role("list", name="Mentors, best matches first").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    time.sleep(1)
    step("Home")
    main_nav.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("link", name=partner)).to_be_visible()
    time.sleep(1)
    step("relationship dashboard")
    page.get_by_role("link", name=partner).click()
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    time.sleep(1)
    step("Goals tab, tick the milestone")
    page.get_by_role("tab", name="Goals").click()
    page.get_by_role("checkbox", name=re.compile("Done: ")).first.click()
    time.sleep(1.5)
    step("Messages tab, send a message")
    page.get_by_role("tab", name="Messages").click()
    page.get_by_label("Your message").fill("Hello from the capture.")
    page.get_by_role("button", name="Send message").click()
    time.sleep(1.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=400, help="characters of each frame to print")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="load-capture-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'capture.db'}"
        with storing_uploads_for(Path(tmp)):
            world = populate(database_url, 2)
        mentee = world.members[0]
        partner = f"Load Mentor {world.members[1].index}"
        app = serve(Path(tmp), database_url)
        running = next(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context().new_page()
                FrameLog(args.width).attach(page)
                journey(page, running.base_url, mentee.email, mentee.password, partner)
                browser.close()
        finally:
            app.close()


if __name__ == "__main__":
    main()
