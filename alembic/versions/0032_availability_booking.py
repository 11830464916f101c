"""availability and booking: mentors' weekly hours, away dates, meeting length and video link;
meetings booked from free slots (one planned booking per mentor and start time), their invite's
sequence and the 24-hour reminder

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-30 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mentoring_app.models.types
from alembic import op
from mentoring_app.models import funnel

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOOKED_WHERE = "status = 'planned' AND booked_mentor_id IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "mentor_availability",
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("weekly", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("meeting_minutes", sa.Integer(), nullable=False),
        sa.Column("video_link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("updated_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["users.id"],
            name=op.f("fk_mentor_availability_mentor_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mentor_id", name=op.f("pk_mentor_availability")),
    )
    op.create_table(
        "mentor_away",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_mentor_away_mentor_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_away")),
    )
    with op.batch_alter_table("mentor_away", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_away_mentor_id"), ["mentor_id"], unique=False)
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booked_mentor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("reminded_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_booked_mentor_id_users"),
            "users",
            ["booked_mentor_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "uq_meetings_booked_slot",
            ["booked_mentor_id", "starts_at"],
            unique=True,
            sqlite_where=sa.text(BOOKED_WHERE),
            postgresql_where=sa.text(BOOKED_WHERE),
        )
        batch_op.create_index("ix_meetings_status_starts_at", ["status", "starts_at"], unique=False)
    _restore_sqlite_triggers()


def _restore_sqlite_triggers() -> None:
    """SQLite rebuilds ``meetings`` for its new foreign key (batch mode: a copy, then a rename),
    and a rebuilt table loses its triggers: put back the funnel's (they mark the mentees whose
    funnel stage a meeting changes; see models/funnel.py). They are IF NOT EXISTS."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in funnel.SQLITE_CREATE:
            op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_status_starts_at")
        batch_op.drop_index("uq_meetings_booked_slot")
        batch_op.drop_constraint(batch_op.f("fk_meetings_booked_mentor_id_users"), type_="foreignkey")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("sequence")
        batch_op.drop_column("booked_mentor_id")
    _restore_sqlite_triggers()
    with op.batch_alter_table("mentor_away", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_away_mentor_id"))
    op.drop_table("mentor_away")
    op.drop_table("mentor_availability")
