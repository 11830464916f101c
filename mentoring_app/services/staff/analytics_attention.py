"""The admin dashboard's headline numbers and what needs attention (services/staff/analytics)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, type_coerce
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from mentoring_app.models import Relationship, RelationshipEvent, Report, Thread, User, VisitMonth
from mentoring_app.models.relationships import ACCEPTED, REQUESTED
from mentoring_app.models.types import UTCDateTime, utcnow
from mentoring_app.services.mentoring.relationships import EXPIRE_AFTER
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.analytics_common import (
    ATTENTION_LIST,
    EXPIRY_WARNING,
    QUIET_AFTER,
    ExpiringRequest,
    NeedsAttention,
    OpenReport,
    QuietPair,
    Summary,
    count_if,
    first_of_month,
    month_key,
)


def summary(session: Session, *, actor: User | None, today: date | None = None) -> Summary:
    """The numbers on top of the dashboard: members by role, relationships, requests, visits."""
    require_admin(actor)
    today = today or utcnow().date()
    active = User.is_active.is_(True)  # type: ignore[attr-defined]
    mentor, mentee = User.is_mentor.is_(True), User.is_mentee.is_(True)  # type: ignore[attr-defined]
    members = session.execute(
        select(
            count_if(and_(active, mentor, ~mentee)),
            count_if(and_(active, mentee, ~mentor)),
            count_if(and_(active, mentor, mentee)),
            count_if(and_(active, User.is_admin.is_(True))),  # type: ignore[attr-defined]
            count_if(~active),
        )
    ).one()
    relationships = session.execute(
        select(count_if(Relationship.status == ACCEPTED), count_if(Relationship.status == REQUESTED)).where(
            Relationship.status.in_((ACCEPTED, REQUESTED))  # type: ignore[attr-defined]
        )
    ).one()
    this_month = first_of_month(today)
    last_month = first_of_month(this_month.date() - timedelta(days=1))
    counted = dict(
        session.execute(
            select(VisitMonth.month, VisitMonth.visits).where(
                VisitMonth.month.in_((month_key(this_month), month_key(last_month)))  # type: ignore[attr-defined]
            )
        ).all()
    )
    visits = (counted.get(month_key(this_month), 0), counted.get(month_key(last_month), 0))
    now_visits, before = int(visits[0]), int(visits[1])
    return Summary(
        mentors=int(members[0]),
        mentees=int(members[1]),
        both=int(members[2]),
        admins=int(members[3]),
        deactivated=int(members[4]),
        active_relationships=int(relationships[0]),
        pending_requests=int(relationships[1]),
        visits_this_month=now_visits,
        visits_last_month=before,
        visits_change_percent=round(100 * (now_visits - before) / before, 1) if before else None,
    )


def _pair_thread_join() -> ColumnElement[bool]:
    """Relationship to its pair's message thread (threads store the pair as low id, high id)."""
    low = case(
        (Relationship.mentee_id < Relationship.mentor_id, Relationship.mentee_id),
        else_=Relationship.mentor_id,
    )  # type: ignore[arg-type]
    high = case(
        (Relationship.mentee_id < Relationship.mentor_id, Relationship.mentor_id),
        else_=Relationship.mentee_id,
    )  # type: ignore[arg-type]
    return and_(Thread.low_id == low, Thread.high_id == high)


def _later(first: ColumnElement, second: ColumnElement) -> ColumnElement:
    """The later of two non-null timestamps (portable: SQLite has no GREATEST)."""
    return case((first > second, first), else_=second)


