"""email preferences per type (requests, messages, meetings, check-ins, news) with a weekly digest,
and the unsubscribe URL of each outbox email; users.message_emails moves into the new table

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mentoring_app.models.types
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TYPES = ("requests", "messages", "meetings", "checkins", "news")


def upgrade() -> None:
    op.create_table(
        "email_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true()) for name in TYPES),
        sa.Column("message_digest", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("notification_digest", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("digest_since", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("digest_due_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_email_preferences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_email_preferences")),
    )
    with op.batch_alter_table("email_preferences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_email_preferences_digest_due_at"), ["digest_due_at"], unique=False
        )
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unsubscribe_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
    # Members who turned message emails off keep them off.
    op.execute(
        sa.text(
            "INSERT INTO email_preferences (user_id, messages, updated_at) "
            "SELECT id, :off, :now FROM users WHERE message_emails = :off"
        ).bindparams(
            sa.bindparam("off", False),
            sa.bindparam(
                "now", mentoring_app.models.types.utcnow(), type_=mentoring_app.models.types.UTCDateTime()
            ),
        )
    )
    # A plain DROP COLUMN (SQLite >= 3.35 too): a batch copy of users would cascade-delete its children.
    op.execute("ALTER TABLE users DROP COLUMN message_emails")


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE users ADD COLUMN message_emails BOOLEAN NOT NULL DEFAULT true"))
    op.execute(
        sa.text(
            "UPDATE users SET message_emails = :off WHERE id IN "
            "(SELECT user_id FROM email_preferences WHERE messages = :off)"
        ).bindparams(off=False)
    )
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_column("unsubscribe_url")
    with op.batch_alter_table("email_preferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_preferences_digest_due_at"))
    op.drop_table("email_preferences")
