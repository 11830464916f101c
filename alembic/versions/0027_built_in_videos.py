"""built-in videos: a slug and a built-in flag (synced at start-up like the built-in guides),
WebVTT captions beside an uploaded video file, and the digest of what was last synced

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30 10:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column("built_in", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(
            sa.Column(
                "captions_file_name",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "synced_digest",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_unique_constraint(batch_op.f("uq_videos_slug"), ["slug"])


def downgrade() -> None:
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_videos_slug"), type_="unique")
        batch_op.drop_column("synced_digest")
        batch_op.drop_column("captions_file_name")
        batch_op.drop_column("built_in")
        batch_op.drop_column("slug")
