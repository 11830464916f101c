"""Run the Alembic migrations from code (start-up, CLI and tests use this one path)."""

from __future__ import annotations

from alembic.config import Config

from alembic import command
from mentoring_app.settings import PROJECT_ROOT


def alembic_config(database_url: str | None = None) -> Config:
    """Alembic's configuration, pointed at ``database_url`` (default: DATABASE_URL)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str | None = None) -> None:
    """Bring the database schema up to the newest migration."""
    command.upgrade(alembic_config(database_url), "head")
