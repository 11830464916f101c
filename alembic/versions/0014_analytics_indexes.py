"""analytics indexes

Indexes the admin dashboard's "goals set and achieved per month" chart reads: goals by creation
time, and achieved goals by the time they were achieved. Without them the chart compares every
goal with every month.

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-28 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index("ix_goals_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_goals_status_achieved", ["status", "achieved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index("ix_goals_status_achieved")
        batch_op.drop_index("ix_goals_created_at")
