"""From request to relationship: send, edit, cancel, accept, decline, withdraw (reminders and
expiry: request_expiry.py; the Requests page's lists: request_lists.py).

Every transition is a conditional update on the current status (so two clicks, two tabs or two
workers cannot both succeed), is recorded with who and when, and writes its emails (outbox) and
in-app notifications in the same transaction. The database also refuses a second open request
and a second live relationship per pair. Requests are limited per mentee and per pair, and a
mentor gets at most one email a day about a mentee's new requests (and one about cancellations):
repeats are told in the app only (services/limits.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app import live
from mentoring_app.models import MemberCriterion, Profile, Relationship, RelationshipEvent, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.relationships import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    REQUESTED,
    WITHDRAWN,
)
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits
from mentoring_app.services.accounts import people
from mentoring_app.services.conversations import notifications
from mentoring_app.services.discovery import recommendations
from mentoring_app.services.discovery.offering import sync_offer
from mentoring_app.services.discovery.recommendations import Candidate
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import dashboard_path, wind_down
from mentoring_app.services.outbox import mail

MAX_PENDING = 3
MAX_SUGGESTIONS = 300  # choices in the decline form's Suggest another mentor list
MAX_TEXT = 3000
# What the request box says under it: the same limit the server enforces.
REQUEST_HINT = f"Up to {MAX_TEXT:,} characters."
REMIND_AFTER = timedelta(days=7)
EXPIRE_AFTER = timedelta(days=14)
REQUESTS_PATH = "/requests"
FIND_MENTOR_PATH = "/find-mentor"
MEMBERS_PATH = "/members"
REQUEST_TEMPLATE = (
    "Hello, I would like you to be my mentor.\n\n"
    "Where I am now: [a sentence about your work and experience]\n"
    "What I would like help with: [the support you need, e.g. starting as a freelancer]\n"
    "What I hope to achieve in the next six months: [your goal]\n"
    "How I would like to meet: [online, phone or in person, and how often]"
)
DECLINE_REASONS = {
    "no_time": "Not enough time at the moment",
    "not_expertise": "Not the right expertise",
    "better_mentor": "Another mentor would suit better",
    "other": "Other",
}


class TemplateUnchanged(ServiceError):
    """The request still reads exactly like the template: the mentee is asked to confirm."""


def _active(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    return actor


def _record(
    session: Session,
    rel: Relationship,
    before: str | None,
    after: str,
    actor_id: int | None,
    note: str = "",
    *,
    at: datetime,
) -> None:
    """Record a transition at the same instant as the change itself (the admin charts count these)."""
    session.add(
        RelationshipEvent(
            relationship_id=rel.id,  # type: ignore[arg-type]
            from_status=before,
            to_status=after,
            actor_id=actor_id,
            at=at,
            note=note[:1000] or None,
        )
    )
    # Both members' Requests pages and dashboards show the new status once the caller commits.
    live.publish_after_commit(
        session,
        [rel.mentor_id, rel.mentee_id],
        live.REQUEST,
        live.relationship_topic(rel.id),  # type: ignore[arg-type]
    )


def _tell(
    session: Session,
    user: User,
    *,
    kind: str,
    subject: str,
    about: User,
    paragraphs: list[str],
    link_text: str,
    path: str = REQUESTS_PATH,
    email: bool = True,
) -> None:
    """Email (outbox, unless ``email`` is False) and in-app notification, in the caller's transaction.

    ``subject`` is a template naming ``about`` as ``{actor}``: the email says their name now, the
    notification keeps their id and names them whenever it is read.
    """
    if email:
        mail.queue(
            session,
            to=user.email,
            recipient_id=user.id,
            email=mail.compose(
                kind=kind,
                subject=people.fill(subject, actor=about.name),
                greeting_name=user.name,
                paragraphs=paragraphs,
                action=(link_text, mail.link(path)),
            ),
        )
    notifications.notify(
        session,
        user_id=user.id,  # type: ignore[arg-type]
        kind=kind,
        template=subject,
        actor_id=about.id,
        link=path,
    )


def _transition(
    session: Session,
    rel: Relationship,
    *,
    before: str,
    after: str,
    actor_id: int,
    now: datetime,
    **values: object,
) -> None:
    """Move ``rel`` from ``before`` to ``after`` only if it is still in ``before`` (else refuse)."""
    result = session.exec(
        update(Relationship)  # type: ignore[call-overload]
        .where(Relationship.id == rel.id, Relationship.status == before)
        .values(status=after, updated_at=now, **values)
    )
    if result.rowcount != 1:
        session.rollback()
        current = session.get(Relationship, rel.id)
        state = current.status if current else "gone"
        raise ServiceError(f"This request is already {state}: nothing was changed.")
    _record(
        session,
        rel,
        before,
        after,
        actor_id,
        str(values.get("end_reason") or values.get("decline_note") or ""),
        at=now,
    )


def _clean_text(text: str, *, confirm_template: bool) -> str:
    text = text.strip()
    if not text:
        raise ValidationFailed({"request_text": "Say what support you would like from this mentor."})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            {"request_text": f"Use at most {MAX_TEXT:,} characters (this has {len(text):,})."}
        )
    if text == REQUEST_TEMPLATE.strip() and not confirm_template:
        raise TemplateUnchanged(
            "Your request is still the template. Edit it to say what you need, or send it as it is."
        )
    return text


def _pair_key(mentee_id: int, mentor_id: int) -> str:
    return f"pair:{mentee_id}:{mentor_id}"


def accepted_count(session: Session, mentor_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Relationship)
            .where(Relationship.mentor_id == mentor_id, Relationship.status == ACCEPTED)
        ).one()
    )


def send_request(
    session: Session,
    *,
    actor: User | None,
    mentor_id: int,
    text: str,
    confirm_template: bool = False,
    now: datetime | None = None,
) -> Relationship:
    """A mentee asks a mentor to mentor them (the mentor is emailed and notified)."""
    mentee = _active(actor)
    now = now or utcnow()
    if not mentee.is_mentee:
        raise NotAllowed("Only mentees can send mentoring requests.")
    if mentor_id == mentee.id:
        raise NotAllowed("You cannot send a mentoring request to yourself.")
    clean = _clean_text(text, confirm_template=confirm_template)
    mentor, profile = session.get(User, mentor_id), session.get(Profile, mentor_id)
    if mentor is None or profile is None or not mentor.is_mentor or not mentor.is_active:
        raise NotFound("That mentor could not be found.")
    if (
        not (profile.available and profile.mentor_matchable)
        or accepted_count(session, mentor_id) >= profile.capacity
    ):
        raise ServiceError(
            f"{mentor.name} is not taking new mentees at the moment. Try Find mentor for others."
        )
    open_requests = session.exec(
        select(Relationship).where(Relationship.mentee_id == mentee.id, Relationship.status == REQUESTED)
    ).all()
    if any(r.mentor_id == mentor_id for r in open_requests):
        raise ServiceError(f"You already have a request waiting for {mentor.name}.")
    if len(open_requests) >= MAX_PENDING:
        raise ServiceError(
            f"You can have at most {MAX_PENDING} requests waiting. Cancel one to send another."
        )
    if session.exec(
        select(Relationship.id).where(
            Relationship.mentee_id == mentee.id,
            Relationship.mentor_id == mentor_id,
            Relationship.status == ACCEPTED,
        )
    ).first():
        raise ServiceError(f"{mentor.name} is already your mentor.")
    limits.enforce(session, "request", f"user:{mentee.id}", now=now)
    limits.enforce(session, "request_same_mentor", _pair_key(mentee.id, mentor_id), now=now)  # type: ignore[arg-type]
    rel = Relationship(
        mentee_id=mentee.id, mentor_id=mentor_id, request_text=clean, created_at=now, updated_at=now
    )  # type: ignore[arg-type]
    session.add(rel)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent identical request won
        session.rollback()
        raise ServiceError(f"You already have a request waiting for {mentor.name}.") from error
    _record(session, rel, None, REQUESTED, mentee.id, at=now)
    _tell(
        session,
        mentor,
        kind="new_request",
        subject="New mentoring request from {actor}",
        about=mentee,
        paragraphs=[
            f"{mentee.name} would like you to be their mentor. They wrote:",
            clean,
            "You can message them to clarify, then accept or decline. The request expires in 14 days.",
            "If they edit it, you will be told: the Requests page always shows the latest version.",
        ],
        link_text="Open your requests",
        email=limits.take(session, "request_email", _pair_key(mentee.id, mentor_id), now=now) is None,  # type: ignore[arg-type]
    )
    session.commit()
    return rel


def _own_request(session: Session, actor: User, request_id: int, *, as_mentor: bool) -> Relationship:
    rel = session.get(Relationship, request_id)
    owner = rel.mentor_id if rel and as_mentor else rel.mentee_id if rel else None
    if rel is None or owner != actor.id:
        raise NotFound("That request could not be found.")
    return rel


def edit_request(
    session: Session, *, actor: User | None, request_id: int, text: str, now: datetime | None = None
) -> Relationship:
    mentee = _active(actor)
    rel = _own_request(session, mentee, request_id, as_mentor=False)
    clean = _clean_text(text, confirm_template=True)
    now = now or utcnow()
    if clean == rel.request_text:
        return rel  # nothing changed: nothing to tell
    _transition(
        session,
        rel,
        before=REQUESTED,
        after=REQUESTED,
        actor_id=mentee.id,
        now=now,
        request_text=clean,
    )
    mentor = session.get(User, rel.mentor_id)
    if mentor:  # the mentor's copy (the request email) must not be the only one, and stale
        _tell(
            session,
            mentor,
            kind="request_edited",
            subject="{actor} edited their mentoring request",
            about=mentee,
            paragraphs=[
                f"{mentee.name} has edited their mentoring request. It now reads:",
                clean,
                "The Requests page always shows the latest version. You can message them, then "
                "accept or decline.",
            ],
            link_text="Open your requests",
            email=limits.take(session, "edit_email", _pair_key(mentee.id, mentor.id), now=now) is None,  # type: ignore[arg-type]
        )
    session.commit()
    return rel


def cancel_request(
    session: Session, *, actor: User | None, request_id: int, now: datetime | None = None
) -> None:
    mentee = _active(actor)
    now = now or utcnow()
    rel = _own_request(session, mentee, request_id, as_mentor=False)
    _transition(session, rel, before=REQUESTED, after=CANCELLED, actor_id=mentee.id, now=now)
    mentor = session.get(User, rel.mentor_id)
    if mentor:
        _tell(
            session,
            mentor,
            kind="cancelled",
            subject="{actor} cancelled their mentoring request",
            about=mentee,
            paragraphs=["No action is needed."],
            link_text="Open your requests",
            email=limits.take(session, "cancel_email", _pair_key(mentee.id, mentor.id), now=now) is None,  # type: ignore[arg-type]
        )
    session.commit()


def accept_request(
    session: Session, *, actor: User | None, request_id: int, now: datetime | None = None
) -> Relationship:
    """The mentor accepts: exactly once, and never beyond their capacity."""
    mentor = _active(actor)
    now = now or utcnow()
    rel = _own_request(session, mentor, request_id, as_mentor=True)
    profile = session.exec(select(Profile).where(Profile.user_id == mentor.id).with_for_update()).first()
    if profile is None or accepted_count(session, mentor.id) >= profile.capacity:  # type: ignore[arg-type]
        raise ServiceError(
            "You are at capacity: raise your capacity in My profile, or end a relationship first."
        )
    try:
        _transition(
            session, rel, before=REQUESTED, after=ACCEPTED, actor_id=mentor.id, now=now, decided_at=now
        )
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise ServiceError("You already mentor this member.") from error
    sync_offer(session, mentor.id)  # type: ignore[arg-type]
    mentee = session.get(User, rel.mentee_id)
    if mentee:
        _tell(
            session,
            mentee,
            kind="accepted",
            subject="{actor} accepted your mentoring request",
            about=mentor,
            paragraphs=[
                "Congratulations! Contact your mentor to arrange your first conversation: their "
                "contact details are on your relationship page."
            ],
            link_text="Open your relationship page",
            path=dashboard_path(rel.id),  # type: ignore[arg-type]
        )
    session.commit()
    return rel


def decline_request(
    session: Session,
    *,
    actor: User | None,
    request_id: int,
    reason: str,
    note: str = "",
    suggested_mentor_id: int | None = None,
    now: datetime | None = None,
) -> None:
    mentor = _active(actor)
    rel = _own_request(session, mentor, request_id, as_mentor=True)
    if reason not in DECLINE_REASONS:
        raise ValidationFailed({"reason": "Choose a reason."})
    if len(note) > 1000:
        raise ValidationFailed({"note": "Use at most 1,000 characters."})
    suggested = session.get(User, suggested_mentor_id) if suggested_mentor_id else None
    if suggested_mentor_id and (
        suggested is None
        or not suggested.is_mentor
        or not suggested.is_active
        or suggested.id in (mentor.id, rel.mentee_id)
    ):
        raise ValidationFailed({"suggested_mentor": "Choose another active mentor."})
    _transition(
        session,
        rel,
        before=REQUESTED,
        after=DECLINED,
        actor_id=mentor.id,
        now=now or utcnow(),
        decided_at=now or utcnow(),
        decline_reason=reason,
        decline_note=note.strip() or None,
        suggested_mentor_id=suggested.id if suggested else None,
    )
    mentee = session.get(User, rel.mentee_id)
    if mentee:
        paragraphs = [f"{mentor.name} is not able to mentor you: {DECLINE_REASONS[reason].lower()}."]
        if note.strip():
            paragraphs.append(f"They added: {note.strip()}")
        if suggested:
            paragraphs.append(
                f"They suggest {suggested.name} as a mentor who may suit you: open their profile to "
                "read it and send them a request. Find mentor will show you others too."
            )
        else:
            paragraphs.append("Find mentor will help you find someone else.")
        _tell(
            session,
            mentee,
            kind="declined",
            subject="{actor} declined your mentoring request",
            about=mentor,
            paragraphs=paragraphs,
            link_text=f"See {suggested.name}'s profile" if suggested else "Find mentor",
            path=f"{MEMBERS_PATH}/{suggested.id}" if suggested else FIND_MENTOR_PATH,
        )
    session.commit()


def withdraw(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """Either side ends an accepted relationship; the other side is told."""
    member = _active(actor)
    rel = session.get(Relationship, relationship_id)
    if rel is None or member.id not in (rel.mentee_id, rel.mentor_id):
        raise NotFound("That relationship could not be found.")
    now = now or utcnow()
    _transition(
        session,
        rel,
        before=ACCEPTED,
        after=WITHDRAWN,
        actor_id=member.id,
        now=now,
        ended_at=now,
        end_reason=reason.strip()[:1000] or None,
    )
    wind_down(session, rel, reason=WITHDRAWN, now=now)
    sync_offer(session, rel.mentor_id)
    other = session.get(User, rel.mentor_id if member.id == rel.mentee_id else rel.mentee_id)
    if other:
        paragraphs = [f"{member.name} has withdrawn from your mentoring relationship."]
        if reason.strip():
            paragraphs.append(f"They said: {reason.strip()}")
        record = "Your goals, meetings and reflections stay on your relationship page, read-only."
        if other.id == rel.mentee_id:  # the mentor withdrew: the mentee can look for another mentor
            paragraphs += [
                "What next: Find mentor lists the mentors who match what you are looking for, and you "
                "can send a new request today.",
                record,
            ]
            link_text, path = "Find another mentor", FIND_MENTOR_PATH
        else:  # the mentee withdrew: the mentor's place is free again
            paragraphs += [
                "What next: nothing is needed from you. Your place is free again for a new mentee; "
                "check in My profile that you are shown as available if you would like one.",
                record,
            ]
            link_text, path = "Open your relationship page", dashboard_path(rel.id)  # type: ignore[arg-type]
        _tell(
            session,
            other,
            kind="withdrawn",
            subject="{actor} withdrew from your mentoring relationship",
            about=member,
            paragraphs=paragraphs,
            link_text=link_text,
            path=path,
        )
    session.commit()


def decline_all_pending(session: Session, *, actor: User | None, now: datetime | None = None) -> int:
    """A mentor who stops taking mentees declines every waiting request (reason: no time)."""
    mentor = _active(actor)
    waiting = session.exec(
        select(Relationship.id).where(Relationship.mentor_id == mentor.id, Relationship.status == REQUESTED)
    ).all()
    declined = 0
    for request_id in waiting:
        try:
            decline_request(session, actor=mentor, request_id=request_id, reason="no_time", now=now)  # type: ignore[arg-type]
            declined += 1
        except ServiceError:  # answered meanwhile in another tab
            continue
    return declined


def suggestion_candidates(session: Session, *, actor: User | None, request_id: int) -> list[Candidate]:
    """Mentors a declining mentor may suggest instead: offered now, not themselves, not the mentee;
    those who fit this mentee best first, with why (recommendations.best_fits), then the others by
    name."""
    mentor = _active(actor)
    rel = _own_request(session, mentor, request_id, as_mentor=True)
    ranked = recommendations.best_fits(session, mentee_id=rel.mentee_id, declining_mentor_id=mentor.id)
    criterion = MemberCriterion.__table__.c  # type: ignore[attr-defined]
    offered = (
        select(criterion.user_id).where(criterion.side == MENTOR_SIDE, criterion.offered.is_(True)).distinct()
    )
    shown = [mentor.id, rel.mentee_id, *(c.mentor_id for c in ranked)]
    rows = session.exec(
        select(User.id, User.name)
        .where(User.id.in_(offered), User.id.notin_(shown))  # type: ignore[union-attr]
        .order_by(User.name)
        .limit(max(0, MAX_SUGGESTIONS - len(ranked)))
    ).all()
    return ranked + [Candidate(mentor_id=int(i), name=n) for i, n in rows]
