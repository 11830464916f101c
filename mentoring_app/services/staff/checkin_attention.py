"""The admins' side of check-ins: the interval setting, the pairs whose check-ins need attention
(two low answers, or two unanswered check-ins, in a row from one member) and "Nudge this pair".

Admins only (require_admin); members read their own check-in through services/mentoring/checkins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from mentoring_app.models import Relationship, User
from mentoring_app.models.checkins import AppSetting, Checkin
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits
from mentoring_app.services.errors import NotAllowed
from mentoring_app.services.mentoring.checkins import (
    DEFAULT_WEEKS,
    INTERVAL_KEY,
    LINK_LIFETIME,
    LOW,
    clean_weeks,
    interval_weeks,
)
from mentoring_app.services.mentoring.relationship_access import dashboard_path
from mentoring_app.services.outbox import mail
from mentoring_app.services.staff import audit
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.analytics_common import ATTENTION_LIST, count_if

LOW_ANSWERS, UNANSWERED = "low", "unanswered"


def current_interval(session: Session, *, actor: User | None) -> int:
    require_admin(actor)
    return interval_weeks(session)


def set_interval(session: Session, *, actor: User | None, weeks: object, now: datetime | None = None) -> int:
    """Save the weeks between check-ins (audited); the next run of the due jobs uses it. Commits."""
    admin = require_admin(actor)
    value = clean_weeks(weeks)
    now = now or utcnow()
    row = session.get(AppSetting, INTERVAL_KEY)
    if row is None:
        session.add(AppSetting(key=INTERVAL_KEY, value=str(value), updated_at=now))
    else:
        row.value, row.updated_at = str(value), now
    audit.record(
        session,
        actor=admin,
        action="checkin_interval",
        target_type="setting",
        target_id=None,
        summary=f"Set check-ins to every {value} week{'s' * (value != 1)}",
        now=now,
    )
    session.commit()
    return value


@dataclass(frozen=True)
class CheckinConcern:
    """A pair one of whose members answered low twice in a row, or did not answer twice in a row."""

    relationship_id: int
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    reasons: tuple[str, ...]  # "Two low answers in a row from the mentee", ...


def needs_attention(
    session: Session, *, actor: User | None, now: datetime | None = None
) -> tuple[list[CheckinConcern], int]:
    """Active pairs where a member's last two settled check-ins (answered, or expired unanswered)
    were both low (1 or 2) or both unanswered; at most ATTENTION_LIST pairs, and how many in all."""
    require_admin(actor)
    now = now or utcnow()
    settled = or_(Checkin.answered_at.is_not(None), Checkin.expires_at <= now)  # type: ignore[union-attr, operator]
    # A member's last two rounds of an active pair fall within three intervals (and a link's life;
    # at least the default's, as the interval may just have been shortened): older check-ins are
    # never read, however many years of them pile up.
    horizon = now - 3 * timedelta(weeks=max(interval_weeks(session), DEFAULT_WEEKS)) - LINK_LIFETIME
    ranked = (
        select(
            Checkin.relationship_id,
            Checkin.member_id,
            Checkin.answer,
            Checkin.answered_at,
            func.row_number()
            .over(partition_by=(Checkin.relationship_id, Checkin.member_id), order_by=Checkin.round.desc())  # type: ignore[attr-defined]
            .label("n"),
        )
        .join(Relationship, Relationship.id == Checkin.relationship_id)
        .where(Checkin.created_at >= horizon, Relationship.status == ACCEPTED, settled)  # type: ignore[operator]
        .subquery()
    )
    low = count_if(and_(ranked.c.answer.is_not(None), ranked.c.answer <= LOW))
    silent = count_if(ranked.c.answered_at.is_(None))
    flagged = session.execute(
        select(ranked.c.relationship_id, ranked.c.member_id, low, silent)
        .where(ranked.c.n <= 2)
        .group_by(ranked.c.relationship_id, ranked.c.member_id)
        .having(or_(low == 2, silent == 2))
    ).all()
    by_pair: dict[int, list[tuple[int, str]]] = {}
    for rid, member_id, lows, _silent in flagged:
        by_pair.setdefault(rid, []).append((member_id, LOW_ANSWERS if lows == 2 else UNANSWERED))
    shown = sorted(by_pair)[:ATTENTION_LIST]
    if not shown:
        return [], 0
    mentee, mentor = User.__table__.alias("mentee"), User.__table__.alias("mentor")  # type: ignore[attr-defined]
    pairs = session.execute(
        select(Relationship.id, mentee.c.id, mentee.c.name, mentor.c.id, mentor.c.name)
        .join(mentee, mentee.c.id == Relationship.mentee_id)
        .join(mentor, mentor.c.id == Relationship.mentor_id)
        .where(Relationship.id.in_(shown))  # type: ignore[union-attr]
        .order_by(Relationship.id)
    ).all()
    concerns = []
    for rid, mentee_id, mentee_name, mentor_id, mentor_name in pairs:
        reasons = []
        for member_id, kind in sorted(by_pair[rid], key=lambda m: m[0] != mentee_id):
            who = "the mentee" if member_id == mentee_id else "the mentor"
            reasons.append(
                f"Two low answers in a row from {who}"
                if kind == LOW_ANSWERS
                else f"Two check-ins in a row unanswered by {who}"
            )
        concerns.append(CheckinConcern(rid, mentee_id, mentee_name, mentor_id, mentor_name, tuple(reasons)))
    return concerns, len(by_pair)


def nudge_email(name: str, partner_name: str, relationship_id: int) -> mail.Email:
    return mail.compose(
        kind="checkin_nudge",
        subject=f"How are things with {partner_name}? A note from the {mail.SITE_NAME} team",
        greeting_name=name,
        paragraphs=[
            f"We noticed your mentoring with {partner_name} may need a little help, so we are "
            "writing to you both.",
            "A short message to agree the next meeting often gets things going again. Your dashboard "
            "has guides on keeping mentoring on track, and you can reply to this email if you "
            "would like the team's help.",
        ],
        action=("Open your relationship dashboard", mail.link(dashboard_path(relationship_id))),
    )


def nudge_pair(
    session: Session, *, actor: User | None, relationship_id: int, now: datetime | None = None
) -> None:
    """Email both members of an active pair a nudge (audited). At most once a day per pair, so a
    double click sends once: the second raises LimitReached. Commits."""
    admin = require_admin(actor)
    now = now or utcnow()
    rel = session.get(Relationship, relationship_id) if isinstance(relationship_id, int) else None
    if rel is None or rel.status != ACCEPTED:
        raise NotAllowed("That pair is no longer in an active relationship.")
    limits.enforce(session, "checkin_nudge", str(rel.id), now=now)
    mentee, mentor = session.get(User, rel.mentee_id), session.get(User, rel.mentor_id)
    for member, partner in ((mentee, mentor), (mentor, mentee)):
        if member is not None and partner is not None and member.is_active:
            mail.queue(
                session,
                to=member.email,
                recipient_id=member.id,
                email=nudge_email(member.name, partner.name, rel.id),  # type: ignore[arg-type]
            )
    audit.record(
        session,
        actor=admin,
        action="nudge_pair",
        target_type="relationship",
        target_id=rel.id,
        summary="Sent the pair a nudge email after their check-ins",
        now=now,
    )
    session.commit()
