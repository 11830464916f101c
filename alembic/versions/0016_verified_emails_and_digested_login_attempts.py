"""verified emails and digested log-in attempts

Members confirm their email address before they can log in (``users.email_verified_at``);
members who exist already are taken as confirmed, except invited members who never chose a
password, who confirm by choosing one through their invitation link.

Log-in attempts are keyed by a SHA-256 digest of the case-folded email instead of the email:
existing rows are digested in place, so throttling carries on and no address stays in clear.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 10:00:00.000000
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mentoring_app.models.types
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNUSABLE_PASSWORD = "!"  # noqa: S105 - services/accounts/auth.py's marker for "no password chosen yet"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "email_verified_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    users = sa.table(
        "users",
        sa.column("email_verified_at", mentoring_app.models.types.UTCDateTime(timezone=True)),
        sa.column("created_at", mentoring_app.models.types.UTCDateTime(timezone=True)),
        sa.column("password_hash", sa.String),
    )
    op.execute(
        users.update()
        .where(users.c.password_hash != UNUSABLE_PASSWORD)
        .values(email_verified_at=users.c.created_at)
    )

    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("account_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    bind = op.get_bind()
    attempts = sa.table(
        "login_attempts",
        sa.column("id", sa.Integer),
        sa.column("email_key", sa.String),
        sa.column("account_digest", sa.String),
    )
    keys = [row.email_key for row in bind.execute(sa.select(attempts.c.email_key).distinct())]
    for key in keys:
        bind.execute(
            attempts.update()
            .where(attempts.c.email_key == key)
            .values(account_digest=_digest(key.strip().casefold()))
        )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempts_email_key"))
        batch_op.drop_column("email_key")
        batch_op.alter_column(
            "account_digest", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        )
        batch_op.create_index(
            batch_op.f("ix_login_attempts_account_digest"), ["account_digest"], unique=False
        )


def downgrade() -> None:
    # The emails cannot be recovered from their digests: the attempts are dropped instead.
    op.execute(sa.text("DELETE FROM login_attempts"))
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempts_account_digest"))
        batch_op.drop_column("account_digest")
        batch_op.add_column(
            sa.Column("email_key", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_login_attempts_email_key"), ["email_key"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")
