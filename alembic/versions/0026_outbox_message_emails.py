"""outbox message emails: a new-message email names its message, so the relay can skip it once read

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_emails_message_id"), ["message_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_outbox_emails_message_id_messages", "messages", ["message_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_emails_message_id_messages", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_emails_message_id"))
        batch_op.drop_column("message_id")
