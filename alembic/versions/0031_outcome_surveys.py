"""outcome_surveys: the survey at End and at Withdraw (one row per member and relationship), and
covering indexes for the Outcomes page's aggregates (relationship length, check-in scores per
month, first meetings)

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 13:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import mentoring_app.models.types
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relationship_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("created_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("skipped_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", mentoring_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("goals", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("recommend", sa.Integer(), nullable=True),
        sa.Column("helped_most", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["users.id"], name=op.f("fk_outcome_surveys_member_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["relationship_id"],
            ["relationships.id"],
            name=op.f("fk_outcome_surveys_relationship_id_relationships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_surveys")),
        sa.UniqueConstraint("relationship_id", "member_id", name="uq_outcome_surveys_member"),
    )
    with op.batch_alter_table("outcome_surveys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcome_surveys_relationship_answers",
            ["relationship_id", "role", "satisfaction", "recommend", "goals"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_outcome_surveys_member_id"), ["member_id"], unique=False)
    # Relationship length reads (status, ended_at, decided_at) from the index alone.
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_relationships_status_ended_decided", ["status", "ended_at", "decided_at"], unique=False
        )
    # Check-in scores per month read (created_at, answer) from the index alone.
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_created_answer", ["created_at", "answer"], unique=False)
    # Time to the first meeting: each relationship's first held meeting, from the index alone.
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meetings_status_relationship_held", ["status", "relationship_id", "held_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.drop_index("ix_relationships_status_ended_decided")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_status_relationship_held")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_created_answer")
    with op.batch_alter_table("outcome_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_surveys_member_id"))
        batch_op.drop_index("ix_outcome_surveys_relationship_answers")
    op.drop_table("outcome_surveys")
