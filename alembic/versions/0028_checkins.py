"""checkins: "How is your mentoring going?" every few weeks (one row per member and round), and
app_settings for the interval admins choose

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30 10:39:11.948740
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mentoring_app.models.types
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_settings",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relationship_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("created_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("key_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("answer", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("answered_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_via", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_checkins_member_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["relationship_id"],
            ["relationships.id"],
            name=op.f("fk_checkins_relationship_id_relationships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("key_digest", name=op.f("uq_checkins_key_digest")),
        sa.UniqueConstraint("relationship_id", "member_id", "round", name="uq_checkins_round"),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_member_id"))
        batch_op.drop_index("ix_checkins_created_at")

    op.drop_table("checkins")
    op.drop_table("app_settings")
