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

from mentoring_app import timefmt
from mentoring_app.models import User
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.state.db_calls import call


def text_of(form: FormData, name: str, limit: int = 6000) -> str:
    """A text field of a submitted form (anything else becomes empty); over-long input is cut
    only far beyond the service's own limit, so the service still explains the limit."""
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


class DashboardBase(rx.State, mixin=True):
    relationship_id: int = 0

    def _today(self) -> date:
        """Today where the member is (goal dates and 'in the future' follow their calendar)."""
        return timefmt.local(utcnow(), self.time_zone).date()  # type: ignore[attr-defined]

    async def _attempt(
        self,
        service: Callable[..., Any],
        errors_var: str | None = None,
        **kwargs: Any,
    ) -> tuple[bool, Any, User | None]:
        """Run a change for the current member on this relationship.

        Returns (done, result, member). Field errors go to ``errors_var``; any other refusal becomes
        a toast (queued in ``_refusal``) and nothing else changes on the page.
        """
        self._refusal = ""
        user: User | None = await self._current_member()  # type: ignore[attr-defined]
        if user is None:
            self._refusal = "Please log in again."
            return False, None, None
        try:
            result = await call(service, actor=user, relationship_id=self.relationship_id, **kwargs)
        except ValidationFailed as failure:
            if errors_var:
                setattr(self, errors_var, failure.errors)
            else:
                self._refusal = " ".join(failure.errors.values())
            return False, None, user
        except ServiceError as refusal:
            self._refusal = refusal.message
            return False, None, user
        if errors_var:
            setattr(self, errors_var, {})
        return True, result, user

    _refusal: str = ""
