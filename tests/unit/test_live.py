"""The live push mechanism (mentoring_app/live): each transport carries a publication to a
listener and, after its connection is killed, reconnects and asks for a catch-up; the per-worker
registry; the waker; and publishing only what a committed transaction changed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app import live
from mentoring_app.db import make_engine
from mentoring_app.live import bus
from mentoring_app.live.transports import InProcessTransport, PostgresTransport, RedisTransport, Transport
from mentoring_app.models import Relationship, User
from mentoring_app.services.conversations import messaging
from mentoring_app.services.mentoring import goals, relationships
from tests.conftest import skip_or_fail
from tests.unit.pairs import GOAL, NOW, accepted_pair

REDIS_URL = "redis://127.0.0.1:6379/14"  # pub/sub ignores the index; each test has its own channel


def _run(coroutine: Any) -> Any:
    """``asyncio.run`` in a thread of its own: when browser tests ran first in this process,
    Playwright's sync API keeps an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Heard:
    """What a listener heard: payloads, and how many catch-ups it asked for."""

    def __init__(self) -> None:
        self.payloads: list[str] = []
        self.catch_ups = 0

    def on_message(self, payload: str) -> None:
        self.payloads.append(payload)

    def on_reconnect(self) -> None:
        self.catch_ups += 1


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def publish_until_heard(transport: Transport, heard: Heard, payload: str) -> None:
    """Publish (from a thread, as services do) until the listener hears it: a subscription takes a
    moment to be in place, and a publication before it is lost by design."""
    deadline = asyncio.get_running_loop().time() + 10
    while payload not in heard.payloads:
        assert asyncio.get_running_loop().time() < deadline, "the listener never heard it"
        with contextlib.suppress(Exception):  # the server may still be taking the connection down
            await asyncio.to_thread(transport.publish, payload)
        await asyncio.sleep(0.2)


async def exercise(transport: Transport, kill: Callable[[], int]) -> None:
    heard = Heard()
    task = asyncio.create_task(transport.listen(heard.on_message, heard.on_reconnect))
    try:
        await publish_until_heard(transport, heard, '[[[1],["message"]]]')
        assert heard.catch_ups == 0  # the first subscription is not a reconnection
        if kill is not None:
            assert await asyncio.to_thread(kill) >= 1, "no listener connection was found to kill"
            await until(lambda: heard.catch_ups == 1)
            await publish_until_heard(transport, heard, '[[[2],["request"]]]')
            assert heard.catch_ups == 1
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_in_process_transport_delivers() -> None:
    _run(exercise(InProcessTransport(), None))  # type: ignore[arg-type]


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


def test_redis_transport_delivers_and_catches_up_after_client_kill(redis_url: str) -> None:
    import redis

    transport = RedisTransport(redis_url, channel=f"mentoring_live_test:{secrets.token_hex(4)}")

    def kill() -> int:
        admin = redis.Redis.from_url(redis_url)
        ids = [c["id"] for c in admin.client_list() if c.get("name") == transport.client_name]
        for client_id in ids:
            admin.client_kill_filter(_id=client_id)
        return len(ids)

    _run(exercise(transport, kill))


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    eng = make_engine(postgres_url)
    yield eng
    eng.dispose()


def test_postgres_transport_delivers_and_catches_up_after_terminate(
    pg_engine: Engine, postgres_url: str
) -> None:
    transport = PostgresTransport(
        pg_engine, bus.libpq_dsn(postgres_url), channel=f"live_test_{secrets.token_hex(4)}"
    )

    def kill() -> int:
        with pg_engine.connect() as connection:
            killed = connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": transport.application_name},
            ).all()
        return len(killed)

    _run(exercise(transport, kill))


