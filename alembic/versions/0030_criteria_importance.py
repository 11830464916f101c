"""criteria importance: Find mentor's tie-breaks (places left, answer speed) on profiles, the
importance a mentee saves with their criteria, and the matching trigger that follows them

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30 13:40:00.000000
"""

import statistics
from collections.abc import Sequence

import sqlalchemy as sa

import mentoring_app.models.types
from alembic import op
from mentoring_app.models import matching_changes

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_profiles = sa.table(
    "profiles",
    sa.column("user_id", sa.Integer),
    sa.column("capacity", sa.Integer),
    sa.column("places_left", sa.Integer),
    sa.column("answer_hours", sa.Integer),
)
_relationships = sa.table(
    "relationships",
    sa.column("mentor_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("created_at", mentoring_app.models.types.UTCDateTime(timezone=True)),
    sa.column("decided_at", mentoring_app.models.types.UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("profiles", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("places_left", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("answer_hours", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sought_importance", sa.String(length=400), server_default="", nullable=False)
        )
    accepted = (
        sa.select(sa.func.count())
        .select_from(_relationships)
        .where(_relationships.c.mentor_id == _profiles.c.user_id, _relationships.c.status == "accepted")
        .scalar_subquery()
    )
    room = _profiles.c.capacity - accepted
    op.execute(_profiles.update().values(places_left=sa.case((room > 0, room), else_=0)))
    bind = op.get_bind()
    hours: dict[int, list[float]] = {}
    for mentor_id, created, decided in bind.execute(
        sa.select(_relationships.c.mentor_id, _relationships.c.created_at, _relationships.c.decided_at).where(
            _relationships.c.decided_at.is_not(None)
        )
    ):
        hours.setdefault(mentor_id, []).append(max((decided - created).total_seconds(), 0) / 3600)
    for mentor_id, taken in hours.items():
        bind.execute(
            _profiles.update()
            .where(_profiles.c.user_id == mentor_id)
            .values(answer_hours=int(statistics.median(taken)))
        )
    dialect = bind.dialect.name
    statements = (
        matching_changes.SQLITE_PROFILE_TIES
        if dialect == "sqlite"
        else matching_changes.POSTGRES_PROFILE_TIES
    )
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = (
        matching_changes.SQLITE_PROFILE_COMPLETENESS
        if dialect == "sqlite"
        else matching_changes.POSTGRES_PROFILE_COMPLETENESS
    )
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("profiles", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("sought_importance")
        batch_op.drop_column("answer_hours")
        batch_op.drop_column("places_left")
