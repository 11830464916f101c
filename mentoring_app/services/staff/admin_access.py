"""Who may run the platform: the one check every admin service starts with."""

from __future__ import annotations

from mentoring_app.models import User
from mentoring_app.services.errors import NotAllowed


def require_admin(actor: User | None) -> User:
    """The actor, if an active admin; otherwise NotAllowed.

    Kept in its own module so the audit log, analytics and exports can check it without importing
    the member services (which import them).
    """
    if actor is None or not actor.is_active or not actor.is_admin:
        raise NotAllowed("Only admins can do that.")
    return actor