def test_transport_follows_the_settings() -> None:
    assert isinstance(bus.choose_transport(redis_url="", database_url="sqlite:///x.db"), InProcessTransport)
    chosen = bus.choose_transport(redis_url="redis://127.0.0.1:6379/3", database_url="postgresql://h/db")
    assert isinstance(chosen, RedisTransport) and chosen.channel == "mentoring_live:3"
    pg = bus.choose_transport(redis_url="", database_url="postgresql+psycopg://u@h:5432/db", engine=object())
    assert isinstance(pg, PostgresTransport) and pg.dsn == "postgresql://u@h:5432/db"


def test_registry_keeps_member_tabs_and_forgets_closed_ones() -> None:
    tabs = live.TabRegistry()
    tabs.open("t1", 1, "/home")
    tabs.open("t2", 1, "/messages/2")
    tabs.open("t3", 2, "/requests")
    assert {t.token for t in tabs.tabs_of([1])} == {"t1", "t2"}
    assert {t.token for t in tabs.tabs_of([1, 2, 99])} == {"t1", "t2", "t3"}
    tabs.open("t2", 2, "/notifications")  # another member logged in on that tab
    assert {t.token for t in tabs.tabs_of([1])} == {"t1"}
    assert tabs.get("t2") == live.Tab("t2", 2, "/notifications")
    tabs.close("t1")
    tabs.close("t1")  # twice is harmless
    assert tabs.tabs_of([1]) == [] and tabs.members() == 1 and len(tabs) == 2


def test_waker_wakes_only_concerned_tabs_merges_bursts_and_forgets_gone_tabs() -> None:
    async def scenario() -> None:
        tabs = live.TabRegistry()
        tabs.open("a", 1, "/home")
        tabs.open("b", 2, "/home")
        tabs.open("gone", 1, "/requests")
        calls: list[tuple[str, frozenset[str]]] = []
        gate = asyncio.Event()

        async def refresh(tab: live.Tab, topics: frozenset[str]) -> bool:
            calls.append((tab.token, topics))
            await gate.wait()
            return tab.token != "gone"

        waker = live.Waker(tabs, refresh)
        assert waker.changed({1}, {"message"}) == 2
        await asyncio.sleep(0)
        waker.changed({1}, {"notification"})  # while the first refresh runs: merged into one more
        waker.changed({1}, {"request"})
        gate.set()
        await waker.idle()
        assert sorted(calls) == sorted(
            [
                ("a", frozenset({"message"})),
                ("gone", frozenset({"message"})),
                ("a", frozenset({"notification", "request"})),
            ]
        )
        assert tabs.get("gone") is None and tabs.get("b") is not None  # b was never concerned
        calls.clear()
        assert waker.catch_up() == 2
        await waker.idle()
        assert sorted(calls) == [("a", frozenset({"*"})), ("b", frozenset({"*"}))]

    _run(scenario())


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[list[tuple[set[int], set[str]]]] = []
        self.origins: list[str] = []

    def publish(self, payload: str) -> None:
        self.sent.append([(change.members, change.topics) for change in bus.decode(payload)])
        self.origins.extend(change.origin for change in bus.decode(payload))


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    live.set_transport(rec)  # type: ignore[arg-type]
    yield rec
    live.set_transport(None)


def test_publishes_only_what_a_committed_transaction_changed(
    db: Session, make_member: Callable[..., User], recorder: Recorder
) -> None:
    mentor, mentee = make_member(role="mentor"), make_member(role="mentee")
    recorder.sent.clear()
    live.publish_after_commit(db, [mentor.id], "notification")
    db.rollback()
    db.commit()
    assert recorder.sent == []  # rolled back: nobody is woken
    rel = Relationship(mentor_id=mentor.id, mentee_id=mentee.id, status="accepted", request_text="Hello")
    db.add(rel)
    db.commit()
    recorder.sent.clear()
    messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Hello there")
    assert len(recorder.sent) == 1  # one message per transaction
    (entries,) = recorder.sent
    assert ({mentee.id, mentor.id}, {"message"}) in entries
    assert ({mentor.id}, {"notification"}) in entries
    recorder.sent.clear()
    relationships.withdraw(db, actor=mentor, relationship_id=rel.id)
    flat = [(m, t) for sent in recorder.sent for m, t in sent]
    assert ({mentor.id, mentee.id}, {"request", f"relationship:{rel.id}"}) in flat
    assert ({mentee.id}, {"notification"}) in flat


