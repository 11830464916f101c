"""Notify me: a mentee keeps the exact criteria of a Find mentor search as an alert, and is told
(in the app and by email) when a mentor matching them joins or becomes available.

An alert matches a mentor by Find mentor's Exact match rule (:func:`matching.exact_field_met`):
for every field of the alert, one of its options (one-value field) or all of them (many-value
field). Each mentee hears about a given mentor once per alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from mentoring_app import routes
from mentoring_app.models import (
    MemberCriterion,
    MentorAlert,
    MentorAlertHit,
    MentorAlertOption,
    Relationship,
    User,
)
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.relationships import ACCEPTED, REQUESTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import people
from mentoring_app.services.conversations import notifications
from mentoring_app.services.discovery import matching
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed
from mentoring_app.services.outbox import mail

MAX_ALERTS = 5
NO_EXACT = "Tick Exact match on at least one field to be told about new mentors."
KIND = "mentor_alert"

Criteria = dict[str, tuple[int, ...]]  # field key -> selected option ids


@dataclass(frozen=True)
class AlertView:
    id: int
    description: str  # "Region: North West; Languages: Polish and Spanish"
    matching_now: int  # mentors who match it and may be offered now
    created_at: datetime


def _mentee(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    if not actor.is_mentee:
        raise NotAllowed("Mentor alerts are for mentees. Add the mentee role to look for a mentor.")
    return actor


def _in_order(criteria: Criteria, fields: list[FieldSpec]) -> list[tuple[FieldSpec, tuple[int, ...]]]:
    """The alert's active fields in the vocabulary's order, each with its active options in order."""
    result = []
    for spec in fields:
        wanted = set(criteria.get(spec.key, ()))
        ids = tuple(choice.id for choice in spec.choices if choice.id in wanted)
        if ids:
            result.append((spec, ids))
    return result


def describe(criteria: Criteria, fields: list[FieldSpec]) -> str:
    """ "Region: Wales or London; Languages: Polish and Spanish" (or/and as the rule reads)."""
    parts = []
    for spec, ids in _in_order(criteria, fields):
        labels = [spec.by_id[i].label for i in ids]
        joined = ", ".join(labels[:-1]) + (" and " if spec.multiple else " or ") + labels[-1]
        parts.append(f"{spec.label}: {joined if len(labels) > 1 else labels[0]}")
    return "; ".join(parts) or "Criteria no longer on offer"


def matches(criteria: Criteria, fields: dict[str, FieldSpec], options: set[int]) -> bool:
    """Whether a mentor with ``options`` passes every field of the alert (fields no longer on offer
    are ignored; an alert with none left matches nobody)."""
    checked = 0
    for key, wanted in criteria.items():
        spec = fields.get(key)
        ids = {i for i in wanted if spec is not None and i in spec.by_id}  # options still on offer
        if spec is None or not ids:
            continue
        if not matching.exact_field_met(spec.multiple, len(ids & options), len(ids)):
            return False
        checked += 1
    return checked > 0


def _criteria_of(session: Session, alert_ids: list[int]) -> dict[int, Criteria]:
    rows = session.execute(
        select(MentorAlertOption.alert_id, MentorAlertOption.field_key, MentorAlertOption.option_id)
        .where(MentorAlertOption.alert_id.in_(alert_ids))  # type: ignore[attr-defined]
        .order_by(MentorAlertOption.alert_id, MentorAlertOption.option_id)
    ).all()
    grouped: dict[int, dict[str, list[int]]] = {i: {} for i in alert_ids}
    for alert_id, key, option_id in rows:
        grouped[alert_id].setdefault(key, []).append(option_id)
    return {i: {k: tuple(v) for k, v in by_key.items()} for i, by_key in grouped.items()}


def _view(session: Session, alert: MentorAlert, criteria: Criteria, fields: list[FieldSpec]) -> AlertView:
    search = matching.Search(selected=criteria, exact=frozenset(criteria))
    return AlertView(
        id=alert.id,  # type: ignore[arg-type]
        description=describe(criteria, fields),
        matching_now=matching.count_exact(session, search=search, viewer_id=alert.mentee_id),
        created_at=alert.created_at,
    )


def _own_alerts(session: Session, mentee_id: int) -> list[MentorAlert]:
    return list(
        session.execute(
            select(MentorAlert)
            .where(MentorAlert.mentee_id == mentee_id)
            .order_by(MentorAlert.created_at, MentorAlert.id)  # type: ignore[arg-type]
        ).scalars()
    )


def create_alert(session: Session, *, actor: User | None, search: matching.Search) -> AlertView:
    """Keep the exact fields of a Find mentor search (with their options) as an alert."""
    mentee = _mentee(actor)
    fields = load_fields(session)
    search = matching.clean_search(search, fields)
    criteria = {key: ids for key, ids in search.selected.items() if key in search.exact}
    if not criteria:
        raise ValidationFailed({"alert": NO_EXACT})
    wanted = {(key, i) for key, ids in criteria.items() for i in ids}
    existing = _own_alerts(session, mentee.id)  # type: ignore[arg-type]
    known = _criteria_of(session, [a.id for a in existing])  # type: ignore[misc]
    for alert in existing:
        if {(key, i) for key, ids in known[alert.id].items() for i in ids} == wanted:  # type: ignore[index]
            raise ValidationFailed({"alert": "You already have an alert for exactly these criteria."})
    if len(existing) >= MAX_ALERTS:
        raise ValidationFailed(
            {"alert": f"You can keep up to {MAX_ALERTS} mentor alerts. Stop one to add another."}
        )
    alert = MentorAlert(mentee_id=mentee.id)  # type: ignore[arg-type]
    session.add(alert)
    session.flush()
    session.add_all(
        MentorAlertOption(alert_id=alert.id, field_key=key, option_id=i)  # type: ignore[arg-type]
        for key, i in sorted(wanted)
    )
    session.flush()
    view = _view(session, alert, criteria, fields)
    session.commit()
    return view


def list_alerts(session: Session, *, actor: User | None) -> list[AlertView]:
    """The mentee's own alerts, oldest first, each with how many mentors match it now."""
    mentee = _mentee(actor)
    fields = load_fields(session)
    alerts = _own_alerts(session, mentee.id)  # type: ignore[arg-type]
    criteria = _criteria_of(session, [a.id for a in alerts])  # type: ignore[misc]
    return [_view(session, alert, criteria[alert.id], fields) for alert in alerts]  # type: ignore[index]


