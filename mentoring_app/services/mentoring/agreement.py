"""First conversation preparation and the mentoring agreement, one per journey.

Either member writes the agreement; each confirms it, and the date of each confirmation is kept.
Editing the text after a confirmation resets both confirmations, because each side must agree to
what is now written, not to an earlier version; the edit and the reset are recorded. A
confirmation names the version it confirms, so a stale page cannot confirm text it never showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from mentoring_app.models import AgreementRecord, Journey, Relationship, User
from mentoring_app.models.journeys import AGREEMENT_FIELDS, AGREEMENT_MAX
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import notifications
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import (
    AGREEMENT_PART,
    MENTOR,
    bump,
    dashboard_path,
    latest_journey,
    member_relationship,
    open_journey,
    partner_id,
    role_of,
    writable_relationship,
)

# Why a save kept nothing: reported for the whole form, beside its Save button.
NOTHING_SAVED_KEY = "agreement"
NOTHING_TO_SAVE = (
    "Nothing was saved: the agreement is empty. Write at least one part, such as the ground rules, then save."
)
NOTHING_CHANGED = "Nothing was saved: the agreement already says exactly this."


@dataclass(frozen=True)
class AgreementField:
    key: str
    label: str
    hint: str
    needed_to_confirm: bool


# The form, in order. Preparation fields help the first conversation; the other four make the
# agreement and must be filled in before either side can confirm it.
FORM: tuple[AgreementField, ...] = (
    AgreementField(
        "topics",
        "What to cover in the first conversation",
        "Your backgrounds, what the mentee hopes for, what the mentor can offer, how you will work.",
        False,
    ),
    AgreementField(
        "questions",
        "Questions to ask each other",
        "Write the questions you each want to ask; the suggestions below are a start.",
        False,
    ),
    AgreementField(
        "ground_rules",
        "Ground rules",
        "E.g. we come prepared, we give notice if we must cancel, the mentee leads the agenda.",
        True,
    ),
    AgreementField(
        "confidentiality",
        "Confidentiality",
        "E.g. what we discuss stays between us, except where law or the code of conduct requires.",
        True,
    ),
    AgreementField(
        "meeting_frequency",
        "How often and how we meet",
        "E.g. one hour online every three weeks, for six months, then we review.",
        True,
    ),
    AgreementField(
        "feedback",
        "How we give each other feedback",
        "E.g. honestly and specifically; we check at every third meeting whether this is working.",
        True,
    ),
    AgreementField(
        "practical",
        "Practical arrangements",
        "Where and when, which video or phone tool, who sends the invitation, how to reach each other.",
        False,
    ),
)

FIRST_CONVERSATION_TOPICS: tuple[str, ...] = (
    "How each of you came into languages, and where you work now (freelance, agency, in-house, teaching).",
    "What the mentee hopes to change in the next six to twelve months, in their own words.",
    "What the mentor can offer, and what is outside their experience.",
    "How you will meet, how often, and for how long the mentoring will run before you review it.",
    "Ground rules, confidentiality and how you will give each other feedback.",
    "A first idea of one or two goals, to shape with the SMART goal tool.",
)

QUESTIONS_FOR_THE_MENTOR: tuple[str, ...] = (
    "What do you wish you had known in your first years as a linguist?",
    "How did you find your first direct clients, or your first interpreting assignments?",
    "What does a good week of work look like for you, and how do you protect it?",
    "How do you prefer to give feedback, and how should I tell you if something is not working?",
)

QUESTIONS_FOR_THE_MENTEE: tuple[str, ...] = (
    "What made you look for a mentor now?",
    "Which piece of work are you proudest of, and why?",
    "Where do you feel stuck, and what have you already tried?",
    "How will you know, in six months, that this mentoring was worth your time?",
)


@dataclass(frozen=True)
class AgreementView:
    """The current journey's agreement as the actor sees it."""

    relationship_id: int
    journey_number: int
    version: int
    values: tuple[tuple[str, str], ...]  # (field key, text), in FORM order
    updated_at: datetime | None
    mentee_confirmed_at: datetime | None
    mentor_confirmed_at: datetime | None
    confirmed_by_me: bool
    confirmed_by_partner: bool
    fully_confirmed: bool
    state: str  # "not started", "waiting for you", "waiting for your partner", "confirmed"
    can_edit: bool

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


def _state(journey: Journey | None, mine: datetime | None, theirs: datetime | None) -> str:
    if journey is None or journey.agreement_version == 0:
        return "not started"
    if mine and theirs:
        return "confirmed"
    return "waiting for your partner" if mine else "waiting for you"


