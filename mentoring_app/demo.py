"""Demo data: a living platform for a newcomer's `make run` (idempotent, deterministic).

Four named log-ins (admin, mentor, mentee, both) plus 60 mentors and 30 mentees with realistic,
varied criteria. All demo accounts share one password, hashed once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from faker import Faker
from sqlmodel import Session, select

from mentoring_app import demo_outcomes, storage
from mentoring_app.models import MemberCriterion, MentorAvailability, Profile, Relationship, User, Visit
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.models.types import utcnow
from mentoring_app.portraits import portrait_png
from mentoring_app.services.accounts import auth
from mentoring_app.services.accounts.passwords import hash_password
from mentoring_app.services.conversations import messaging
from mentoring_app.services.discovery.profiles import ensure_profile, refresh_matchable
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields
from mentoring_app.services.mentoring import (
    agreement,
    availability,
    booking,
    checkins,
    goals,
    meetings,
    relationships,
)
from mentoring_app.services.staff import admin
from mentoring_app.services.staff import visits as visits_service

DEMO_PASSWORD = "mentoring-demo-2026"  # noqa: S105 - public demo log-in, printed by make run
NAMED_ACCOUNTS = (
    ("admin@example.org", "Alex Admin", "admin"),
    ("mentor@example.org", "Maria Mentor", "mentor"),
    ("mentee@example.org", "Sam Mentee", "mentee"),
    ("both@example.org", "Bea Both", "both"),
)
MENTORS, MENTEES = 60, 30
# Named log-ins with a generated photo (the others show their initials, as new members do).
PORTRAIT_SEEDS = {"mentor@example.org": 1001, "both@example.org": 1003}
# Working languages seen most in a UK linguists' body, weighted; English is nearly always there.
LANGUAGE_WEIGHTS = {
    "French": 10,
    "German": 9,
    "Spanish": 9,
    "Italian": 5,
    "Portuguese": 4,
    "Polish": 4,
    "Arabic": 4,
    "Chinese": 4,
    "Russian": 3,
    "Welsh": 3,
    "Urdu": 2,
    "Panjabi": 2,
    "Romanian": 2,
    "Japanese": 2,
    "Modern Greek": 1,
    "Dutch": 2,
    "Turkish": 2,
    "British Sign Language": 2,
    "Bangla": 1,
    "Persian": 1,
}
REGION_WEIGHTS = {
    "London": 12,
    "South East": 8,
    "North West": 7,
    "Scotland": 6,
    "West Midlands": 5,
    "Yorkshire and the Humber": 5,
    "East of England": 4,
    "South West": 4,
    "Wales": 4,
    "East Midlands": 3,
    "North East": 2,
    "Northern Ireland": 2,
    "Outside UK": 5,
}


@dataclass
class _Vocabulary:
    fields: dict[str, FieldSpec]

    def ids(self, key: str, labels: list[str]) -> list[int]:
        spec = self.fields[key]
        return [choice.id for label in labels if (choice := spec.find(label))]


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    chosen: list[str] = []
    while len(chosen) < k:
        pick = rng.choices(list(weights), weights=list(weights.values()))[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _criteria(rng: random.Random, vocab: _Vocabulary) -> tuple[list[int], dict[str, list[str]]]:
    labels = {
        "region": _weighted(rng, REGION_WEIGHTS, 1),
        "languages": ["English", *_weighted(rng, LANGUAGE_WEIGHTS, rng.choice([1, 1, 2, 2, 3]))],
        "specialisms": rng.sample(
            [c.label for c in vocab.fields["specialisms"].choices], rng.choice([1, 2, 2, 3])
        ),
        "areas_of_support": rng.sample(
            [c.label for c in vocab.fields["areas_of_support"].choices], rng.choice([1, 2, 3])
        ),
        "membership_grade": [rng.choice(["Associate", "Member", "Member", "Fellow"])],
        "years_experience": [rng.choice(["2 to 5", "6 to 10", "6 to 10", "11 to 20", "More than 20"])],
        "mentoring_format": rng.sample(["Online", "Phone", "In person"], rng.choice([1, 2, 3])),
    }
    ids = [i for key, values in labels.items() for i in vocab.ids(key, values)]
    return ids, labels


def _add_member(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password_hash: str,
    rng: random.Random,
    vocab: _Vocabulary,
    portrait: int | None = None,
) -> None:
    """Add one demo member; ``portrait``: the seed of their generated photo (None: no photo, so
    they show their initials)."""
    is_mentor, is_mentee = auth.ROLES[role]
    user = User(
        name=name,
        email=email,
        email_key=auth.email_key(email),
        password_hash=password_hash,
        is_mentor=is_mentor,
        is_mentee=is_mentee,
        email_verified_at=utcnow(),  # demo log-ins work at once
    )
    session.add(user)
    session.flush()
    profile, _ = ensure_profile(session, user)
    if portrait is not None:  # stored like an uploaded photo: checked, re-encoded, a random name
        profile.photo = storage.store_photo(portrait_png(portrait))
    ids, labels = _criteria(rng, vocab)
    other = next((lang for lang in labels["languages"] if lang != "English"), "English")
    speciality = labels["specialisms"][0]
    if is_mentor:
        profile.headline = f"{speciality} ({other} into English), {labels['region'][0]}"
        profile.bio = (
            f"I have worked in {speciality.lower()} for {labels['years_experience'][0].lower()} years "
            f"and enjoy helping colleagues with {labels['areas_of_support'][0].lower()}."
        )
        profile.capacity = rng.choice([1, 2, 2, 3, 4])
        profile.available = rng.random() > 0.1
        session.add_all(MemberCriterion(user_id=user.id, side=MENTOR_SIDE, option_id=i) for i in ids)  # type: ignore[arg-type]
    if is_mentee:
        sought, sought_labels = _criteria(rng, vocab)
        if not is_mentor:
            profile.headline = f"Early-career translator working from {other}"
        profile.help_wanted = (
            f"I would like support with {sought_labels['areas_of_support'][0].lower()}, ideally from someone "
            f"working in {sought_labels['specialisms'][0].lower()}."
        )
        keep = (
            set(vocab.ids("areas_of_support", sought_labels["areas_of_support"]))
            | set(vocab.ids("languages", sought_labels["languages"][1:]))
            | set(vocab.ids("specialisms", sought_labels["specialisms"][:1]))
        )
        session.add_all(
            MemberCriterion(user_id=user.id, side=MENTEE_SIDE, option_id=i)
            for i in sought
            if i in keep  # type: ignore[arg-type]
        )
    session.flush()
    refresh_matchable(session, user)


def load_demo_data(session: Session) -> list[tuple[str, str]]:
    """Create whatever demo accounts are missing; return the named log-ins as (email, role)."""
    existing = set(session.exec(select(User.email_key)).all())
    vocab = _Vocabulary({spec.key: spec for spec in load_fields(session)})
    password_hash = hash_password(DEMO_PASSWORD)
    rng = random.Random(2026)
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    for email, name, role in NAMED_ACCOUNTS:
        if email in existing:
            continue
        if role == "admin":
            admin.create_admin(session, email=email, password=DEMO_PASSWORD, name=name)
        else:
            _add_member(
                session,
                email=email,
                name=name,
                role=role,
                password_hash=password_hash,
                rng=rng,
                vocab=vocab,
                portrait=PORTRAIT_SEEDS.get(email),
            )
    for index in range(MENTORS + MENTEES):
        first, last = fake.first_name(), fake.last_name()
        email = f"{first}.{last}.{index}@example.org".lower().replace("'", "").replace(" ", "")
        if email in existing:
            continue
        role = "mentor" if index < MENTORS else "mentee"
        if index % 10 == 9:
            role = "both"
        _add_member(
            session,
            email=email,
            name=f"{first} {last}",
            role=role,
            password_hash=password_hash,
            rng=rng,
            vocab=vocab,
            portrait=index if index % 2 == 0 else None,  # half the directory has a photo
        )
    session.commit()
    _demo_availability(session, rng)
    _demo_relationship(session)
    _demo_history(session, rng)
    demo_outcomes.finished_relationships(session, rng, {e for e, _, _ in NAMED_ACCOUNTS})
    return [(email, role) for email, _, role in NAMED_ACCOUNTS]


DEMO_VISIT_MONTHS = 12
# Weekly hours the generated mentors keep (Monday first), in UK time: evenings, mornings, a mix.
DEMO_WEEKS = (
    ";".join(f"{d} 18:00-20:00" for d in (0, 2, 3)),
    ";".join(f"{d} 09:00-12:00" for d in (1, 3, 4)),
    "0 12:00-14:00;2 16:00-18:00;5 10:00-12:00",
)


def _demo_availability(session: Session, rng: random.Random) -> None:
    """Times for meetings for every generated mentor who has none yet, so a pair can book."""
    have = set(session.exec(select(MentorAvailability.mentor_id)).all())
    mentor_ids = session.exec(
        select(User.id).where(User.is_mentor, User.email.like("%@example.org"))  # type: ignore[attr-defined]
    ).all()
    for mentor_id in mentor_ids:
        if mentor_id in have or mentor_id is None:
            continue
        session.add(
            MentorAvailability(
                mentor_id=mentor_id,
                time_zone="Europe/London",
                weekly=rng.choice(DEMO_WEEKS),
                meeting_minutes=rng.choice((45, 60, 60, 90)),
                video_link="",
            )
        )
    session.commit()


def _demo_history(session: Session, rng: random.Random) -> None:
    """A year of history for the admin dashboard: the generated members joined over the past
    twelve months, and visits grew month by month (a third of them logged in). Only once."""
    if session.exec(select(Visit.id).limit(1)).first() is not None:
        return
    now = utcnow()
    members = session.exec(
        select(User).where(
            User.email.like("%@example.org"), User.email.not_in([e for e, _, _ in NAMED_ACCOUNTS])
        )  # type: ignore[attr-defined]
    ).all()
    for user in members:
        user.created_at = now - timedelta(days=rng.randint(1, 360), minutes=rng.randint(0, 1440))
        session.add(user)
    member_ids = [u.id for u in members]
    visits = []
    # Calendar months (UTC, as visit_months counts them): the twelve up to this one, whatever the
    # day. Thirty-day steps back from now spilled into a thirteenth month early in a month.
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for months_ago in range(DEMO_VISIT_MONTHS - 1, -1, -1):
        start, end = _month_start(this_month, -months_ago), _month_start(this_month, 1 - months_ago)
        seconds = (min(end, now) - start).total_seconds()
        for _ in range(rng.randint(60, 90) * (DEMO_VISIT_MONTHS - months_ago)):
            started = start + timedelta(seconds=rng.uniform(0, seconds))
            visits.append(
                Visit(
                    browser_digest=visits_service.browser_digest(secrets.token_urlsafe(24)),
                    user_id=rng.choice(member_ids) if member_ids and rng.random() < 0.35 else None,
                    started_at=started,
                    last_seen_at=started + timedelta(minutes=rng.randint(0, 25)),
                    landing_path=rng.choice(["/", "/", "/login", "/find-mentor", "/home", "/register"]),
                    page_views=rng.randint(1, 9),
                )
            )
    session.add_all(visits)
    session.commit()
    visits_service.rebuild_visit_months(session)


def _month_start(first: datetime, months: int) -> datetime:
    """The first of the month ``months`` after (or before, if negative) ``first``, a month's first."""
    index = first.year * 12 + first.month - 1 + months
    return first.replace(year=index // 12, month=index % 12 + 1)


def _demo_relationship(session: Session) -> None:
    """Sam Mentee and Maria Mentor, a few weeks in: an agreement, a goal with milestones, meetings.

    Made through the services, as members would, so the dashboard shows real data. Only once.
    """
    by_email = {u.email: u for u in session.exec(select(User).where(User.email.like("%@example.org"))).all()}
    mentor, mentee = by_email.get("mentor@example.org"), by_email.get("mentee@example.org")
    if mentor is None or mentee is None:
        return
    known = select(Relationship).where(
        Relationship.mentor_id == mentor.id, Relationship.mentee_id == mentee.id
    )
    if session.exec(known).first() is not None:
        return
    profile = session.get(Profile, mentor.id)
    if profile is not None:  # room and time for a demo mentee, whatever the random profile said
        profile.capacity, profile.available = 3, True
        session.add(profile)
        refresh_matchable(session, mentor)
        session.commit()
    now = utcnow()
    started = now - timedelta(days=24)
    rel = relationships.send_request(
        session,
        actor=mentee,
        mentor_id=mentor.id,  # type: ignore[arg-type]
        text="I am starting as a freelance legal translator (French into English) and would like help "
        "finding direct clients and setting my rates.",
        now=started - timedelta(days=2),
    )
    relationships.accept_request(session, actor=mentor, request_id=rel.id, now=started)  # type: ignore[arg-type]
    rid: int = rel.id  # type: ignore[assignment]
    messaging.send_message(
        session, actor=mentee, other_id=mentor.id, body="Thank you for accepting! Could we talk next week?"
    )
    messaging.send_message(
        session, actor=mentor, other_id=mentee.id, body="Of course. Tuesday at 6 pm on video suits me."
    )
    view = agreement.update_agreement(
        session,
        actor=mentee,
        relationship_id=rid,
        changes={
            "topics": "Our backgrounds; finding direct clients; rates; how we will work together.",
            "ground_rules": "We come prepared and give a day's notice if we must move a meeting.",
            "confidentiality": "What we discuss stays between us.",
            "meeting_frequency": "One hour online every three weeks, for six months, then we review.",
            "feedback": "Honest and specific; we check at every third meeting how it is going.",
            "practical": "Video calls; Sam sends the invitation.",
        },
        now=started + timedelta(days=2),
    )
    for member in (mentee, mentor):
        agreement.confirm_agreement(
            session, actor=member, relationship_id=rid, version=view.version, now=started + timedelta(days=3)
        )
    goal = goals.propose_goal(
        session,
        actor=mentee,
        relationship_id=rid,
        specific="Win two direct clients for legal translation from French into English.",
        measurable="Two signed contracts, each worth at least £1,000 a year.",
        achievable="I translate contracts for two agencies already and can give it four hours a week.",
        relevant="Direct clients pay better and let me specialise in commercial law.",
        target_date=(now + timedelta(days=150)).date(),
        today=(started + timedelta(days=3)).date(),
    )
    goals.set_goal_status(session, actor=mentor, relationship_id=rid, goal_id=goal.id, status="agreed")
    goals.set_goal_status(session, actor=mentee, relationship_id=rid, goal_id=goal.id, status="in_progress")
    for title, days in (
        ("Update my CV and website for law firms", 7),
        ("Write to ten commercial law firms", 30),
        ("Meet two firms", 75),
    ):
        goals.add_milestone(
            session,
            actor=mentee,
            relationship_id=rid,
            goal_id=goal.id,
            title=title,
            due_date=(started + timedelta(days=days)).date(),
        )
    first = goals.goals(session, actor=mentee, relationship_id=rid)[0].milestones[0]
    goals.set_milestone_done(session, actor=mentee, relationship_id=rid, milestone_id=first.id, done=True)
    meetings.log_meeting(
        session,
        actor=mentee,
        relationship_id=rid,
        held_on=(started + timedelta(days=7)).date(),
        duration_minutes=60,
        notes="Talked through Sam's experience and the kinds of firms to approach.",
        next_steps="Sam updates the CV; Maria shares her rate sheet.",
    )
    # Maria's times for meetings; Sam booked the first free one at least five days ahead.
    availability.save_availability(
        session,
        actor=mentor,
        time_zone="Europe/London",
        days=["", "17:00-19:00", "09:00-12:00", "17:00-19:00", "", "", ""],
        meeting_minutes="60",
        video_link="https://meet.example.org/sam-maria",
        away="",
    )
    offer = booking.picker(session, actor=mentee, relationship_id=rid)
    slot = next((s for s in offer.slots if s.starts_at >= now + timedelta(days=5)), None)
    if slot is not None:
        booking.book_meeting(
            session, actor=mentee, relationship_id=rid, starts_at=slot.starts_at, time_zone="Europe/London"
        )
    # A check-in two days ago: Maria answered (only she and the admins see it); Sam's is waiting.
    asked = now - timedelta(days=2)
    checkins.send_round(session, (rid, mentee.id, mentor.id), 1, asked)  # type: ignore[arg-type]
    checkins.answer_checkin(
        session,
        actor=mentor,
        relationship_id=rid,
        answer="4",
        note="Sam is well prepared; we still need to fix a regular time.",
        now=asked + timedelta(hours=5),
    )
