"""What every part of the relationship dashboard shares: which relationship, who is asking, and
how a refused or invalid change is reported.

The relationship id comes from the URL and may be anything a browser sends: each service call
checks that the member is one of the pair (and that the relationship is still open for changes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from mentoring_app import timefmt
from mentoring_app.models import User
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.mentoring import dashboard_snapshot


def text_of(form: FormData, name: str, limit: int = 6000) -> str:
    """A text field of a submitted form (anything else becomes empty); over-long input is cut
    only far beyond the service's own limit, so the service still explains the limit."""
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def _change_then_read(
    session: Session,
    user: User,
    *,
    service: Callable[..., Any],
    relationship_id: int,
    kwargs: dict[str, Any],
    parts: frozenset[str],
    section: str,
    today: date,
) -> tuple[Any, dashboard_snapshot.Snapshot | None]:
    """The change, committed before anything says it happened, then the parts it touched as they
    now stand (None if the relationship can no longer be read)."""
    result = service(session, actor=user, relationship_id=relationship_id, **kwargs)
    session.commit()
    session.expire_all()  # read back what is stored, not what this session remembers
    try:
        found = dashboard_snapshot.snapshot(
            session, actor=user, relationship_id=relationship_id, section=section, today=today, parts=parts
        )
    except ServiceError:
        found = None
    return result, found


class DashboardBase(rx.State, mixin=True):
    relationship_id: int = 0

    def _today(self) -> date:
        """Today where the member is (goal dates and 'in the future' follow their calendar)."""
        return timefmt.local(utcnow(), self.time_zone).date()  # type: ignore[attr-defined]

    async def _attempt(
        self,
        service: Callable[..., Any],
        errors_var: str | None = None,
        *,
        touches: str = "",
        **kwargs: Any,
    ) -> tuple[bool, Any, User | None]:
        """Run a change for the current member on this relationship, then show what it changed.

        One trip to a database thread: the session check, the change (committed), and the parts of
        the dashboard that it ``touches`` (a part's name; "" for the whole dashboard), read
        back and shown. Returns (done, result, member). Field errors go to ``errors_var``; any
        other refusal becomes a toast (queued in ``_refusal``) and nothing else changes on the page.
        """
        self._refusal = ""
        user, answer = await self._as_member(  # type: ignore[attr-defined]
            _change_then_read,
            service=service,
            relationship_id=self.relationship_id,
            kwargs=kwargs,
            parts=dashboard_snapshot.parts_after([touches] if touches else []),
            section=self.section,  # type: ignore[attr-defined]
            today=self._today(),
        )
        if user is None:
            self._refusal = "Please log in again."
            return False, None, None
        if isinstance(answer, ValidationFailed):
            if errors_var:
                setattr(self, errors_var, answer.errors)
            else:
                self._refusal = " ".join(answer.errors.values())
            return False, None, user
        if isinstance(answer, ServiceError):
            self._refusal = answer.message
            return False, None, user
        if errors_var:
            setattr(self, errors_var, {})
        result, found = answer  # type: ignore[misc]
        if found is not None:
            self._show_snapshot(found)  # type: ignore[attr-defined]
        return True, result, user

    _refusal: str = ""