def delete_alert(session: Session, *, actor: User | None, alert_id: int) -> None:
    """Stop one of the mentee's own alerts (anyone else's is "not found")."""
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    alert = session.get(MentorAlert, alert_id)
    if alert is None or alert.mentee_id != actor.id:
        raise NotFound("That alert could not be found.")
    # Options and hits go with it (ON DELETE CASCADE); delete them explicitly too, so a database
    # without foreign keys enforced cannot keep orphans.
    session.execute(delete(MentorAlertOption).where(MentorAlertOption.alert_id == alert_id))  # type: ignore[arg-type]
    session.execute(delete(MentorAlertHit).where(MentorAlertHit.alert_id == alert_id))  # type: ignore[arg-type]
    session.delete(alert)
    session.commit()


def notify_matching_alerts(session: Session, *, mentor_id: int, now: datetime | None = None) -> int:
    """Tell the mentees whose alerts this (newly offered) mentor matches; returns how many alerts.

    Runs in the caller's transaction and does not commit. Candidate alerts are those naming any of
    the mentor's options (found through the option index), less the mentor's own and those that
    already told their mentee about this mentor; the exact rule is then checked on each.
    """
    now = now or utcnow()
    mentor = session.get(User, mentor_id)
    if mentor is None:
        return 0
    options = set(
        session.execute(
            select(MemberCriterion.option_id).where(
                MemberCriterion.user_id == mentor_id,
                MemberCriterion.side == MENTOR_SIDE,  # type: ignore[arg-type]
            )
        ).scalars()
    )
    if not options:
        return 0
    already = select(MentorAlertHit.alert_id).where(MentorAlertHit.mentor_id == mentor_id)
    # Mentees already asking this mentor, or mentored by them, need no alert about them.
    paired = select(Relationship.mentee_id).where(
        Relationship.mentor_id == mentor_id,
        Relationship.status.in_((REQUESTED, ACCEPTED)),  # type: ignore[attr-defined]
    )
    candidates = list(
        session.execute(
            select(MentorAlert.id, MentorAlert.mentee_id)
            .join(User, User.id == MentorAlert.mentee_id)  # type: ignore[arg-type]
            .where(
                MentorAlert.id.in_(  # type: ignore[union-attr]
                    select(MentorAlertOption.alert_id)
                    .where(MentorAlertOption.option_id.in_(options))  # type: ignore[attr-defined]
                    .distinct()
                ),
                MentorAlert.mentee_id != mentor_id,
                MentorAlert.id.not_in(already),  # type: ignore[union-attr]
                MentorAlert.mentee_id.not_in(paired),  # type: ignore[attr-defined]
                User.is_active.is_(True),  # type: ignore[attr-defined]
                User.is_mentee.is_(True),  # type: ignore[attr-defined]
            )
        ).all()
    )
    if not candidates:
        return 0
    fields = {spec.key: spec for spec in load_fields(session)}
    criteria = _criteria_of(session, [alert_id for alert_id, _ in candidates])
    told = 0
    path = f"{routes.MEMBERS}/{mentor_id}"
    for alert_id, mentee_id in candidates:
        if not matches(criteria[alert_id], fields, options):
            continue
        mentee = session.get(User, mentee_id)
        alert = session.get(MentorAlert, alert_id)
        if mentee is None or alert is None:
            continue
        session.add(MentorAlertHit(alert_id=alert_id, mentor_id=mentor_id, notified_at=now))
        alert.last_notified_at = now
        session.add(alert)
        description = describe(criteria[alert_id], list(fields.values()))
        template = "A mentor matching your alert is available: {actor}"
        mail.queue(
            session,
            to=mentee.email,
            recipient_id=mentee_id,
            email=mail.compose(
                kind=KIND,
                subject=people.fill(template, actor=mentor.name),
                greeting_name=mentee.name,
                paragraphs=[
                    f"{mentor.name} has just become available as a mentor, and matches your alert "
                    f"({description}).",
                    "Have a look at their profile, and ask them to mentor you if they suit you. "
                    "You can stop this alert on Find mentor.",
                ],
                action=(f"See {mentor.name}'s profile", mail.link(path)),
            ),
        )
        notifications.notify(
            session, user_id=mentee_id, kind=KIND, template=template, actor_id=mentor_id, link=path
        )
        told += 1
    session.flush()
    return told