def _view(rel: Relationship, journey: Journey | None, member: User) -> AgreementView:
    mentor_side = role_of(rel, member.id) == MENTOR  # type: ignore[arg-type]
    mentee_at = journey.mentee_confirmed_at if journey else None
    mentor_at = journey.mentor_confirmed_at if journey else None
    mine, theirs = (mentor_at, mentee_at) if mentor_side else (mentee_at, mentor_at)
    editable = (
        rel.status == ACCEPTED
        and rel.informal_since is None
        and (journey is None or journey.closed_at is None)
    )
    return AgreementView(
        relationship_id=rel.id,  # type: ignore[arg-type]
        journey_number=journey.number if journey else 1,
        version=journey.agreement_version if journey else 0,
        values=tuple((key, getattr(journey, key) if journey else "") for key in AGREEMENT_FIELDS),
        updated_at=journey.agreement_updated_at if journey else None,
        mentee_confirmed_at=mentee_at,
        mentor_confirmed_at=mentor_at,
        confirmed_by_me=mine is not None,
        confirmed_by_partner=theirs is not None,
        fully_confirmed=mine is not None and theirs is not None,
        state=_state(journey, mine, theirs),
        can_edit=editable,
    )


def agreement(session: Session, *, actor: User | None, relationship_id: int) -> AgreementView:
    """The latest journey's preparation notes and agreement (empty before anyone writes it)."""
    member, rel = member_relationship(session, actor, relationship_id)
    return _view(rel, latest_journey(session, rel.id), member)  # type: ignore[arg-type]


def update_agreement(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    changes: Mapping[str, str],
    now: datetime | None = None,
) -> AgreementView:
    """Save the fields given (others stay as they are). A change resets both confirmations.

    A save that changes nothing (an empty form on an empty agreement, or the same text again) is
    refused with the reason under ``NOTHING_SAVED_KEY``, and wakes no one's dashboard."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    unknown = sorted(set(changes) - set(AGREEMENT_FIELDS))
    if unknown:
        raise ValidationFailed({key: "This is not part of the agreement." for key in unknown})
    clean = {key: value.strip() for key, value in changes.items()}
    errors = {
        key: f"Use at most {AGREEMENT_MAX:,} characters (this has {len(value):,})."
        for key, value in clean.items()
        if len(value) > AGREEMENT_MAX
    }
    if errors:
        raise ValidationFailed(errors)
    bump(session, rel, now=now, part=AGREEMENT_PART)
    journey = open_journey(session, rel, now)
    changed = {key: value for key, value in clean.items() if getattr(journey, key) != value}
    if not changed:  # say why, rather than "saved" for a save that kept nothing new
        empty = not any((getattr(journey, key) or "").strip() for key in AGREEMENT_FIELDS)
        session.rollback()
        raise ValidationFailed({NOTHING_SAVED_KEY: NOTHING_TO_SAVE if empty else NOTHING_CHANGED})
    was_confirmed = journey.mentee_confirmed_at is not None or journey.mentor_confirmed_at is not None
    for key, value in changed.items():
        setattr(journey, key, value)
    journey.agreement_version += 1
    journey.agreement_updated_at, journey.agreement_updated_by = now, member.id
    journey.mentee_confirmed_at = journey.mentor_confirmed_at = None
    session.add(journey)
    session.add(
        AgreementRecord(
            journey_id=journey.id,  # type: ignore[arg-type]
            actor_id=member.id,
            action="edited",
            version=journey.agreement_version,
            confirmations_reset=was_confirmed,
            at=now,
        )
    )
    if was_confirmed:
        notifications.notify(
            session,
            user_id=partner_id(rel, member.id),  # type: ignore[arg-type]
            kind="agreement_changed",
            template="{actor} changed your mentoring agreement: please read it and confirm it again",
            actor_id=member.id,
            link=dashboard_path(rel.id),  # type: ignore[arg-type]
        )
    session.commit()
    return _view(rel, journey, member)


def confirm_agreement(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    version: int,
    now: datetime | None = None,
) -> AgreementView:
    """The actor confirms the agreement as written at ``version`` (the version their page showed)."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    bump(session, rel, now=now, part=AGREEMENT_PART)
    journey = open_journey(session, rel, now)
    if journey.agreement_version != version:
        session.rollback()
        raise ServiceError("The agreement has changed since you opened it. Read it again, then confirm.")
    missing = {
        spec.key: f"Fill in {spec.label.lower()} before confirming."
        for spec in FORM
        if spec.needed_to_confirm and not getattr(journey, spec.key).strip()
    }
    if missing:
        session.rollback()
        raise ValidationFailed(missing)
    column = "mentor_confirmed_at" if role_of(rel, member.id) == MENTOR else "mentee_confirmed_at"  # type: ignore[arg-type]
    if getattr(journey, column) is None:
        setattr(journey, column, now)
        session.add(journey)
        session.add(
            AgreementRecord(
                journey_id=journey.id,  # type: ignore[arg-type]
                actor_id=member.id,
                action="confirmed",
                version=version,
                at=now,
            )
        )
        notifications.notify(
            session,
            user_id=partner_id(rel, member.id),  # type: ignore[arg-type]
            kind="agreement_confirmed",
            template="{actor} confirmed your mentoring agreement",
            actor_id=member.id,
            link=dashboard_path(rel.id),  # type: ignore[arg-type]
        )
    session.commit()
    return _view(rel, journey, member)
