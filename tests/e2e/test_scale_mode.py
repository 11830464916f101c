"""The at-scale configuration: PostgreSQL for data, Redis for state, several backend workers.

Runs its own production build (in its own build folder) against a fresh PostgreSQL database and
a Redis database of its own, and walks a member through two tabs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from mentoring_app.models import User
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    postgres_unavailable_reason,
    skip_or_fail,
)
from tests.harness import RunningApp, log_in, register_and_confirm, start_app

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database index of the tests' own, emptied before and after
PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")


def _redis_unavailable_reason() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except redis.RedisError as error:
        return f"Redis not reachable at {REDIS_URL}: {type(error).__name__}"


@pytest.fixture(scope="module")
def scaled_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    reason = postgres_unavailable_reason() or _redis_unavailable_reason()
    if reason:
        skip_or_fail(reason)
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    database_url = create_postgres_database()
    tmp = tmp_path_factory.mktemp("scaled")
    try:
        yield from start_app(
            tmp,
            database_url=database_url,
            extra_env={"REDIS_URL": REDIS_URL, "REFLEX_WEB_WORKDIR": str(tmp / "web")},
        )
    finally:
        drop_postgres_database(database_url)
        client.flushdb()


def test_member_journey_across_tabs_with_postgres_and_redis(
    browser: Browser, scaled_app: RunningApp, unique_email
) -> None:
    app = scaled_app
    address = unique_email("scaled")
    context = browser.new_context()
    first = context.new_page()
    register_and_confirm(
        first, app, name="Petra Postgres", email_address=address, password=PASSWORD, role="Both"
    )
    expect(first).to_have_url(re.compile(r".*/profile/?$"))
    second = context.new_page()
    second.goto(app.url("/home"))
    expect(second.get_by_role("heading", name="Welcome, Petra Postgres")).to_be_visible()
    with Session(app.engine) as db:
        assert db.exec(select(User).where(User.email == address)).one().is_mentor
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0, "state was not kept in Redis"

    second.get_by_role("button", name="Log out").click()
    expect(second.get_by_text("You have logged out.")).to_be_visible()
    first.reload()
    expect(first).to_have_url(re.compile(r".*/login/?\?next="))
    log_in(first, app, email_address=address, password=PASSWORD)
    expect(first).to_have_url(HOME)
    context.close()


def _redis_holds(text: str) -> list[bytes]:
    """The Redis keys whose value contains ``text`` (Reflex keeps each tab's states there)."""
    client = redis.Redis.from_url(REDIS_URL)
    needle = text.encode()
    return [
        key
        for key in client.scan_iter(count=1000)
        if client.type(key) == b"string" and needle in (client.get(key) or b"")
    ]


# A worker holding a tab's lease writes its state to Redis within half the lock expiry (5 s).
LEASE_FLUSH_SECONDS = 12


def _redis_holds_within(text: str, *, present: bool) -> list[bytes]:
    """The keys holding ``text`` once Redis agrees with ``present`` (or the deadline passes)."""
    deadline = time.monotonic() + LEASE_FLUSH_SECONDS
    while bool(keys := _redis_holds(text)) != present and time.monotonic() < deadline:
        time.sleep(0.25)
    return keys


def test_log_out_leaves_nothing_of_the_member_in_redis(
    browser: Browser, scaled_app: RunningApp, unique_email
) -> None:
    app = scaled_app
    address = unique_email("redis.leaver")
    name = "Rosalind Redisleaver"
    page = browser.new_context().new_page()
    register_and_confirm(page, app, name=name, email_address=address, password=PASSWORD, role="Mentee")
    expect(page).to_have_url(re.compile(r".*/profile/?$"))
    page.goto(app.url("/account"))
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    assert _redis_holds_within(name, present=True), "the member's state never reached Redis"

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    # Once the worker's lease has written the reset states back, nothing of the member is left.
    assert _redis_holds_within(name, present=False) == []
    assert _redis_holds(address) == []
