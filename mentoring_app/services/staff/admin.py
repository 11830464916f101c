"""Staff operations on members. Every function checks that the actor is an active admin, and
every change is written to the audit log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from mentoring_app.models import ContactDetails, PasswordReset, Profile, Relationship, Report, User
from mentoring_app.models.relationships import ACCEPTED, REQUESTED
from mentoring_app.models.types import utcnow
from mentoring_app.services import limits
from mentoring_app.services.accounts import auth
from mentoring_app.services.accounts.passwords import hash_password, password_problem
from mentoring_app.services.accounts.people import DELETED_DOMAIN
from mentoring_app.services.discovery.offering import sync_offer
from mentoring_app.services.errors import NotFound, ServiceError, ValidationFailed
from mentoring_app.services.staff import audit
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.services.staff.member_import import import_members

PAGE_SIZE = 50
MAX_IMPORT_BYTES = 5 * 1024 * 1024

__all__ = [
    "ImportResult",
    "MemberDetail",
    "MemberRow",
    "create_admin",
    "find_members",
    "import_members_csv",
    "member_detail",
    "require_admin",
    "resend_invitation",
    "set_active",
    "set_admin",
]


@dataclass(frozen=True)
class MemberRow:
    """What the members list shows an admin."""

    id: int
    name: str
    email: str
    role: str
    is_admin: bool
    is_active: bool
    joined: datetime
    last_active: datetime | None


def find_members(
    session: Session, *, actor: User | None, query: str = "", limit: int = PAGE_SIZE
) -> list[MemberRow]:
    """Members whose name or email contains the query, newest first."""
    require_admin(actor)
    statement = select(User)
    words = query.strip().casefold()
    if words:
        pattern = f"%{words}%"
        statement = statement.where(or_(func.lower(User.name).like(pattern), User.email_key.like(pattern)))  # type: ignore[attr-defined]
    rows = session.exec(statement.order_by(User.created_at.desc(), User.id.desc()).limit(limit)).all()  # type: ignore[attr-defined, union-attr]
    return [
        MemberRow(
            id=row.id,  # type: ignore[arg-type]
            name=row.name,
            email=row.email,
            role=row.role_label,
            is_admin=row.is_admin,
            is_active=row.is_active,
            joined=row.created_at,
            last_active=row.last_active_at,
        )
        for row in rows
    ]


def set_active(session: Session, *, actor: User | None, user_id: int, active: bool) -> User:
    """Deactivate (ending every session at once) or reactivate a member."""
    admin = require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That member does not exist.")
    if user.id == admin.id and not active:
        raise ServiceError("You cannot deactivate your own account.")
    if active and user.email_key.endswith(DELETED_DOMAIN):
        raise ServiceError("This member deleted their account: it cannot be reactivated.")
    changed = user.is_active != active
    user.is_active = active
    session.add(user)
    ended = 0
    if not active:
        ended = auth.close_all_sessions(session, user_id=user_id)
    if changed:
        audit.record(
            session,
            actor=admin,
            action="member.reactivate" if active else "member.deactivate",
            target_type="user",
            target_id=user.id,
            summary="Reactivated" if active else f"Deactivated (ended {ended} session(s))",
        )
    session.flush()
    sync_offer(session, user_id)  # a deactivated mentor is never offered
    session.commit()
    return user


def set_admin(session: Session, *, actor: User | None, user_id: int, is_admin: bool) -> User:
    """Make a member an admin, or remove the role (never from yourself)."""
    admin = require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That member does not exist.")
    if user.id == admin.id and not is_admin:
        raise ServiceError("You cannot remove your own admin role.")
    if user.is_admin != is_admin:
        audit.record(
            session,
            actor=admin,
            action="member.make_admin" if is_admin else "member.remove_admin",
            target_type="user",
            target_id=user.id,
            summary="Made admin" if is_admin else "Removed admin role",
        )
    user.is_admin = is_admin
    session.add(user)
    session.commit()
    return user


def create_admin(
    session: Session, *, email: str, password: str, name: str, now: datetime | None = None
) -> tuple[User, bool]:
    """Create an admin account, or make an existing account an admin with this password.

    Used by the operator's CLI, which is trusted; returns (user, created).
    """
    now = now or utcnow()
    problem = password_problem(password, user_inputs=[name, email])
    if problem:
        raise ValidationFailed({"password": problem})
    user = session.exec(select(User).where(User.email_key == auth.email_key(email))).first()
    created = user is None
    if user is None:
        errors: dict[str, str] = {}
        try:
            clean_email = auth.clean_email(email)
        except ValueError as error:
            errors["email"] = str(error)
        try:
            clean_name = auth.clean_name(name)
        except ValueError as error:
            errors["name"] = str(error)
        if errors:
            raise ValidationFailed(errors)
        user = User(
            name=clean_name,
            email=clean_email,
            email_key=auth.email_key(clean_email),
            password_hash="",
            created_at=now,
        )
    user.is_admin = True
    user.is_active = True
    user.email_verified_at = user.email_verified_at or now  # the operator vouches for the address
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    session.add(user)
    session.flush()
    if not created:
        auth.close_all_sessions(session, user_id=user.id)  # type: ignore[arg-type]
    audit.record(
        session,
        actor=None,
        action="member.create_admin",
        target_type="user",
        target_id=user.id,
        summary="Created admin" if created else "Made admin, with a new password",
        now=now,
    )
    session.commit()
    return user, created


@dataclass(frozen=True)
class MemberDetail:
    """One member as an admin sees them: account, profile summary, relationships, invitation."""

    id: int
    name: str
    email: str
    role: str
    is_mentor: bool
    is_mentee: bool
    is_admin: bool
    is_active: bool
    joined: datetime
    last_active: datetime | None
    headline: str
    completeness: int  # percent
    mentor_matchable: bool
    available: bool
    capacity: int
    contact_email: str  # contact details: admins may see them (PRODUCT.md section 2)
    contact_phone: str
    active_as_mentor: int  # accepted relationships where they mentor
    active_as_mentee: int
    pending_sent: int  # requests they sent that wait for an answer
    pending_received: int
    relationships_total: int  # every request or relationship, in any state
    open_reports_about: int
    has_password: bool  # False: imported and never chose one (an invitation can be resent)
    invitation_pending: bool  # an unused invitation link that has not expired
    invitation_sent_at: datetime | None  # the newest invitation


def member_detail(
    session: Session, *, actor: User | None, user_id: int, now: datetime | None = None
) -> MemberDetail:
    """Everything the member page of the admin area shows, in a handful of small queries."""
    require_admin(actor)
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That member does not exist.")
    profile = session.get(Profile, user_id)
    contact = session.get(ContactDetails, user_id)

    mine = or_(Relationship.mentor_id == user_id, Relationship.mentee_id == user_id)
    counts = session.execute(
        select(
            func.count(Relationship.id),
            func.count(Relationship.id).filter(
                (Relationship.mentor_id == user_id) & (Relationship.status == ACCEPTED)
            ),
            func.count(Relationship.id).filter(
                (Relationship.mentee_id == user_id) & (Relationship.status == ACCEPTED)
            ),
            func.count(Relationship.id).filter(
                (Relationship.mentee_id == user_id) & (Relationship.status == REQUESTED)
            ),
            func.count(Relationship.id).filter(
                (Relationship.mentor_id == user_id) & (Relationship.status == REQUESTED)
            ),
        ).where(mine)
    ).one()
    open_reports = session.execute(
        select(func.count(Report.id)).where(Report.subject_user_id == user_id, Report.resolved_at.is_(None))  # type: ignore[union-attr]
    ).scalar_one()
    invitation = session.exec(
        select(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.purpose == "invite")
        .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc())  # type: ignore[attr-defined, union-attr]
        .limit(1)
    ).first()
    has_password = user.password_hash != auth.UNUSABLE_PASSWORD
    return MemberDetail(
        id=user.id,  # type: ignore[arg-type]
        name=user.name,
        email=user.email,
        role=user.role_label,
        is_mentor=user.is_mentor,
        is_mentee=user.is_mentee,
        is_admin=user.is_admin,
        is_active=user.is_active,
        joined=user.created_at,
        last_active=user.last_active_at,
        headline=profile.headline if profile else "",
        completeness=profile.completeness if profile else 0,
        mentor_matchable=bool(profile and profile.mentor_matchable),
        available=bool(profile and profile.available),
        capacity=profile.capacity if profile else 0,
        contact_email=contact.email if contact else "",
        contact_phone=contact.phone if contact else "",
        relationships_total=int(counts[0]),
        active_as_mentor=int(counts[1]),
        active_as_mentee=int(counts[2]),
        pending_sent=int(counts[3]),
        pending_received=int(counts[4]),
        open_reports_about=int(open_reports),
        has_password=has_password,
        invitation_pending=bool(
            not has_password and invitation and invitation.used_at is None and invitation.expires_at > now
        ),
        invitation_sent_at=invitation.created_at if invitation else None,
    )


def resend_invitation(
    session: Session, *, actor: User | None, user_id: int, now: datetime | None = None
) -> None:
    """Email an imported member who never chose a password a new 7-day link to choose one.

    Their earlier invitation links stop working, so only the newest email's link is valid. Members
    who have a password already are refused: Forgot password is their way back in. Resends are
    limited per member (services/limits.py), so no one's inbox is flooded by repeated clicks.
    """
    admin = require_admin(actor)
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That member does not exist.")
    if not user.is_active:
        raise ServiceError("Reactivate this member before inviting them again.")
    if user.password_hash != auth.UNUSABLE_PASSWORD:
        raise ServiceError(f"{user.name} has chosen a password already: they can use Forgot password.")
    limits.enforce(session, "invitation_resend", f"user:{user.id}", now=now)
    session.exec(
        update(PasswordReset)  # type: ignore[call-overload]
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.purpose == "invite",
            PasswordReset.used_at.is_(None),  # type: ignore[union-attr]
        )
        .values(used_at=now)
    )
    auth.create_invitation(session, user=user, now=now)
    audit.record(
        session,
        actor=admin,
        action="member.resend_invitation",
        target_type="user",
        target_id=user.id,
        summary="Invitation sent again",
        now=now,
    )
    session.commit()


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows created and updated, and each refused row with its line number."""

    created: int
    updated: int
    errors: tuple[tuple[int, str], ...]

    @property
    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {len(self.errors)} rejected"


def import_members_csv(
    session: Session, *, actor: User | None, data: bytes, now: datetime | None = None
) -> ImportResult:
    """Import an uploaded CSV file, in the same format as ``mentoring_app.cli import-members``.

    New members are invited by email; existing ones (same email) are updated. Each row succeeds
    or fails on its own (see services/member_import); the import itself is audited.
    """
    admin = require_admin(actor)
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationFailed({"file": f"Upload at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB."})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed({"file": "Save the file as CSV in UTF-8 and upload it again."}) from error
    report = import_members(session, csv_text=text, now=now)
    result = ImportResult(created=report.created, updated=report.updated, errors=tuple(report.rejected))
    audit.record(
        session,
        actor=admin,
        action="member.import",
        target_type="import",
        target_id=None,
        summary=f"Imported members from CSV: {result.summary}",
        now=now,
    )
    session.commit()
    return result
