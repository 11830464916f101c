"""requests chart covering index: relationship_events by (to_status, at, from_status)

The admin dashboard's "requests per month" chart counts transitions by status and month, and
"sent" only when ``from_status`` is empty: with ``from_status`` in the index the chart reads the
index alone instead of looking up one table row per transition. It replaces (to_status, at), which
it begins with (the chart was the only reader of that index).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_relationship_events_status_at_from",
        "relationship_events",
        ["to_status", "at", "from_status"],
        unique=False,
    )
    op.drop_index("ix_relationship_events_to_status_at", table_name="relationship_events")


def downgrade() -> None:
    op.create_index(
        "ix_relationship_events_to_status_at", "relationship_events", ["to_status", "at"], unique=False
    )
    op.drop_index("ix_relationship_events_status_at_from", table_name="relationship_events")
