"""funnel summary: each mentee's furthest funnel stage, mentees per registration month and
stage, the members to recount, and the triggers that mark them (see mentoring_app/models/funnel.py)

Every existing mentee is marked, so the first funnel read (or ``analytics_funnel.refresh_funnel``)
counts them once.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from mentoring_app.models import funnel

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "funnel_dirty",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("changes", sa.BigInteger(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_funnel_dirty")),
    )
    op.create_table(
        "funnel_mentees",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("stage", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_funnel_mentees")),
    )
    op.create_table(
        "funnel_months",
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("stage", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("mentees", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "stage", name=op.f("pk_funnel_months")),
    )
    dialect = op.get_bind().dialect.name
    for statement in funnel.SQLITE_CREATE if dialect == "sqlite" else funnel.POSTGRES_CREATE:
        op.execute(statement)
    op.execute(funnel.MARK_EVERY_MENTEE)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in funnel.SQLITE_DROP if dialect == "sqlite" else funnel.POSTGRES_DROP:
        op.execute(statement)
    op.drop_table("funnel_months")
    op.drop_table("funnel_mentees")
    op.drop_table("funnel_dirty")
