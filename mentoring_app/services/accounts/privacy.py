"""A member's own data: download all of it, or delete the account.

The download is everything the platform holds about the member, as JSON: account, profile and
contact details, what they offer and look for, relationships with their requests, agreements,
goals, milestones, meetings and reflections, messages, notifications, reports they made, and their
visits. It holds no password hash, no session key, and no other member's contact details.

Deleting an account first ends what is open, through the usual transitions so partners are told:
pending requests are cancelled (as mentee) or declined (as mentor), accepted relationships are
withdrawn. Then the member's personal data is erased: name, email, profile, photo, contact
details, criteria, sessions, log-in attempts, notifications, reflections and the text of their
messages, requests and notes. What the pair built together (goals, milestones, meetings) stays,
under "Former member", because it is the partner's record too (their CPD hours among it).

Nothing else names them afterwards: notifications and the audit log keep member ids and name
them when read (services/people), so they read "Former member". Emails are the one place a
name is written out: the member's own are deleted at once, and every other email in the outbox
(sent or not) has their name and address replaced by "Former member". Pending emails are kept,
re-worded rather than dropped, because they tell the partner something they need (a withdrawal,
a cancelled request); sent ones go anyway after OUTBOX_RETENTION_DAYS (services/relay).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from html import escape
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from mentoring_app import storage
from mentoring_app.models import (
    AwayPeriod,
    ContactDetails,
    Goal,
    Journey,
    Meeting,
    MemberCriterion,
    MentorAlert,
    MentorAvailability,
    Message,
    Milestone,
    Notification,
    OutboxEmail,
    PasswordReset,
    Profile,
    Reflection,
    Relationship,
    RelationshipEvent,
    Report,
    SavedMentor,
    Thread,
    User,
    Visit,
)
from mentoring_app.models.checkins import Checkin
from mentoring_app.models.relationships import ACCEPTED, ENDED, REQUESTED, WITHDRAWN
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth
from mentoring_app.services.accounts.passwords import verify_password
from mentoring_app.services.accounts.people import DELETED_DOMAIN, FORMER_MEMBER
from mentoring_app.services.conversations import notifications
from mentoring_app.services.discovery import mentor_alerts
from mentoring_app.services.discovery.offering import sync_offer
from mentoring_app.services.discovery.vocabulary import option_labels
from mentoring_app.services.errors import NotAllowed, ServiceError, ValidationFailed
from mentoring_app.services.mentoring import relationships
from mentoring_app.services.outbox import preferences

REMOVED_MESSAGE = "(This message was removed: its author deleted their account.)"
REMOVED_REQUEST = "(This request was removed: its author deleted their account.)"


def _active(actor: User | None) -> User:
    if actor is None or not actor.is_active:
        raise NotAllowed("Please log in again.")
    return actor


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(model: Any, *fields: str) -> dict[str, Any]:
    return {name: _plain(getattr(model, name)) for name in fields}


def export_filename(now: datetime | None = None) -> str:
    return f"mentoring-my-data-{(now or utcnow()):%Y-%m-%d}.json"


def export_my_data(session: Session, *, actor: User | None, now: datetime | None = None) -> bytes:
    """Everything the platform holds about the member, as UTF-8 JSON."""
    member = _active(actor)
    uid = member.id
    names = {u.id: u.name for u in session.exec(select(User)).all()}
    profile = session.get(Profile, uid)
    contact = session.get(ContactDetails, uid)
    criteria = session.exec(select(MemberCriterion).where(MemberCriterion.user_id == uid)).all()
    labels = option_labels(session, [c.option_id for c in criteria])
    rels = session.exec(
        select(Relationship).where(or_(Relationship.mentee_id == uid, Relationship.mentor_id == uid))
    ).all()
    rel_ids = [r.id for r in rels]
    journeys = session.exec(select(Journey).where(Journey.relationship_id.in_(rel_ids))).all()  # type: ignore[attr-defined]
    journey_ids = [j.id for j in journeys]
    goals = session.exec(select(Goal).where(Goal.journey_id.in_(journey_ids))).all()  # type: ignore[attr-defined]
    milestones = session.exec(
        select(Milestone).where(Milestone.goal_id.in_([g.id for g in goals]))  # type: ignore[attr-defined]
    ).all()
    threads = session.exec(select(Thread).where(or_(Thread.low_id == uid, Thread.high_id == uid))).all()
    messages = session.exec(
        select(Message).where(Message.thread_id.in_([t.id for t in threads])).order_by(Message.id)  # type: ignore[attr-defined]
    ).all()
    partner_of = {t.id: (t.high_id if t.low_id == uid else t.low_id) for t in threads}
    own_notes = list(session.exec(select(Notification).where(Notification.user_id == uid)).all())
    data = {
        "exported_at": _plain(now or utcnow()),
        "account": _row(
            member, "name", "email", "is_mentor", "is_mentee", "is_admin", "created_at", "last_active_at"
        )
        | {"email_preferences": preferences.export(session, uid)},
        "profile": _row(profile, "headline", "bio", "help_wanted", "capacity", "available", "completeness")
        | {"photo": storage.photo_url(profile.photo)}
        if profile
        else {},
        "contact_details": _row(contact, "email", "phone", "preferred") if contact else {},
        "criteria": [
            {"side": c.side, "field": labels[c.option_id][0], "value": labels[c.option_id][1]}
            for c in criteria
            if c.option_id in labels
        ],
        "relationships": [
            {
                "your_role": "mentee" if r.mentee_id == uid else "mentor",
                "partner": names.get(r.mentor_id if r.mentee_id == uid else r.mentee_id, FORMER_MEMBER),
                **_row(r, "status", "request_text", "created_at", "decided_at", "ended_at", "end_reason"),
                **_row(r, "decline_reason", "decline_note", "informal_since"),
                "events": [
                    _row(e, "from_status", "to_status", "at", "note")
                    for e in session.exec(
                        select(RelationshipEvent).where(RelationshipEvent.relationship_id == r.id)
                    ).all()
                ],
                "journeys": [
                    {
                        **_row(j, "number", "started_at", "closed_at"),
                        "agreement": _row(
                            j, "topics", "questions", "ground_rules", "confidentiality", "meeting_frequency"
                        )
                        | _row(j, "feedback", "practical", "mentee_confirmed_at", "mentor_confirmed_at"),
                        "goals": [
                            {
                                **_row(g, "specific", "measurable", "achievable", "relevant", "target_date"),
                                **_row(g, "status", "created_at", "achieved_at"),
                                "milestones": [
                                    _row(m, "title", "due_date", "done_at", "note")
                                    for m in milestones
                                    if m.goal_id == g.id
                                ],
                            }
                            for g in goals
                            if g.journey_id == j.id
                        ],
                        "your_reflection": next(
                            (
                                x.text
                                for x in session.exec(
                                    select(Reflection).where(
                                        Reflection.journey_id == j.id, Reflection.author_id == uid
                                    )
                                ).all()
                            ),
                            "",
                        ),
                    }
                    for j in journeys
                    if j.relationship_id == r.id
                ],
                "meetings": [
                    _row(m, "status", "starts_at", "held_on", "duration_minutes", "place", "agenda")
                    | _row(m, "notes", "next_steps")
                    for m in session.exec(select(Meeting).where(Meeting.relationship_id == r.id)).all()
                ],
            }
            for r in rels
        ],
        "messages": [
            {
                "with": names.get(partner_of[m.thread_id], FORMER_MEMBER),
                "from_you": m.sender_id == uid,
                "sent_at": _plain(m.created_at),
                "text": m.body,
            }
            for m in messages
        ],
        "checkins": [
            _row(c, "relationship_id", "created_at", "answer", "note", "answered_at")
            for c in session.exec(select(Checkin).where(Checkin.member_id == uid).order_by(Checkin.id)).all()  # type: ignore[arg-type]
        ],
        "notifications": [
            {"kind": n.kind, "text": text, **_row(n, "created_at", "read_at")}
            for n, text in zip(own_notes, notifications.texts(session, own_notes), strict=True)
        ],
        "reports_you_made": [
            _row(r, "reason", "created_at", "resolved_at")
            for r in session.exec(select(Report).where(Report.reporter_id == uid)).all()
        ],
        "shortlist": [
            {"mentor": name, "saved_at": _plain(saved.saved_at)}
            for saved, name in session.exec(
                select(SavedMentor, User.name)
                .join(User, User.id == SavedMentor.mentor_id)  # type: ignore[arg-type]
                .where(SavedMentor.mentee_id == uid)
                .order_by(SavedMentor.saved_at)  # type: ignore[arg-type]
            ).all()
        ],
        "times_for_meetings": _times_for_meetings(session, uid),
        "mentor_alerts": [
            {"criteria": a.description, "created_at": _plain(a.created_at)}
            for a in (mentor_alerts.list_alerts(session, actor=member) if member.is_mentee else [])
        ],
        "visits": [
            _row(v, "started_at", "last_seen_at", "landing_path", "page_views")
            for v in session.exec(select(Visit).where(Visit.user_id == uid)).all()
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _times_for_meetings(session: Session, uid: int) -> dict[str, Any] | None:
    """A mentor's availability for bookings (None for a member who never set it)."""
    row = session.get(MentorAvailability, uid)
    if row is None:
        return None
    away = session.exec(
        select(AwayPeriod).where(AwayPeriod.mentor_id == uid).order_by(AwayPeriod.first_day)
    ).all()  # type: ignore[arg-type]
    return {
        **_row(row, "time_zone", "weekly", "meeting_minutes", "video_link", "updated_at"),
        "away": [_row(a, "first_day", "last_day") for a in away],
    }


