"""Profiles: what members tell the platform about themselves, who may see what, and completeness.

Only the member edits their own profile. Contact details leave this module only for the member
themselves and admins (and, once mentoring requests exist, accepted partners).
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, and_, bindparam, delete, or_
from sqlmodel import Session, select

from mentoring_app.models import ContactDetails, MemberCriterion, Profile, Relationship, User
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery import importance
from mentoring_app.services.discovery.offering import sync_offer
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields, option_labels
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed

MAX_HEADLINE = 120
MAX_BIO = 2000
MAX_HELP = 2000
MAX_CAPACITY = 10
DEFAULT_CAPACITY = 2
CONTACT_METHODS = {"email": "Email", "phone": "Phone", "text": "Text message"}
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-.]+$")

Criteria = dict[str, list[int]]  # field key -> option ids


@dataclass
class ProfileChanges:
    """Everything the My profile form submits."""

    name: str = ""
    headline: str = ""
    bio: str = ""
    help_wanted: str = ""
    capacity: str = str(DEFAULT_CAPACITY)
    available: bool = True
    contact_email: str = ""
    phone: str = ""
    preferred: str = "email"
    mentor_criteria: Criteria = field(default_factory=dict)
    mentee_criteria: Criteria = field(default_factory=dict)


@dataclass(frozen=True)
class Missing:
    label: str
    needed_to_match: bool


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: tuple[Missing, ...]
    mentor_matchable: bool


@dataclass(frozen=True)
class OwnProfile:
    """The member's own profile, with their private contact details (for their eyes only)."""

    user_id: int
    name: str
    is_mentor: bool
    is_mentee: bool
    headline: str
    bio: str
    help_wanted: str
    capacity: int
    available: bool
    photo: str | None
    contact_email: str
    phone: str
    preferred: str
    mentor_criteria: Criteria
    mentee_criteria: Criteria
    completeness: Completeness


@dataclass(frozen=True)
class PublicProfile:
    """What any logged-in member may see of another: no contact details."""

    user_id: int
    name: str
    is_mentor: bool
    is_mentee: bool
    headline: str
    bio: str
    help_wanted: str
    photo: str | None
    available: bool
    has_room: bool
    member_since: datetime
    last_active: datetime | None
    # Responsiveness (mentors): the median time to answer their last requests, and how many.
    answer_hours: float | None
    answered: int
    mentor_criteria: tuple[tuple[str, tuple[str, ...]], ...]  # (field label, option labels)
    mentee_criteria: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ContactView:
    email: str
    phone: str
    preferred: str


def ensure_profile(session: Session, user: User) -> tuple[Profile, ContactDetails]:
    """The member's profile rows, created on first use (contact email starts as the account email)."""
    profile = session.get(Profile, user.id)
    if profile is None:
        profile = Profile(user_id=user.id)  # type: ignore[arg-type]
        session.add(profile)
    contact = session.get(ContactDetails, user.id)
    if contact is None:
        contact = ContactDetails(user_id=user.id, email=user.email)  # type: ignore[arg-type]
        session.add(contact)
    return profile, contact


@functools.cache
def _criteria_statement() -> Select:
    """Built once (see db.py, "prebuilt"): Home reads both sides of the member's criteria."""
    return select(MemberCriterion.option_id).where(  # type: ignore[return-value]
        MemberCriterion.user_id == bindparam("user_id"), MemberCriterion.side == bindparam("side")
    )


def _criteria(session: Session, user_id: int, side: str, fields: list[FieldSpec]) -> Criteria:
    ids = session.exec(_criteria_statement(), params={"user_id": user_id, "side": side}).all()  # type: ignore[call-overload]
    labels = option_labels(session, list(ids))
    result: Criteria = {f.key: [] for f in fields}
    for option_id in ids:
        key = labels.get(option_id, ("", ""))[0]
        result.setdefault(key, []).append(option_id)
    return result