def test_the_tab_that_made_a_change_is_woken_only_for_its_header_counts() -> None:
    async def scenario() -> None:
        tabs = live.TabRegistry()
        tabs.open("mine", 1, "/relationships/5")
        tabs.open("my-other-tab", 1, "/home")
        tabs.open("partner", 2, "/relationships/5")
        calls: list[tuple[str, frozenset[str]]] = []

        async def refresh(tab: live.Tab, topics: frozenset[str]) -> bool:
            calls.append((tab.token, topics))
            return True

        waker = live.Waker(tabs, refresh)
        assert waker.changed({1, 2}, {"message", "relationship:5:goals"}, "mine") == 2
        await waker.idle()
        assert sorted(calls) == [
            ("my-other-tab", frozenset({"message", "relationship:5:goals"})),
            ("partner", frozenset({"message", "relationship:5:goals"})),
        ]
        calls.clear()
        waker.changed({1}, {"read", "notification"}, "mine")  # it read something: counts change
        await waker.idle()
        assert sorted(calls) == [
            ("mine", frozenset({"read"})),
            ("my-other-tab", frozenset({"read", "notification"})),
        ]

    _run(scenario())


def test_a_change_names_the_tab_it_came_from_and_the_dashboard_part(
    db: Session, make_member: Callable[..., User], recorder: Recorder
) -> None:
    mentor, mentee, rel = accepted_pair(db, make_member)
    recorder.sent.clear()
    recorder.origins.clear()
    token = live.ORIGIN.set("tab-of-the-mentee")
    try:
        goals.propose_goal(db, actor=mentee, relationship_id=rel.id, **GOAL, now=NOW)
    finally:
        live.ORIGIN.reset(token)
    flat = [(m, t) for sent in recorder.sent for m, t in sent]
    assert ({mentor.id, mentee.id}, {f"relationship:{rel.id}:goals"}) in flat
    assert set(recorder.origins) == {"tab-of-the-mentee"}
    recorder.sent.clear()
    recorder.origins.clear()
    messaging.send_message(db, actor=mentor, other_id=mentee.id, body="Outside any tab")
    assert recorder.origins and set(recorder.origins) == {""}


def test_relationship_topics_say_which_parts_changed() -> None:
    assert live.relationship_topic(5) == "relationship:5"
    assert live.relationship_topic(5, "goals") == "relationship:5:goals"
    assert live.relationship_parts({"message"}, 5) is None
    assert live.relationship_parts({"relationship:55:goals", "relationship:6"}, 5) is None
    both = {"relationship:5:goals", "relationship:5:meetings"}
    assert live.relationship_parts(both, 5) == {"goals", "meetings"}
    assert live.relationship_parts({"relationship:5:goals", "relationship:5"}, 5) == frozenset()  # everything
    assert bus.decode("not json") == [] and bus.decode("[[[1]]]") == []
    assert bus.decode('[[[1],["read"]]]') == [bus.Change({1}, {"read"}, "")]  # before origins existed


def test_a_failing_transport_never_fails_the_action(
    db: Session, make_member: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        name = "broken"

        def publish(self, payload: str) -> None:
            raise ConnectionError("Redis is down")

    mentor, mentee = make_member(role="mentor"), make_member(role="mentee")
    db.add(Relationship(mentor_id=mentor.id, mentee_id=mentee.id, status="accepted", request_text="Hi"))
    db.commit()
    live.set_transport(Broken())  # type: ignore[arg-type]
    try:
        message = messaging.send_message(db, actor=mentee, other_id=mentor.id, body="Still sent")
    finally:
        live.set_transport(None)
    assert message.id and "Could not publish a live update" in caplog.text
