"""Check-ins: every few weeks each member of an active pair is asked "How is your mentoring going?"
(1 to 5), in the app and by email, with an optional note in the app.

- Scheduling (``run_due_checkins``) runs in the app's due jobs on every instance. A pair's next
  round is due ``interval_weeks`` after its last round (or after acceptance); each member's row is
  unique per (relationship, member, round), so a second runner racing the first fails on the
  constraint, rolls back, and sends nothing (no email twice).
- The email's buttons are links carrying the check-in's id, the answer and a random key of which
  only the SHA-256 digest is stored. A link records once (a conditional UPDATE on
  ``answered_at IS NULL``), only before it expires, and only for the check-in it was made for.
- A member's answers are theirs and the admins': ``my_checkin`` reads the actor's own row only;
  nothing here reads the partner's answers for a member (services/staff/checkin_attention is the
  admins' side).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app import live
from mentoring_app.models import Relationship, User
from mentoring_app.models.checkins import AppSetting, Checkin
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import UTCDateTime, utcnow
from mentoring_app.services.accounts.auth import digest
from mentoring_app.services.conversations import notifications
from mentoring_app.services.errors import NotAllowed, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import dashboard_path, member_relationship
from mentoring_app.services.outbox import mail

CHECKIN_PART = "checkin"  # the dashboard part (dashboard_snapshot) that shows the member's check-in
INTERVAL_KEY = "checkin_weeks"
DEFAULT_WEEKS, MIN_WEEKS, MAX_WEEKS = 4, 1, 26
LINK_LIFETIME = timedelta(days=14)
LOW = 2  # answers of 1 or 2 are low
NOTE_LIMIT = 1000
QUESTION = "How is your mentoring going?"
SCALE = {1: "Very badly", 2: "Badly", 3: "So-so", 4: "Well", 5: "Very well"}
LINK_PATH = "/check-in"

RECORDED, ALREADY, EXPIRED, INVALID = "recorded", "already", "expired", "invalid"


def _show_in_open_dashboards(session: Session, relationship_id: int, member_id: int) -> None:
    """Once committed, the member's own open dashboards of this relationship re-read their
    check-in (that part only, and never the partner's tabs)."""
    live.publish_after_commit(session, [member_id], live.relationship_topic(relationship_id, CHECKIN_PART))


def interval_weeks(session: Session) -> int:
    """Weeks between check-ins (the admins' setting; DEFAULT_WEEKS until one is saved)."""
    row = session.get(AppSetting, INTERVAL_KEY)
    try:
        weeks = int(row.value) if row else DEFAULT_WEEKS
    except ValueError:
        return DEFAULT_WEEKS
    return min(max(weeks, MIN_WEEKS), MAX_WEEKS)


def clean_weeks(raw: object) -> int:
    """An interval typed by an admin, or ValidationFailed with the field's message."""
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not text.isdigit() or not MIN_WEEKS <= int(text) <= MAX_WEEKS:
        raise ValidationFailed({"weeks": f"Enter a whole number of weeks from {MIN_WEEKS} to {MAX_WEEKS}."})
    return int(text)


def link_url(checkin_id: int, key: str, answer: int) -> str:
    return mail.link(LINK_PATH + "?" + urlencode({"c": checkin_id, "key": key, "answer": answer}))


def checkin_email(
    name: str, partner_name: str, *, checkin_id: int, key: str, relationship_id: int
) -> mail.Email:
    days = LINK_LIFETIME.days
    return mail.compose_choices(
        kind="checkin",
        subject=f"{QUESTION} Your check-in with {partner_name}",
        greeting_name=name,
        paragraphs=[
            f"{QUESTION} Choose a number from 1 (very badly) to 5 (very well) for your mentoring "
            f"with {partner_name}. One tap records it; you do not need to log in.",
            f"Only you and the platform's staff see your answer: {partner_name} never does. "
            f"The buttons work once and for {days} days.",
        ],
        choices=[(str(n), f"{n} ({SCALE[n].lower()})", link_url(checkin_id, key, n)) for n in SCALE],
        action=("Add a note in the app", mail.link(dashboard_path(relationship_id))),
    )


def send_round(session: Session, rel: tuple[int, int, int], round_no: int, now: datetime) -> bool:
    """Both members' check-ins of one round, their notifications and emails, in one transaction
    (the scheduler's step, and the demo data's); False (nothing sent) when another runner sent
    this round first."""
    rid, mentee_id, mentor_id = rel
    members = {u.id: u for u in session.exec(select(User).where(User.id.in_((mentee_id, mentor_id)))).all()}  # type: ignore[union-attr]
    try:
        for member_id, partner_id in ((mentee_id, mentor_id), (mentor_id, mentee_id)):
            key = secrets.token_urlsafe(32)
            row = Checkin(
                relationship_id=rid,
                member_id=member_id,
                round=round_no,
                created_at=now,
                expires_at=now + LINK_LIFETIME,
                key_digest=digest(key),
            )
            session.add(row)
            session.flush()  # the unique round: a racing runner stops here
            _show_in_open_dashboards(session, rid, member_id)
            member, partner = members.get(member_id), members.get(partner_id)
            if member is None or partner is None or not member.is_active:
                continue
            notifications.notify(
                session,
                user_id=member_id,
                kind="checkin",
                template=QUESTION + " Answer your check-in with {actor}.",
                actor_id=partner_id,
                link=dashboard_path(rid),
            )
            mail.queue(
                session,
                to=member.email,
                recipient_id=member_id,
                email=checkin_email(
                    member.name,
                    partner.name,
                    checkin_id=row.id,
                    key=key,
                    relationship_id=rid,  # type: ignore[arg-type]
                ),
            )
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def run_due_checkins(session: Session, *, now: datetime | None = None) -> int:
    """Send the check-ins that are due (every ``interval_weeks`` per active pair); returns how many
    pairs were sent one. Safe to run again, and on several instances at once."""
    now = now or utcnow()
    every = timedelta(weeks=interval_weeks(session))
    latest = (
        select(
            Checkin.relationship_id,
            func.max(Checkin.round).label("round_no"),
            type_coerce(func.max(Checkin.created_at), UTCDateTime()).label("at"),
        )
        .group_by(Checkin.relationship_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Relationship.id,
            Relationship.mentee_id,
            Relationship.mentor_id,
            Relationship.decided_at,
            Relationship.created_at,
            latest.c.round_no,
            latest.c.at,
        )
        .outerjoin(latest, latest.c.relationship_id == Relationship.id)
        .where(
            Relationship.status == ACCEPTED,
            type_coerce(
                func.coalesce(latest.c.at, Relationship.decided_at, Relationship.created_at), UTCDateTime()
            )
            <= now - every,
        )
        .order_by(Relationship.id)
    ).all()
    sent = 0
    for rid, mentee_id, mentor_id, decided_at, created_at, round_no, last_at in rows:
        since = last_at or decided_at or created_at
        if since + every > now:
            continue
        if send_round(session, (rid, mentee_id, mentor_id), (round_no or 0) + 1, now):
            sent += 1
    return sent


@dataclass(frozen=True)
class LinkOutcome:
    """What opening an emailed check-in link did."""

    status: str  # RECORDED, ALREADY, EXPIRED or INVALID
    answer: int = 0
    relationship_id: int = 0


def _answer_value(raw: object) -> int | None:
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    return int(text) if text.isdigit() and int(text) in SCALE else None


def record_from_link(
    session: Session, *, checkin_id: object, key: object, answer: object, now: datetime | None = None
) -> LinkOutcome:
    """Record the answer of an emailed button, without a log-in: the key must be the one made for
    this check-in, unused, and not expired. Commits."""
    now = now or utcnow()
    value = _answer_value(answer)
    raw_id = (
        str(checkin_id) if isinstance(checkin_id, (str, int)) and not isinstance(checkin_id, bool) else ""
    )
    cid = int(raw_id) if raw_id.isdigit() and len(raw_id) < 19 else 0
    if value is None or not cid or not isinstance(key, str) or not 20 <= len(key) <= 100:
        return LinkOutcome(INVALID)
    row = session.get(Checkin, cid)
    if row is None or not hmac.compare_digest(row.key_digest, digest(key)):
        return LinkOutcome(INVALID)
    if row.answered_at is not None:
        return LinkOutcome(ALREADY, row.answer or 0, row.relationship_id)
    if row.expires_at <= now:
        return LinkOutcome(EXPIRED, 0, row.relationship_id)
    claimed = session.exec(
        update(Checkin)  # type: ignore[call-overload]
        .where(Checkin.id == cid, Checkin.answered_at.is_(None), Checkin.expires_at > now)  # type: ignore[union-attr]
        .values(answer=value, answered_at=now, answered_via="email")
    )
    if claimed.rowcount != 1:
        session.rollback()
        return LinkOutcome(ALREADY, 0, row.relationship_id)
    _show_in_open_dashboards(session, row.relationship_id, row.member_id)
    session.commit()
    return LinkOutcome(RECORDED, value, row.relationship_id)


@dataclass(frozen=True)
class CheckinView:
    """The actor's own latest open check-in on one relationship (never the partner's)."""

    checkin_id: int
    asked_at: datetime
    answer: int | None
    note: str


def _latest_open(session: Session, rid: int, member_id: int, now: datetime) -> Checkin | None:
    """The member's latest check-in here while it is open (one read of the unique index)."""
    row = session.exec(
        select(Checkin)
        .where(Checkin.relationship_id == rid, Checkin.member_id == member_id)
        .order_by(Checkin.round.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    return row if row is not None and row.expires_at > now else None


def my_checkin(
    session: Session, *, actor: User | None, relationship_id: int, now: datetime | None = None
) -> CheckinView | None:
    """The actor's check-in to show on the dashboard (None: nothing open for them here)."""
    member, rel = member_relationship(session, actor, relationship_id)
    if rel.status != ACCEPTED:
        return None
    row = _latest_open(session, rel.id, member.id, now or utcnow())  # type: ignore[arg-type]
    if row is None:
        return None
    return CheckinView(checkin_id=row.id, asked_at=row.created_at, answer=row.answer, note=row.note or "")  # type: ignore[arg-type]


def _clean_note(note: object) -> str:
    text = note.strip() if isinstance(note, str) else ""
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed(
            {"note": f"Keep the note under {NOTE_LIMIT:,} characters (it has {len(text):,})."}
        )
    return text


def answer_checkin(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    answer: object,
    note: object = "",
    now: datetime | None = None,
) -> CheckinView:
    """Answer the actor's own open check-in in the app (or, once answered, add or change its note).
    Commits."""
    now = now or utcnow()
    member, rel = member_relationship(session, actor, relationship_id)
    row = _latest_open(session, rel.id, member.id, now) if rel.status == ACCEPTED else None  # type: ignore[arg-type]
    if row is None:
        raise NotAllowed("There is no check-in waiting for you here.")
    text = _clean_note(note)
    if row.answered_at is None:
        value = _answer_value(answer)
        if value is None:
            raise ValidationFailed({"answer": "Choose how it is going, from 1 to 5."})
        done = session.exec(
            update(Checkin)  # type: ignore[call-overload]
            .where(Checkin.id == row.id, Checkin.answered_at.is_(None))  # type: ignore[union-attr]
            .values(answer=value, note=text or None, answered_at=now, answered_via="app")
        )
        if done.rowcount != 1:  # answered from the email meanwhile: keep that answer, add the note
            session.rollback()
            row = session.get(Checkin, row.id)
            assert row is not None
            row.note = text or row.note
    elif not text:
        raise ValidationFailed({"note": "Write a note to save, or leave it: your answer is recorded."})
    else:
        row.note = text
    _show_in_open_dashboards(session, rel.id, member.id)  # type: ignore[arg-type]
    session.commit()
    session.refresh(row)
    return CheckinView(checkin_id=row.id, asked_at=row.created_at, answer=row.answer, note=row.note or "")  # type: ignore[arg-type]