def completeness(
    user: User, profile: Profile, mentor_criteria: Criteria, mentee_criteria: Criteria
) -> Completeness:
    """What is done and what is missing; a mentor is matchable once the required items are there."""
    checks: list[tuple[str, bool, bool]] = [  # (what to add, done, needed to be found in search)
        ("a headline", bool(profile.headline.strip()), user.is_mentor),
        ("a short biography", bool(profile.bio.strip()), False),
    ]
    if user.is_mentor:
        checks += [
            ("your region", bool(mentor_criteria.get("region")), True),
            ("at least one language", bool(mentor_criteria.get("languages")), True),
            (
                "at least one specialism or area of support",
                bool(mentor_criteria.get("specialisms") or mentor_criteria.get("areas_of_support")),
                True,
            ),
            ("room for at least one mentee (capacity)", profile.capacity >= 1, True),
            (
                "how you like to mentor (mentoring format)",
                bool(mentor_criteria.get("mentoring_format")),
                False,
            ),
        ]
    if user.is_mentee:
        checks += [
            ("what you want help with", bool(profile.help_wanted.strip()), False),
            ("at least one thing you look for in a mentor", any(mentee_criteria.values()), False),
        ]
    missing = tuple(Missing(f"Add {label}", needed) for label, done, needed in checks if not done)
    percent = round(100 * sum(1 for _, done, _ in checks if done) / len(checks))
    matchable = user.is_mentor and not any(m.needed_to_match for m in missing)
    return Completeness(percent=percent, missing=missing, mentor_matchable=matchable)


@functools.cache
def _both_sides_statement() -> Select:
    """Built once (see db.py, "prebuilt"): Home reads the member's criteria on both sides."""
    return select(MemberCriterion.side, MemberCriterion.option_id).where(  # type: ignore[return-value]
        MemberCriterion.user_id == bindparam("user_id")
    )


def _criteria_both_sides(session: Session, user_id: int, fields: list[FieldSpec]) -> dict[str, Criteria]:
    """The member's criteria on each side (as :func:`_criteria` gives one), in one statement."""
    rows = session.exec(_both_sides_statement(), params={"user_id": user_id}).all()  # type: ignore[call-overload]
    labels = option_labels(session, [option_id for _, option_id in rows])
    sides: dict[str, Criteria] = {side: {f.key: [] for f in fields} for side in (MENTOR_SIDE, MENTEE_SIDE)}
    for side, option_id in rows:
        key = labels.get(option_id, ("", ""))[0]
        sides.setdefault(side, {}).setdefault(key, []).append(option_id)
    return sides


def profile_completeness(session: Session, *, actor: User | None) -> Completeness:
    """How complete the actor's own profile is (Home's figure), as :func:`own_profile` works it out,
    in two statements and without writing anything (a member without a profile row yet has an
    empty one)."""
    user = _active(actor)
    profile = session.get(Profile, user.id) or Profile(user_id=user.id)  # type: ignore[arg-type]
    sides = _criteria_both_sides(session, user.id, load_fields(session))  # type: ignore[arg-type]
    return completeness(user, profile, sides[MENTOR_SIDE], sides[MENTEE_SIDE])


def own_profile(session: Session, *, actor: User | None) -> OwnProfile:
    """The actor's own profile, ready for the My profile form."""
    user = _active(actor)
    profile, contact = ensure_profile(session, user)
    session.flush()
    fields = load_fields(session)
    mentor = _criteria(session, user.id, MENTOR_SIDE, fields)  # type: ignore[arg-type]
    mentee = _criteria(session, user.id, MENTEE_SIDE, fields)  # type: ignore[arg-type]
    session.commit()
    return OwnProfile(
        user_id=user.id,  # type: ignore[arg-type]
        name=user.name,
        is_mentor=user.is_mentor,
        is_mentee=user.is_mentee,
        headline=profile.headline,
        bio=profile.bio,
        help_wanted=profile.help_wanted,
        capacity=profile.capacity,
        available=profile.available,
        photo=profile.photo,
        contact_email=contact.email,
        phone=contact.phone,
        preferred=contact.preferred,
        mentor_criteria=mentor,
        mentee_criteria=mentee,
        completeness=completeness(user, profile, mentor, mentee),
    )


