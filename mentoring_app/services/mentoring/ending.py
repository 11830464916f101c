"""Bringing a journey or the relationship to a good close.

Each side writes a short reflection on the latest journey (editable while the relationship is
accepted). Then either side chooses one of three closes, and the other side is told:

- **End the relationship**: accepted -> ended, recorded like every transition; the open journey
  closes, planned meetings are cancelled, the mentor's capacity is freed; email and in-app.
- **Continue informally**: the relationship stays accepted (contact details, messages and
  meetings go on) but the journey closes; its goals stay as they stood, read-only. No new goals
  until the pair start a new journey.
- **Set new goals and start a new journey**: the current journey closes (its goals keep their
  status, read-only, on record) and journey n+1 opens with a fresh agreement.

Reflections are not required before closing: a partner who has gone quiet must not block the
other. The page shows whether each side has written one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from mentoring_app.models import Journey, Reflection, Relationship, User
from mentoring_app.models.journeys import CLOSED_ENDED, CLOSED_INFORMAL, CLOSED_NEW_JOURNEY
from mentoring_app.models.relationships import ACCEPTED, ENDED
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import notifications
from mentoring_app.services.discovery.offering import sync_offer
from mentoring_app.services.errors import NotAllowed, ServiceError, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import (
    ENDING_PART,
    bump,
    dashboard_path,
    journeys,
    latest_journey,
    member_relationship,
    open_journey,
    partner_id,
    wind_down,
    writable_relationship,
)
from mentoring_app.services.mentoring.relationships import _record, _tell, _transition
from mentoring_app.services.mentoring.status import is_informal, status_label

MAX_REFLECTION = 3000

ENDING_TIPS: tuple[str, ...] = (
    "Look back together at the goals you set: what was achieved, what changed, what you learnt.",
    "Name one thing each of you will keep doing after the mentoring ends.",
    "Say thank you, specifically: what made a difference, and when.",
    "Agree what happens next: a clean end, informal contact now and then, or a new set of goals.",
    "Write your reflection while it is fresh: it helps your CPD record as well as your partner.",
    "End on a planned last meeting rather than letting the relationship fade away.",
)


@dataclass(frozen=True)
class ReflectionView:
    author_id: int
    author_name: str
    mine: bool
    text: str
    written_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class EarlierJourney:
    """A closed journey's reflections, kept readable once the pair have moved on to the next one."""

    number: int
    started_at: datetime
    closed_at: datetime | None
    reflections: tuple[ReflectionView, ...]  # the actor's first


@dataclass(frozen=True)
class EndingView:
    relationship_id: int
    journey_number: int
    my_reflection: ReflectionView | None
    partner_reflection: ReflectionView | None
    informal_since: datetime | None  # only while the relationship is accepted and informal
    status_label: str  # status.status_label, as every other screen says it
    can_write: bool
    can_end: bool
    can_continue_informally: bool
    can_start_new_journey: bool
    earlier: tuple[EarlierJourney, ...] = ()  # journeys before the latest, latest first
    tips: tuple[str, ...] = ENDING_TIPS


def _reflections_by_journey(
    session: Session, journey_ids: list[int], member: User
) -> dict[int, list[ReflectionView]]:
    """Each journey's reflections, the actor's first; one query for all the journeys."""
    found: dict[int, list[ReflectionView]] = {j: [] for j in journey_ids}
    if not journey_ids:
        return found
    rows = session.exec(
        select(Reflection, User.name)
        .join(User, Reflection.author_id == User.id)  # type: ignore[arg-type]
        .where(Reflection.journey_id.in_(journey_ids))  # type: ignore[attr-defined]
        .order_by(Reflection.id)  # type: ignore[arg-type]
    ).all()
    for r, name in rows:
        found[r.journey_id].append(
            ReflectionView(r.author_id, name, r.author_id == member.id, r.text, r.written_at, r.updated_at)
        )
    for views in found.values():
        views.sort(key=lambda v: not v.mine)
    return found


def ending(session: Session, *, actor: User | None, relationship_id: int) -> EndingView:
    """The Ending section: tips, both reflections on the latest journey, the earlier journeys'
    reflections (read-only, so a new journey hides nothing), and the choices open now."""
    member, rel = member_relationship(session, actor, relationship_id)
    found_journeys = journeys(session, rel.id)  # type: ignore[arg-type]
    journey = found_journeys[-1] if found_journeys else None
    by_journey = _reflections_by_journey(session, [j.id for j in found_journeys], member)  # type: ignore[misc]
    latest = by_journey.get(journey.id, []) if journey else []  # type: ignore[arg-type]
    live = rel.status == ACCEPTED
    return EndingView(
        relationship_id=rel.id,  # type: ignore[arg-type]
        journey_number=journey.number if journey else 1,
        my_reflection=next((v for v in latest if v.mine), None),
        partner_reflection=next((v for v in latest if not v.mine), None),
        informal_since=rel.informal_since if is_informal(rel.status, rel.informal_since) else None,
        status_label=status_label(rel.status, rel.informal_since),
        earlier=tuple(
            EarlierJourney(j.number, j.started_at, j.closed_at, tuple(by_journey[j.id]))  # type: ignore[index]
            for j in reversed(found_journeys[:-1])
        ),
        can_write=live,
        can_end=live,
        can_continue_informally=live and rel.informal_since is None,
        can_start_new_journey=live,
    )


