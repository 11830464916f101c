"""Staff operations on members. Every function checks that the actor is an active admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from mentoring_app.models import User
from mentoring_app.models.types import utcnow
from mentoring_app.services import auth
from mentoring_app.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from mentoring_app.services.matching import sync_offer
from mentoring_app.services.passwords import hash_password, password_problem

PAGE_SIZE = 50


def require_admin(actor: User | None) -> User:
    """The actor, if an active admin; otherwise NotAllowed."""
    if actor is None or not actor.is_active or not actor.is_admin:
        raise NotAllowed("Only admins can do that.")
    return actor


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
    user.is_active = active
    session.add(user)
    if not active:
        auth.close_all_sessions(session, user_id=user_id)
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
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    session.add(user)
    session.flush()
    if not created:
        auth.close_all_sessions(session, user_id=user.id)  # type: ignore[arg-type]
    session.commit()
    return user, created
