"""Demo data: a living platform for a newcomer's `make run` (idempotent, deterministic).

Four named log-ins (admin, mentor, mentee, both) plus 60 mentors and 30 mentees with realistic,
varied criteria. All demo accounts share one password, hashed once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker
from sqlmodel import Session, select

from mentoring_app.models import MemberCriterion, User
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.services import admin, auth
from mentoring_app.services.passwords import hash_password
from mentoring_app.services.profiles import ensure_profile, refresh_matchable
from mentoring_app.services.vocabulary import FieldSpec, load_fields

DEMO_PASSWORD = "mentoring-demo-2026"  # noqa: S105 - public demo log-in, printed by make run
NAMED_ACCOUNTS = (
    ("admin@example.org", "Alex Admin", "admin"),
    ("mentor@example.org", "Maria Mentor", "mentor"),
    ("mentee@example.org", "Sam Mentee", "mentee"),
    ("both@example.org", "Bea Both", "both"),
)
MENTORS, MENTEES = 60, 30
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
) -> None:
    is_mentor, is_mentee = auth.ROLES[role]
    user = User(
        name=name,
        email=email,
        email_key=auth.email_key(email),
        password_hash=password_hash,
        is_mentor=is_mentor,
        is_mentee=is_mentee,
    )
    session.add(user)
    session.flush()
    profile, _ = ensure_profile(session, user)
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
                session, email=email, name=name, role=role, password_hash=password_hash, rng=rng, vocab=vocab
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
        )
    session.commit()
    return [(email, role) for email, _, role in NAMED_ACCOUNTS]