def _active(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    return actor


def _check_text(errors: dict[str, str], key: str, value: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        errors[key] = f"Use at most {limit:,} characters (this has {len(value):,})."
    return value


def _check_phone(errors: dict[str, str], value: str) -> str:
    value = " ".join(value.split())
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE_CHARS.match(value) or not 7 <= digits <= 15:
        errors["phone"] = "Enter a phone number of 7 to 15 digits, for example +44 161 496 0000."
    return value


def _check_criteria(
    errors: dict[str, str], side: str, submitted: Criteria, fields: list[FieldSpec]
) -> list[int]:
    chosen: list[int] = []
    known = {f.key: f for f in fields}
    for key, ids in submitted.items():
        spec = known.get(key)
        if spec is None:
            errors[f"{side}__{key}"] = "This field is not in use any more."
            continue
        valid = spec.by_id
        unique = list(dict.fromkeys(ids))
        if any(option_id not in valid for option_id in unique):
            errors[f"{side}__{key}"] = f"Choose {spec.label.lower()} from the list."
            continue
        if side == MENTOR_SIDE and not spec.multiple and len(unique) > 1:
            errors[f"{side}__{key}"] = f"Choose one {spec.label.lower()}."
            continue
        chosen.extend(unique)
    return chosen


def update_profile(
    session: Session, *, actor: User | None, user_id: int, changes: ProfileChanges
) -> OwnProfile:
    """Save the My profile form, all or nothing, or say per field what is wrong."""
    user = _active(actor)
    if user.id != user_id:
        raise NotAllowed("You can only edit your own profile.")
    user = session.get(User, user_id)  # a fresh copy in this session
    if user is None:
        raise NotFound()
    errors: dict[str, str] = {}
    try:
        name = auth.clean_name(changes.name)
    except ValueError as error:
        errors["name"] = str(error)
        name = user.name
    headline = _check_text(errors, "headline", changes.headline, MAX_HEADLINE)
    bio = _check_text(errors, "bio", changes.bio, MAX_BIO)
    help_wanted = _check_text(errors, "help_wanted", changes.help_wanted, MAX_HELP)
    capacity = DEFAULT_CAPACITY
    if user.is_mentor:
        try:
            capacity = int(str(changes.capacity).strip())
            if not 0 <= capacity <= MAX_CAPACITY:
                raise ValueError
        except ValueError:
            errors["capacity"] = f"Enter a whole number from 0 to {MAX_CAPACITY}."
    contact_email = changes.contact_email.strip()
    try:
        contact_email = validate_email(contact_email, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["contact_email"] = "Enter an email address people can write to, like name@example.org."
    phone = _check_phone(errors, changes.phone)
    if changes.preferred not in CONTACT_METHODS:
        errors["preferred"] = "Choose email, phone or text message."
    elif changes.preferred in {"phone", "text"} and not phone and "phone" not in errors:
        errors["phone"] = "Add a phone number, or choose email as your preferred way to be contacted."
    fields = load_fields(session)
    mentor_ids = (
        _check_criteria(errors, MENTOR_SIDE, changes.mentor_criteria, fields) if user.is_mentor else []
    )
    mentee_ids = (
        _check_criteria(errors, MENTEE_SIDE, changes.mentee_criteria, fields) if user.is_mentee else []
    )
    if errors:
        raise ValidationFailed(errors)

    profile, contact = ensure_profile(session, user)
    user.name = name
    profile.headline = headline
    profile.bio = bio
    profile.help_wanted = help_wanted if user.is_mentee else profile.help_wanted
    if user.is_mentor:
        profile.capacity = capacity
        profile.available = bool(changes.available)
    contact.email, contact.phone, contact.preferred = contact_email, phone, changes.preferred
    for side, ids, applies in (
        (MENTOR_SIDE, mentor_ids, user.is_mentor),
        (MENTEE_SIDE, mentee_ids, user.is_mentee),
    ):
        if not applies:
            continue
        _replace_criteria(session, user.id, side, ids, fields)  # type: ignore[arg-type]
    session.flush()
    refresh_matchable(session, user, fields)
    session.add_all([user, contact])
    session.commit()
    return own_profile(session, actor=user)


def _replace_criteria(
    session: Session, user_id: int, side: str, ids: list[int], fields: list[FieldSpec]
) -> None:
    """Replace the member's choices among the options on offer. Options an admin has retired are
    not on offer, so the form cannot show them: a member who has one keeps it."""
    on_offer = [choice.id for spec in fields for choice in spec.choices]
    session.exec(
        delete(MemberCriterion).where(  # type: ignore[call-overload]
            MemberCriterion.user_id == user_id,
            MemberCriterion.side == side,
            MemberCriterion.option_id.in_(on_offer),  # type: ignore[attr-defined]
        )
    )
    session.add_all(MemberCriterion(user_id=user_id, side=side, option_id=option_id) for option_id in ids)


def search_text(*parts: str) -> str:
    """What the Find mentor keyword matches against: the parts, case-folded, on one line."""
    return " ".join(" ".join(parts).casefold().split())


def refresh_matchable(session: Session, user: User, fields: list[FieldSpec] | None = None) -> Profile:
    """Recompute whether the member can be offered as a mentor (after any change to the profile)."""
    fields = fields if fields is not None else load_fields(session)
    profile, _ = ensure_profile(session, user)
    mentor = _criteria(session, user.id, MENTOR_SIDE, fields)  # type: ignore[arg-type]
    mentee = _criteria(session, user.id, MENTEE_SIDE, fields)  # type: ignore[arg-type]
    done = completeness(user, profile, mentor, mentee)
    profile.mentor_matchable, profile.completeness = done.mentor_matchable, done.percent
    profile.search_text = search_text(user.name, profile.headline, profile.bio)
    profile.updated_at = utcnow()
    session.add(profile)
    session.flush()
    sync_offer(session, user.id)  # type: ignore[arg-type]
    return profile


def set_photo(session: Session, *, actor: User | None, filename: str | None) -> str | None:
    """Record the member's new photo file (already checked and stored); returns the old one."""
    user = _active(actor)
    profile, _ = ensure_profile(session, user)
    old, profile.photo = profile.photo, filename
    session.add(profile)
    session.commit()
    return old


def public_profile(session: Session, *, viewer: User | None, user_id: int) -> PublicProfile:
    """Another member's public profile (logged-in members only; deactivated members are hidden)."""
    _active(viewer)
    user = session.get(User, user_id)
    if user is None or not user.is_active or not (user.is_mentor or user.is_mentee):
        raise NotFound("That member could not be found.")
    # Read only: a member without a profile row yet shows an empty profile.
    profile = session.get(Profile, user.id) or Profile(user_id=user.id)  # type: ignore[arg-type]
    fields = load_fields(session)
    sides = _criteria_both_sides(session, user.id, fields)  # type: ignore[arg-type]
    grouped = {}
    for side in (MENTOR_SIDE, MENTEE_SIDE):
        criteria = sides[side]
        labels = option_labels(session, [i for ids in criteria.values() for i in ids])
        grouped[side] = tuple(
            (spec.label, tuple(labels[i][1] for i in criteria.get(spec.key, []) if i in labels))
            for spec in fields
            if criteria.get(spec.key)
        )
    waits = _answer_waits(session, user.id) if user.is_mentor else []  # type: ignore[arg-type]
    answer_hours = statistics.median(waits) if waits else None
    return PublicProfile(
        user_id=user.id,  # type: ignore[arg-type]
        name=user.name,
        is_mentor=user.is_mentor,
        is_mentee=user.is_mentee,
        headline=profile.headline,
        bio=profile.bio,
        help_wanted=profile.help_wanted if user.is_mentee else "",
        photo=profile.photo,
        available=profile.available,
        has_room=profile.capacity > 0,
        member_since=user.created_at,
        last_active=user.last_active_at,
        answer_hours=answer_hours,
        answered=len(waits),
        mentor_criteria=grouped[MENTOR_SIDE] if user.is_mentor else (),
        mentee_criteria=grouped[MENTEE_SIDE] if user.is_mentee else (),
    )


ANSWERS_COUNTED = 20


@functools.cache
def _answer_waits_statement() -> Select:
    """Built once (see db.py, "prebuilt"): every mentor's profile page reads it."""
    return (
        select(Relationship.created_at, Relationship.decided_at)  # type: ignore[return-value]
        .where(
            Relationship.mentor_id == bindparam("mentor"),
            Relationship.decided_at.is_not(None),  # type: ignore[union-attr]
            Relationship.status.in_(("accepted", "declined", "withdrawn", "ended")),  # type: ignore[attr-defined]
        )
        .order_by(Relationship.decided_at.desc())  # type: ignore[union-attr]
        .limit(ANSWERS_COUNTED)
    )


def _answer_waits(session: Session, mentor_id: int) -> list[float]:
    """Hours the mentor took to accept or decline each of their last requests (newest 20)."""
    rows = session.exec(_answer_waits_statement(), params={"mentor": mentor_id}).all()  # type: ignore[call-overload]
    return [max(0.0, (decided - asked).total_seconds() / 3600) for asked, decided in rows]


def _partners(session: Session, a: int, b: int) -> bool:
    """Whether the two members are in an accepted mentoring relationship."""
    return (
        session.exec(
            select(Relationship.id).where(
                Relationship.status == ACCEPTED,
                or_(
                    and_(Relationship.mentor_id == a, Relationship.mentee_id == b),
                    and_(Relationship.mentor_id == b, Relationship.mentee_id == a),
                ),
            )
        ).first()
        is not None
    )


def contact_details(session: Session, *, viewer: User | None, user_id: int) -> ContactView:
    """A member's contact details: for themselves, their accepted mentoring partners, and admins."""
    who = _active(viewer)
    if who.id != user_id and not who.is_admin and not _partners(session, who.id, user_id):  # type: ignore[arg-type]
        raise NotAllowed("Contact details are shared only with accepted mentoring partners.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    _, contact = ensure_profile(session, user)
    session.commit()
    return ContactView(email=contact.email, phone=contact.phone, preferred=contact.preferred)


def partner_contact(session: Session, *, partner: User) -> ContactView:
    """The contact details of a member's accepted partner, for a caller that has just checked the
    partnership itself (the dashboard's overview): read only, and as :func:`contact_details`
    shows them (the account's email until the partner sets their own)."""
    contact = session.get(ContactDetails, partner.id) or ContactDetails(
        user_id=partner.id, email=partner.email
    )  # type: ignore[arg-type]
    return ContactView(email=contact.email, phone=contact.phone, preferred=contact.preferred)


def save_sought_criteria(
    session: Session,
    *,
    actor: User | None,
    criteria: Criteria,
    exact: Iterable[str] = (),
    nice: Iterable[str] = (),
) -> int:
    """Find mentor's Save these criteria: replace what the mentee looks for, and how much each
    field weighs (``exact``: Must match, ``nice``: Nice to have, others Important); returns how
    many values. Committed before it returns, so the page says "saved" only once it is."""
    user = _active(actor)
    if not user.is_mentee:
        raise NotAllowed("Only mentees save criteria to look for a mentor.")
    errors: dict[str, str] = {}
    fields = load_fields(session)
    ids = _check_criteria(errors, MENTEE_SIDE, criteria, fields)
    if errors:
        raise ValidationFailed(errors)
    _replace_criteria(session, user.id, MENTEE_SIDE, ids, fields)  # type: ignore[arg-type]
    session.flush()
    fresh = session.get(User, user.id)
    if fresh is not None:
        profile = refresh_matchable(session, fresh)
        chosen = {key for key, values in criteria.items() if values}
        profile.sought_importance = importance.encode(set(exact) & chosen, set(nice) & chosen)
        session.add(profile)
    session.commit()
    return len(ids)
