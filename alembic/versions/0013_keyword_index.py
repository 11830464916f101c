"""keyword index for Find mentor: FTS5 trigram table on SQLite, pg_trgm GIN index on PostgreSQL

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-28 15:50:00
"""

import logging
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from alembic import op
from mentoring_app.models import keyword_index

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in keyword_index.SQLITE_CREATE:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+); where it cannot be created, keyword
        # search still works, by scanning: say so rather than fail the whole migration.
        try:
            with bind.begin_nested():
                for statement in keyword_index.POSTGRES_CREATE:
                    bind.execute(text(statement))
        except DBAPIError as error:
            logging.getLogger("alembic").warning("Keyword index not created (pg_trgm): %s", error)


def downgrade() -> None:
    bind = op.get_bind()
    statements = {"sqlite": keyword_index.SQLITE_DROP, "postgresql": keyword_index.POSTGRES_DROP}
    for statement in statements.get(bind.dialect.name, ()):
        op.execute(statement)
