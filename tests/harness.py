"""Browser test harness (e2e and security suites): the production build on a free port, a
SMTP server (aiosmtpd) inside the test process, and Debian's Chromium driven by Playwright.

Seeding goes through the services on the same database; the browser sees only what a person sees.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app.db import make_engine
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 300
expect.set_options(timeout=15_000)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """Every message the app's relay delivered to our SMTP server."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(self, to: str, subject_contains: str, timeout: float = 20) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in reversed(self.messages):
                    if message["To"] == to and subject_contains in message["Subject"]:
                        return message
            time.sleep(0.1)
        raise AssertionError(f"no email to {to} about {subject_contains!r}; got {self.subjects()}")

    def subjects(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(m["To"], m["Subject"]) for m in self.messages]


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def _npm_registry() -> str:
    """The registry npm is configured for, so Reflex does not probe others at first build."""
    try:
        found = subprocess.run(
            ["npm", "config", "get", "registry"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return found.stdout.strip()


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and every process it started (the frontend build, workers)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class RunningApp:
    base_url: str
    database_url: str
    engine: Engine
    mailbox: Mailbox
    log_path: Path
    env: dict[str, str]

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run an operator command against this app's database and settings."""
        return subprocess.run(
            [sys.executable, "-m", "mentoring_app.cli", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _wait_until_serving(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(base_url + "/login/", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"app did not start in {STARTUP_TIMEOUT}s:\n{log_path.read_text()[-4000:]}")


UPLOADS_ENV = "REFLEX_UPLOADED_FILES_DIR"


def uploads_folder(tmp: Path) -> Path:
    """Where the app that ``start_app(tmp)`` serves keeps uploaded files (photos, videos)."""
    return tmp / "uploads"


@contextmanager
def storing_uploads_for(tmp: Path) -> Iterator[None]:
    """Photos this process stores (demo data loaded beside the app) go where ``start_app(tmp)``'s
    app serves them from, not into the checkout's own upload folder, where that app would not
    find them."""
    previous = os.environ.get(UPLOADS_ENV)
    os.environ[UPLOADS_ENV] = str(uploads_folder(tmp))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(UPLOADS_ENV, None)
        else:
            os.environ[UPLOADS_ENV] = previous


def start_app(
    tmp: Path, *, database_url: str | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[RunningApp]:
    """Build and serve the production app; stop it afterwards."""
    database_url = database_url or f"sqlite:///{tmp / 'e2e.db'}"
    upgrade_to_head(database_url)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    port = free_port()
    base_url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "APP_URL": base_url,
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(controller.port),
        "MAIL_RELAY_INTERVAL": "0.3",
        "MESSAGE_EMAIL_DELAY_SECONDS": "0",  # tests that wait for a message email get it at once
        "MAIL_DIR": str(tmp / "mail"),
        "BCRYPT_ROUNDS": "12",
        "REDIS_URL": "",
        UPLOADS_ENV: str(uploads_folder(tmp)),
        # Reflex builds with the project's bun (installed by `make setup`), as `make run` does.
        "PATH": f"{PROJECT_ROOT / '.tools' / 'node_modules' / '.bin'}:{os.environ.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "NPM_CONFIG_REGISTRY": os.environ.get("NPM_CONFIG_REGISTRY") or _npm_registry(),
        **(extra_env or {}),
    }
    log_path = tmp / "app.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "reflex"),
                "run",
                "--env",
                "prod",
                "--backend-port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    engine = make_engine(database_url)
    try:
        _wait_until_serving(base_url, process, log_path)
        yield RunningApp(base_url, database_url, engine, mailbox, log_path, env)
    finally:
        stop_process_group(process)
        engine.dispose()
        controller.stop()


# Journeys shared by the tests: each does what a person does, by labels and visible text.


def register(page: Page, app: RunningApp, *, name: str, email_address: str, password: str, role: str) -> None:
    page.goto(app.url("/register"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("radio", name=role).check()
    page.get_by_role("form", name="Register").get_by_role("button", name="Register").click()


def register_and_confirm(
    page: Page, app: RunningApp, *, name: str, email_address: str, password: str, role: str
) -> str:
    """Register, then open the link from the confirmation email (which logs the page in and goes
    to My profile). Returns the link."""
    register(page, app, name=name, email_address=email_address, password=password, role=role)
    expect(page.get_by_role("status").filter(has_text="Check your email")).to_be_visible()
    link = confirmation_link(app.mailbox.wait_for(email_address, "Confirm your email"))
    page.goto(link)
    return link


def confirmation_link(message: EmailMessage) -> str:
    found = re.search(r"(http://\S+/verify-email\?key=\S+)", text_body(message))
    assert found, text_body(message)
    return found.group(1)


def log_in(page: Page, app: RunningApp, *, email_address: str, password: str, path: str = "/login") -> None:
    page.goto(app.url(path))
    page.get_by_label("Email").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("form", name="Log in").get_by_role("button", name="Log in").click()


SEED_PASSWORD = "violet-harbour-lantern-42"


def seed_accepted_pair(
    app: RunningApp,
    mentor_email: str,
    mentee_email: str,
    *,
    mentor_name: str = "Odile Oversight",
    mentee_name: str = "Paco Progress",
    contact_email: str | None = None,
    phone: str = "+44 161 496 0000",
    request_text: str = "I would like help to build a financial client base.",
    password: str = SEED_PASSWORD,
) -> tuple[int, int, int]:
    """A mentor (North West, French, financial translation) and a mentee whose request has been
    accepted, seeded through the services; returns (relationship id, mentor id, mentee id)."""
    from mentoring_app.services.accounts import auth
    from mentoring_app.services.discovery import profiles
    from mentoring_app.services.discovery.vocabulary import load_fields
    from mentoring_app.services.mentoring import relationships

    with Session(app.engine, expire_on_commit=False) as db:
        fields = {f.key: f for f in load_fields(db)}
        mentor = auth.register(db, name=mentor_name, email=mentor_email, password=password, role="mentor")
        profiles.update_profile(
            db,
            actor=mentor,
            user_id=mentor.id,
            changes=profiles.ProfileChanges(
                name=mentor.name,
                headline="Financial translator",
                contact_email=contact_email or mentor_email,
                phone=phone,
                mentor_criteria={
                    "region": [fields["region"].find("North West").id],
                    "languages": [fields["languages"].find("French").id],
                    "specialisms": [fields["specialisms"].find("Financial translation").id],
                },
            ),
        )
        mentee = auth.register(db, name=mentee_name, email=mentee_email, password=password, role="mentee")
        rel = relationships.send_request(db, actor=mentee, mentor_id=mentor.id, text=request_text)
        relationships.accept_request(db, actor=mentor, request_id=rel.id)
        return rel.id, mentor.id, mentee.id  # type: ignore[return-value]
