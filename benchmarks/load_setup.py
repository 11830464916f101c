"""The load benchmark's world: a migrated database with the demo data plus simulated members,
and the production app serving it, in the default mode or with PostgreSQL and Redis.

Simulated members come in pairs, a mentee and a mentor already in a relationship with an agreed
goal and a milestone, so every member has a partner to message and a dashboard to work on. Their
mentors have no room left (capacity 1, taken), so Find mentor still searches the demo's mentors:
the searches cost what they cost at demo size. Each member gets a log-in session opened in the
database (the browser would get it through the log-in hand-over; one real log-in per run checks
that path separately).
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import update
from sqlmodel import Session, select

from mentoring_app.db import make_engine
from mentoring_app.demo import load_demo_data
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.models import MemberCriterion, OutboxEmail, Profile, User
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.accounts.passwords import hash_password
from mentoring_app.services.discovery.profiles import ensure_profile, refresh_matchable
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields
from mentoring_app.services.mentoring import goals, relationships
from tests.conftest import create_postgres_database, drop_postgres_database, postgres_unavailable_reason
from tests.harness import RunningApp, start_app

# A Redis database index of the benchmark's own (the tests use 13), emptied before and after.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
# Messages between partners are not limited, but a member asking others is (10 an hour): raised
# so a long run never meets a limit that a real member's pace would not reach either.
RATE_LIMITS = "message_unconnected=100000/1h"
GOAL = {
    "specific": "Win two direct clients for legal translation from French into English.",
    "measurable": "Two signed contracts, each worth at least £1,000 a year.",
    "achievable": "I translate contracts for two agencies already and can give it four hours a week.",
    "relevant": "Direct clients pay better and let me specialise in commercial law.",
}


@dataclass(frozen=True)
class SimMember:
    """One simulated member: who they are, their partner, and the key of their log-in session."""

    index: int
    user_id: int
    email: str
    password: str
    session_key: str
    is_mentee: bool
    partner_id: int
    relationship_id: int
    milestone_id: int


@dataclass(frozen=True)
class World:
    """What the simulated members can act on: themselves, and the demo's mentors to look at."""

    members: list[SimMember]
    mentor_ids: list[int]
    fields: list[FieldSpec]


def _criteria(rng: random.Random, fields: dict[str, FieldSpec], keys: tuple[str, ...]) -> list[int]:
    """One or two options of each of ``keys``, like the demo members' profiles."""
    chosen: list[int] = []
    for key in keys:
        options = [c.id for c in fields[key].choices]
        chosen += rng.sample(options, min(len(options), rng.choice([1, 1, 2])))
    return chosen


def _add_member(db: Session, index: int, role: str, fields: dict[str, FieldSpec], rng: random.Random) -> User:
    """A simulated member with a complete profile and their own password (bcrypt, the process's cost)."""
    is_mentor, is_mentee = auth.ROLES[role]
    email = f"load.{role}.{index}@bench.example.org"
    user = User(
        name=f"Load {role.title()} {index}",
        email=email,
        email_key=auth.email_key(email),
        password_hash=hash_password(password_for(index)),
        is_mentor=is_mentor,
        is_mentee=is_mentee,
    )
    if hasattr(User, "email_verified_at"):  # confirmed, as members are (absent before sign-up confirmation)
        user.email_verified_at = utcnow()
    db.add(user)
    db.flush()
    profile, _ = ensure_profile(db, user)
    profile.headline = f"Translator {index}"
    profile.bio = "A simulated member of the load benchmark."
    all_keys = tuple(fields)
    if is_mentor:
        profile.capacity, profile.available = 1, True
        ids = _criteria(rng, fields, all_keys)
        db.add_all(MemberCriterion(user_id=user.id, side=MENTOR_SIDE, option_id=i) for i in ids)  # type: ignore[arg-type]
    if is_mentee:
        profile.help_wanted = "Finding direct clients."
        ids = _criteria(rng, fields, ("region", "languages", "specialisms", "areas_of_support"))
        db.add_all(MemberCriterion(user_id=user.id, side=MENTEE_SIDE, option_id=i) for i in ids)  # type: ignore[arg-type]
    db.flush()
    refresh_matchable(db, user)
    db.commit()
    return user


def password_for(index: int) -> str:
    """Each simulated member's own password (the one real log-in of a run uses it)."""
    return f"load-member-{index}-violet-harbour"


