"""Carrying a log-in from the websocket to an HttpOnly cookie.

A log-in is checked over the websocket, where no cookie can be set. The handler asks for a
one-time code instead; the page posts it to a backend route (``web/session_routes.py``), which
redeems it for a new session key and sets that key as an HttpOnly cookie. So the session key
never reaches a state var, a websocket frame or ``document.cookie``.

A code is random (``secrets.token_urlsafe(32)``), stored only as a digest, works once, and
expires after a minute.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from mentoring_app.models import SessionHandoff, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth

LIFETIME = timedelta(seconds=60)


def issue(session: Session, *, user_id: int, now: datetime | None = None) -> str:
    """A one-time code that logs the browser presenting it in as ``user_id``."""
    now = now or utcnow()
    code = secrets.token_urlsafe(32)
    session.exec(delete(SessionHandoff).where(SessionHandoff.expires_at <= now))  # type: ignore[call-overload]
    session.add(
        SessionHandoff(
            user_id=user_id, code_digest=auth.digest(code), created_at=now, expires_at=now + LIFETIME
        )
    )
    session.commit()
    return code


def redeem(session: Session, *, code: str, replacing: str = "", now: datetime | None = None) -> str | None:
    """Use a code up and open the session it stands for: the new session key, or None when the
    code is unknown, used, expired, or its member can no longer log in."""
    if not code or len(code) > 100:
        return None
    now = now or utcnow()
    row = session.exec(select(SessionHandoff).where(SessionHandoff.code_digest == auth.digest(code))).first()
    if row is None:
        return None
    # Claim with a conditional delete, so two requests racing with one code open one session.
    claimed = session.exec(delete(SessionHandoff).where(SessionHandoff.id == row.id))  # type: ignore[call-overload]
    session.commit()
    if claimed.rowcount != 1 or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return auth.open_session(session, user_id=row.user_id, replacing=replacing, now=now)
