"""matching index freshness: a version counter, per-member change versions, and the triggers
that keep them (see mentoring_app/models/matching_changes.py)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from mentoring_app.models import matching_changes

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "matching_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reset_version", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_version")),
    )
    op.create_table(
        "matching_changes",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_matching_changes")),
    )
    with op.batch_alter_table("matching_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matching_changes_version"), ["version"], unique=False)
    op.execute("INSERT INTO matching_version (id, version, reset_version) VALUES (1, 0, 0)")
    dialect = op.get_bind().dialect.name
    statements = matching_changes.SQLITE_CREATE if dialect == "sqlite" else matching_changes.POSTGRES_CREATE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = matching_changes.SQLITE_DROP if dialect == "sqlite" else matching_changes.POSTGRES_DROP
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("matching_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matching_changes_version"))
    op.drop_table("matching_changes")
    op.drop_table("matching_version")