def needs_attention(session: Session, *, actor: User | None, now: datetime | None = None) -> NeedsAttention:
    """Pairs quiet for 21 days, requests in their last 3 days before expiry, and open reports.

    A pair's last activity is the latest of: their latest message (either way), the relationship's
    latest recorded transition, and its ``updated_at``, which every transition and every change
    on the relationship dashboard sets (agreement, goals, milestones, meetings scheduled, logged
    or cancelled, reflections: see relationship_access.bump).
    """
    require_admin(actor)
    now = now or utcnow()
    mentee, mentor = User.__table__.alias("mentee"), User.__table__.alias("mentor")  # type: ignore[attr-defined]
    cutoff = now - QUIET_AFTER
    latest_event = (
        select(func.max(RelationshipEvent.at))
        .where(RelationshipEvent.relationship_id == Relationship.id)
        .correlate(Relationship)
        .scalar_subquery()
    )
    changed = Relationship.updated_at
    last_activity = type_coerce(
        _later(
            _later(func.coalesce(Thread.last_message_at, changed), changed),
            func.coalesce(latest_event, changed),
        ),
        UTCDateTime(),
    )
    recent_event = exists().where(
        RelationshipEvent.relationship_id == Relationship.id,
        RelationshipEvent.at >= cutoff,  # type: ignore[operator]
    )
    quiet_where = and_(
        Relationship.status == ACCEPTED,
        changed < cutoff,  # type: ignore[operator]
        or_(Thread.id.is_(None), Thread.last_message_at < cutoff),  # type: ignore[union-attr, operator]
        ~recent_event,
    )
    quiet_from = Relationship.__table__.outerjoin(Thread, _pair_thread_join())  # type: ignore[attr-defined]
    quiet_total = session.execute(
        select(func.count()).select_from(quiet_from).where(quiet_where)
    ).scalar_one()
    quiet_rows = session.execute(
        select(Relationship.id, mentee.c.id, mentee.c.name, mentor.c.id, mentor.c.name, last_activity)
        .select_from(
            quiet_from.join(mentee, mentee.c.id == Relationship.mentee_id).join(
                mentor, mentor.c.id == Relationship.mentor_id
            )
        )
        .where(quiet_where)
        .order_by(last_activity, Relationship.id)
        .limit(ATTENTION_LIST)
    ).all()
    quiet = tuple(
        QuietPair(
            relationship_id=row[0],
            mentee_id=row[1],
            mentee_name=row[2],
            mentor_id=row[3],
            mentor_name=row[4],
            last_activity_at=row[5],
            days_quiet=(now - row[5]).days,
        )
        for row in quiet_rows
    )
    warn_before = now - (EXPIRE_AFTER - EXPIRY_WARNING)
    expiring_where = and_(Relationship.status == REQUESTED, Relationship.created_at <= warn_before)  # type: ignore[operator]
    expiring_total = session.execute(select(func.count(Relationship.id)).where(expiring_where)).scalar_one()
    expiring_rows = session.execute(
        select(
            Relationship.id, mentee.c.id, mentee.c.name, mentor.c.id, mentor.c.name, Relationship.created_at
        )
        .join(mentee, mentee.c.id == Relationship.mentee_id)
        .join(mentor, mentor.c.id == Relationship.mentor_id)
        .where(expiring_where)
        .order_by(Relationship.created_at, Relationship.id)
        .limit(ATTENTION_LIST)
    ).all()
    expiring = tuple(
        ExpiringRequest(
            relationship_id=row[0],
            mentee_id=row[1],
            mentee_name=row[2],
            mentor_id=row[3],
            mentor_name=row[4],
            sent_at=row[5],
            expires_at=row[5] + EXPIRE_AFTER,
        )
        for row in expiring_rows
    )
    reporter, subject = User.__table__.alias("reporter"), User.__table__.alias("subject")  # type: ignore[attr-defined]
    open_where = Report.resolved_at.is_(None)  # type: ignore[union-attr]
    open_total = session.execute(select(func.count(Report.id)).where(open_where)).scalar_one()
    report_rows = session.execute(
        select(Report.id, reporter.c.name, subject.c.name, Report.message_id, Report.created_at)
        .join(reporter, reporter.c.id == Report.reporter_id)
        .join(subject, subject.c.id == Report.subject_user_id)
        .where(open_where)
        .order_by(Report.created_at, Report.id)
        .limit(ATTENTION_LIST)
    ).all()
    reports = tuple(
        OpenReport(
            report_id=row[0],
            reporter_name=row[1],
            subject_name=row[2],
            about_message=row[3] is not None,
            created_at=row[4],
        )
        for row in report_rows
    )
    return NeedsAttention(
        quiet_pairs=quiet,
        quiet_pairs_total=int(quiet_total),
        expiring_requests=expiring,
        expiring_requests_total=int(expiring_total),
        open_reports=reports,
        open_reports_total=int(open_total),
    )
