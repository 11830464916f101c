"""session handoffs

The session cookie becomes HttpOnly: a log-in over the websocket leaves a one-time code (its
digest here) that the browser exchanges, in a plain HTTP request, for the cookie.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 04:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mentoring_app.models.types
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_session_handoffs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_handoffs")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_session_handoffs_code_digest")),
    )
    with op.batch_alter_table("session_handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_handoffs_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("session_handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_handoffs_user_id"))
    op.drop_table("session_handoffs")
