"""The words for a request's or relationship's status, in one place.

Every screen that names a status (the dashboard's header and Details, Ending, Home, Requests, the
CPD record and the admin's export) asks ``status_label``, so a relationship cannot read "Active"
in one place and "Continuing informally" or "Withdrawn" in another. Continuing informally is a
kind of active relationship: once the relationship is withdrawn or ended, that is what it says,
whatever ``informal_since`` still records.
"""

from __future__ import annotations

from datetime import datetime

from mentoring_app.models.relationships import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    ENDED,
    EXPIRED,
    REQUESTED,
    WITHDRAWN,
)

INFORMAL_LABEL = "Continuing informally"
LABELS = {
    REQUESTED: "Waiting for an answer",
    ACCEPTED: "Active",
    DECLINED: "Declined",
    CANCELLED: "Cancelled",
    EXPIRED: "Expired",
    WITHDRAWN: "Withdrawn",
    ENDED: "Ended",
}


def is_informal(status: str, informal_since: datetime | None) -> bool:
    """Whether the pair are continuing informally now (only an accepted relationship can be)."""
    return status == ACCEPTED and informal_since is not None


def status_label(status: str, informal_since: datetime | None = None) -> str:
    """What the screens call this status: "Active", "Continuing informally", "Withdrawn"..."""
    if is_informal(status, informal_since):
        return INFORMAL_LABEL
    return LABELS.get(status, status.capitalize())