def write_reflection(
    session: Session, *, actor: User | None, relationship_id: int, text: str, now: datetime | None = None
) -> ReflectionView:
    """Write or rewrite the actor's reflection on the latest journey."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": "Write a few sentences: what went well, what you learnt, what next."})
    if len(text) > MAX_REFLECTION:
        raise ValidationFailed(
            {"text": f"Use at most {MAX_REFLECTION:,} characters (this has {len(text):,})."}
        )
    bump(session, rel, now=now, part=ENDING_PART)
    journey = latest_journey(session, rel.id) if rel.informal_since else None  # type: ignore[arg-type]
    journey = journey or open_journey(session, rel, now)
    row = session.exec(
        select(Reflection).where(Reflection.journey_id == journey.id, Reflection.author_id == member.id)
    ).first()
    if row is None:
        row = Reflection(
            journey_id=journey.id, author_id=member.id, text=text, written_at=now, updated_at=now
        )  # type: ignore[arg-type]
    else:
        row.text, row.updated_at = text, now
    session.add(row)
    session.commit()
    return ReflectionView(member.id, member.name, True, row.text, row.written_at, row.updated_at)  # type: ignore[arg-type]


def _close_open_journey(session: Session, rel: Relationship, reason: str, now: datetime) -> Journey | None:
    journey = latest_journey(session, rel.id)  # type: ignore[arg-type]
    if journey is None or journey.closed_at is not None:
        return journey
    journey.closed_at, journey.closed_reason = now, reason
    session.add(journey)
    session.flush()  # before any new journey: the database allows one open journey only
    return journey


def _notify_partner(
    session: Session, rel: Relationship, member: User, kind: str, template: str, **params: str
) -> None:
    """Tell the partner; ``template`` names the member as ``{actor}`` (named when read)."""
    notifications.notify(
        session,
        user_id=partner_id(rel, member.id),  # type: ignore[arg-type]
        kind=kind,
        template=template,
        actor_id=member.id,
        params=params,
        link=dashboard_path(rel.id),  # type: ignore[arg-type]
    )


def end_relationship(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """End the relationship well: it becomes read-only, on record; the partner is emailed and told."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    reason = reason.strip()
    if len(reason) > 1000:
        raise ValidationFailed({"reason": "Use at most 1,000 characters."})
    bump(session, rel, now=now)
    wind_down(session, rel, reason=CLOSED_ENDED, now=now)
    _transition(
        session,
        rel,
        before=ACCEPTED,
        after=ENDED,
        actor_id=member.id,
        now=now,
        ended_at=now,
        end_reason=reason or None,
    )
    sync_offer(session, rel.mentor_id)
    other = session.get(User, partner_id(rel, member.id))  # type: ignore[arg-type]
    if other is not None:
        paragraphs = [
            f"{member.name} has ended your mentoring relationship. Thank you for the time you gave it.",
            "Your goals, meetings and reflections stay on your relationship page and in your CPD record.",
        ]
        if reason:
            paragraphs.insert(1, f"They wrote: {reason}")
        _tell(
            session,
            other,
            kind="relationship_ended",
            subject="{actor} ended your mentoring relationship",
            about=member,
            paragraphs=paragraphs,
            link_text="Open your relationship page",
            path=dashboard_path(rel.id),  # type: ignore[arg-type]
        )
    session.commit()


def continue_informally(
    session: Session, *, actor: User | None, relationship_id: int, now: datetime | None = None
) -> None:
    """Close the journey (goals stay as they stood, read-only) and keep in touch without goals."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    if rel.informal_since is not None:
        raise ServiceError("You are already continuing informally.")
    bump(session, rel, now=now)
    open_journey(session, rel, now)  # journey 1 exists even if the pair never wrote anything
    _close_open_journey(session, rel, CLOSED_INFORMAL, now)
    result = session.exec(
        update(Relationship)  # type: ignore[call-overload]
        .where(Relationship.id == rel.id, Relationship.informal_since.is_(None))  # type: ignore[union-attr]
        .values(informal_since=now, updated_at=now)
    )
    if result.rowcount != 1:
        session.rollback()
        raise ServiceError("You are already continuing informally.")
    _record(session, rel, ACCEPTED, ACCEPTED, member.id, "Continue informally", at=now)  # type: ignore[arg-type]
    _notify_partner(
        session,
        rel,
        member,
        "continue_informally",
        "{actor} chose to continue your mentoring informally",
    )
    session.commit()
    session.refresh(rel)


def start_new_journey(
    session: Session, *, actor: User | None, relationship_id: int, now: datetime | None = None
) -> int:
    """Close the current journey (read-only, on record) and open the next one; returns its number."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    bump(session, rel, now=now)
    if rel.informal_since is None:
        open_journey(session, rel, now)
    closed = _close_open_journey(session, rel, CLOSED_NEW_JOURNEY, now)
    if closed is None:  # informal without any journey cannot happen, but never leave the pair stuck
        raise NotAllowed("Start your first journey by writing your agreement or a goal.")
    journey = Journey(relationship_id=rel.id, number=closed.number + 1, started_at=now)  # type: ignore[arg-type]
    session.add(journey)
    session.exec(
        update(Relationship).where(Relationship.id == rel.id).values(informal_since=None, updated_at=now)  # type: ignore[call-overload]
    )
    _record(session, rel, ACCEPTED, ACCEPTED, member.id, f"New journey {journey.number}", at=now)  # type: ignore[arg-type]
    _notify_partner(
        session,
        rel,
        member,
        "new_journey",
        "{actor} started journey {number} of your mentoring: time to set new goals",
        number=str(journey.number),
    )
    session.commit()
    session.refresh(rel)
    return journey.number
