"""shortlist: the mentors each mentee saved (Save mentor on Find mentor and profiles)

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

import mentoring_app.models.types
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_mentors",
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentee_id"], ["users.id"], name=op.f("fk_saved_mentors_mentee_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_saved_mentors_mentor_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("mentee_id", "mentor_id", name=op.f("pk_saved_mentors")),
    )
    with op.batch_alter_table("saved_mentors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_mentors_mentor_id"), ["mentor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("saved_mentors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_mentors_mentor_id"))
    op.drop_table("saved_mentors")