def delete_account(
    session: Session, *, actor: User | None, password: str, now: datetime | None = None
) -> None:
    """Delete the member's account after checking their password (see the module notes)."""
    member = _active(actor)
    if not verify_password(password, member.password_hash):
        raise ValidationFailed({"password": "That is not your password."})
    if member.is_admin:
        others = session.exec(
            select(User.id).where(User.is_admin.is_(True), User.is_active.is_(True), User.id != member.id)  # type: ignore[attr-defined]
        ).first()
        if others is None:
            raise ServiceError("You are the only admin: make another member an admin first.")
    now = now or utcnow()
    uid: int = member.id  # type: ignore[assignment]
    old_name, old_email = member.name, member.email
    _erase_own_words(session, uid)  # before the transitions below, which add notes of their own
    open_rows = session.exec(
        select(Relationship).where(
            or_(Relationship.mentee_id == uid, Relationship.mentor_id == uid),
            Relationship.status.in_((REQUESTED, ACCEPTED)),  # type: ignore[attr-defined]
        )
    ).all()
    for rel in open_rows:  # each through its usual transition, so the partner is told
        if rel.status == ACCEPTED:
            relationships.withdraw(
                session, actor=member, relationship_id=rel.id, reason="They have left the platform.", now=now
            )  # type: ignore[arg-type]
        elif rel.mentee_id == uid:
            relationships.cancel_request(session, actor=member, request_id=rel.id, now=now)  # type: ignore[arg-type]
        else:
            relationships.decline_request(
                session,
                actor=member,
                request_id=rel.id,  # type: ignore[arg-type]
                reason="other",
                note="The mentor has left the platform.",
                now=now,
            )
    profile = session.get(Profile, uid)
    if profile is not None:
        storage.delete_photo(profile.photo)
        profile.headline = profile.bio = profile.help_wanted = profile.search_text = ""
        profile.photo, profile.available, profile.capacity = None, False, 0
        profile.completeness, profile.mentor_matchable = 0, False
        session.add(profile)
    contact = session.get(ContactDetails, uid)
    if contact is not None:
        contact.email, contact.phone = "", ""
        session.add(contact)
    session.exec(delete(MemberCriterion).where(MemberCriterion.user_id == uid))  # type: ignore[call-overload]
    session.exec(delete(MentorAlert).where(MentorAlert.mentee_id == uid))  # type: ignore[call-overload]
    session.exec(delete(SavedMentor).where(or_(SavedMentor.mentee_id == uid, SavedMentor.mentor_id == uid)))  # type: ignore[call-overload]
    session.exec(delete(Notification).where(Notification.user_id == uid))  # type: ignore[call-overload]
    session.exec(delete(PasswordReset).where(PasswordReset.user_id == uid))  # type: ignore[call-overload]
    session.exec(delete(Reflection).where(Reflection.author_id == uid))  # type: ignore[call-overload]
    session.exec(delete(Checkin).where(Checkin.member_id == uid))  # type: ignore[call-overload]
    session.exec(update(Message).where(Message.sender_id == uid).values(body=REMOVED_MESSAGE))  # type: ignore[call-overload]
    session.exec(update(Visit).where(Visit.user_id == uid).values(user_id=None))  # type: ignore[call-overload]
    auth.forget_login_attempts(session, email=old_email)
    session.exec(
        delete(OutboxEmail).where(  # type: ignore[call-overload]
            or_(OutboxEmail.to_address == old_email, func.lower(OutboxEmail.to_address) == old_email.lower())
        )
    )
    session.flush()
    _scrub_outbox(session, name=old_name, email=old_email)
    auth.close_all_sessions(session, user_id=uid)
    member.name = FORMER_MEMBER
    member.email = member.email_key = f"deleted-{uid}{DELETED_DOMAIN}"
    member.password_hash = auth.UNUSABLE_PASSWORD
    member.is_active = member.is_admin = member.is_mentor = member.is_mentee = False
    member.last_active_at = None
    preferences.turn_all_off(session, uid)
    session.add(member)
    session.flush()
    sync_offer(session, uid)
    session.commit()