def _pair(db: Session, mentee: User, mentor: User) -> tuple[int, int]:
    """An accepted relationship with an agreed goal and one milestone: (relationship, milestone)."""
    started = utcnow() - timedelta(days=10)
    rel = relationships.send_request(
        db,
        actor=mentee,
        mentor_id=mentor.id,
        text="I would like help finding direct clients.",
        now=started,  # type: ignore[arg-type]
    )
    relationships.accept_request(db, actor=mentor, request_id=rel.id, now=started)  # type: ignore[arg-type]
    goal = goals.propose_goal(
        db,
        actor=mentee,
        relationship_id=rel.id,  # type: ignore[arg-type]
        target_date=(utcnow() + timedelta(days=150)).date(),
        **GOAL,
    )
    goals.set_goal_status(db, actor=mentor, relationship_id=rel.id, goal_id=goal.id, status="agreed")  # type: ignore[arg-type]
    goals.add_milestone(
        db,
        actor=mentee,
        relationship_id=rel.id,  # type: ignore[arg-type]
        goal_id=goal.id,
        title="Write to ten law firms",
        due_date=(utcnow() + timedelta(days=30)).date(),
    )
    milestone = goals.goals(db, actor=mentee, relationship_id=rel.id)[0].milestones[0]  # type: ignore[arg-type]
    return rel.id, milestone.id  # type: ignore[return-value]


def _add_pair(db: Session, pair: int, fields: dict[str, FieldSpec], rng: random.Random) -> list[SimMember]:
    """Mentee ``2 * pair`` and mentor ``2 * pair + 1``, partners, each with a log-in session."""
    mentee = _add_member(db, 2 * pair, "mentee", fields, rng)
    mentor = _add_member(db, 2 * pair + 1, "mentor", fields, rng)
    rel_id, milestone_id = _pair(db, mentee, mentor)
    return [
        SimMember(
            index=index,
            user_id=user.id,  # type: ignore[arg-type]
            email=user.email,
            password=password_for(index),
            session_key=auth.open_session(db, user_id=user.id),  # type: ignore[arg-type]
            is_mentee=user.is_mentee,
            partner_id=partner.id,  # type: ignore[arg-type]
            relationship_id=rel_id,
            milestone_id=milestone_id,
        )
        for index, user, partner in ((2 * pair, mentee, mentor), (2 * pair + 1, mentor, mentee))
    ]


def populate(database_url: str, members: int) -> World:
    """Migrate, load the demo data, add ``members`` simulated members (rounded up to pairs) with
    their sessions, and mark the queued emails sent (the relay would otherwise spend the first
    seconds of the run delivering hundreds of welcome and request emails)."""
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    rng = random.Random(14)
    sims: list[SimMember] = []
    try:
        with Session(engine) as db:
            load_demo_data(db)
            specs = load_fields(db)
            fields = {spec.key: spec for spec in specs}
            for pair in range((members + 1) // 2):
                sims += _add_pair(db, pair, fields, rng)
            offered = select(Profile.user_id).where(Profile.offered).order_by(Profile.user_id)  # type: ignore[arg-type]
            mentor_ids = list(db.exec(offered).all())
            queued = update(OutboxEmail).where(OutboxEmail.sent_at.is_(None))  # type: ignore[union-attr]
            db.exec(queued.values(sent_at=utcnow()))  # type: ignore[call-overload]
            db.commit()
    finally:
        engine.dispose()
    return World(sims, mentor_ids, specs)


def services_unavailable_reason() -> str | None:
    """Why the Redis mode cannot run here (PostgreSQL or Redis unreachable), or None."""
    return postgres_unavailable_reason() or redis_unavailable_reason()


def redis_unavailable_reason() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except redis.RedisError as error:
        return f"Redis not reachable at {REDIS_URL}: {type(error).__name__}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database of the benchmark's own, dropped afterwards (as the tests do)."""
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@contextmanager
def redis_database() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def serve(tmp: Path, database_url: str, *, redis_url: str = "") -> Iterator[RunningApp]:
    """The production app on a free port (tests/harness.py's recipe), with the benchmark's limits."""
    # The mail relay and message emails at their production settings (the test harness makes
    # them quick for tests that wait for an email; a relay polling every 0.3 s in each worker
    # was a third of the database connections the benchmark measured).
    extra = {
        "RATE_LIMITS": RATE_LIMITS,
        "REDIS_URL": redis_url,
        "MAIL_RELAY_INTERVAL": "2",
        "MESSAGE_EMAIL_DELAY_SECONDS": "120",
    }
    yield from start_app(tmp, database_url=database_url, extra_env=extra)


def run_modes(args: Any, label: str, serve_and_run: Callable[..., None]) -> None:
    """Run ``serve_and_run(args, folder, database_url[, redis_url])`` in each mode of ``args.modes``:
    default (SQLite, in-process state) and redis (a PostgreSQL database and a Redis database of its
    own, skipped with the reason when either is unreachable). Shared by benchmarks/load.py and live.py."""
    modes = {m.strip() for m in args.modes.split(",")}
    if "default" in modes:
        print("\nDefault mode: SQLite, in-process state, one worker", flush=True)
        with tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as folder:
            serve_and_run(args, Path(folder), f"sqlite:///{Path(folder) / (label + '.db')}")
    if "redis" in modes:
        print("\nRedis mode: PostgreSQL + Redis, Reflex's workers", flush=True)
        reason = services_unavailable_reason()
        if reason:
            print(f"  skipped: {reason}")
            return
        with (
            tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as folder,
            postgres_database() as url,
            redis_database(),
        ):
            serve_and_run(args, Path(folder), url, REDIS_URL)