def _erase_own_words(session: Session, uid: int) -> None:
    """What the member wrote to others outside messages: request texts, decline and ending notes."""
    session.exec(
        update(Relationship).where(Relationship.mentee_id == uid).values(request_text=REMOVED_REQUEST)  # type: ignore[call-overload]
    )
    session.exec(
        update(Relationship)  # type: ignore[call-overload]
        .where(Relationship.mentor_id == uid, Relationship.decline_note.is_not(None))  # type: ignore[union-attr]
        .values(decline_note=None)
    )
    ended_by_them = select(RelationshipEvent.relationship_id).where(
        RelationshipEvent.actor_id == uid,
        RelationshipEvent.to_status.in_((WITHDRAWN, ENDED)),  # type: ignore[attr-defined]
    )
    session.exec(
        update(Relationship).where(Relationship.id.in_(ended_by_them)).values(end_reason=None)  # type: ignore[call-overload, union-attr]
    )
    session.exec(
        update(RelationshipEvent)  # type: ignore[call-overload]
        .where(RelationshipEvent.actor_id == uid, RelationshipEvent.note.is_not(None))  # type: ignore[union-attr]
        .values(note=None)
    )


def _scrub_outbox(session: Session, *, name: str, email: str) -> int:
    """Replace the member's name and address by "Former member" in every email left in the outbox.

    Matched without regard to case, as whole words, in the subject, both bodies (the HTML one
    escaped), the last delivery error and an attachment's text (a calendar invite names the
    pair). Returns how many emails were changed.
    """
    plain = sorted(
        {n for n in (name.strip(), email.strip()) if n and n != FORMER_MEMBER}, key=len, reverse=True
    )
    if not plain:
        return 0
    html = sorted({escape(n) for n in plain}, key=len, reverse=True)
    columns = (
        OutboxEmail.subject,
        OutboxEmail.body_text,
        OutboxEmail.body_html,
        OutboxEmail.last_error,
        OutboxEmail.attachment_text,
    )
    rows = session.exec(
        select(OutboxEmail).where(
            or_(*(func.lower(c).contains(n.lower(), autoescape=True) for c in columns for n in plain + html))  # type: ignore[arg-type]
        )
    ).all()

    def pattern(needles: list[str]) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, needles)) + r")(?!\w)", re.IGNORECASE)

    in_text, in_html = pattern(plain), pattern(html)
    for row in rows:
        row.subject = in_text.sub(FORMER_MEMBER, row.subject)[:200]
        row.body_text = in_text.sub(FORMER_MEMBER, row.body_text)
        row.body_html = in_html.sub(escape(FORMER_MEMBER), row.body_html)
        row.last_error = in_text.sub(FORMER_MEMBER, row.last_error) if row.last_error else row.last_error
        if row.attachment_text:
            row.attachment_text = in_text.sub(FORMER_MEMBER, row.attachment_text)
        session.add(row)
    return len(rows)
