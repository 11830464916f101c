"""The keyword index behind Find mentor's keyword box, which each database builds its own way.

PostgreSQL: a pg_trgm GIN index on ``profiles.search_text`` serves ``LIKE '%word%'`` directly.
SQLite: an FTS5 table with the trigram tokenizer, kept in step with ``profiles`` by triggers,
answers substring matches of three characters or more. ``search_text`` is already case-folded,
so the tokenizer is case-sensitive: a match is exactly a substring match, as on PostgreSQL.

Neither object is part of the SQLModel metadata (they are dialect-specific), so migrations create
them with the statements below, and autogenerate comparisons skip them (:func:`include_object`).
A future SQLite batch migration that rebuilds ``profiles`` drops the triggers: run
``SQLITE_CREATE`` again after it (the keyword tests fail otherwise).
"""

from __future__ import annotations

from sqlalchemy import TextClause, column, text

SQLITE_TABLE = "profile_keywords"
POSTGRES_INDEX = "ix_profiles_search_text_trgm"

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
    "search_text, content='profiles', content_rowid='user_id', tokenize='trigram case_sensitive 1')",
    f"""CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_after_insert AFTER INSERT ON profiles BEGIN
        INSERT INTO {SQLITE_TABLE}(rowid, search_text) VALUES (new.user_id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_after_delete AFTER DELETE ON profiles BEGIN
        INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, search_text)
        VALUES ('delete', old.user_id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_after_update AFTER UPDATE OF search_text ON profiles
    BEGIN
        INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, search_text)
        VALUES ('delete', old.user_id, old.search_text);
        INSERT INTO {SQLITE_TABLE}(rowid, search_text) VALUES (new.user_id, new.search_text);
    END""",
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')",
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_after_update",
    f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_after_delete",
    f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_after_insert",
    f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
)
POSTGRES_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON profiles USING gin (search_text gin_trgm_ops)",
)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {POSTGRES_INDEX}",)


def sqlite_match() -> TextClause:
    """Ids of profiles whose search text holds the FTS5 phrase(s) bound as ``phrase``."""
    return text(f"SELECT rowid AS user_id FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :phrase").columns(
        column("user_id")
    )


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """For Alembic's comparisons: leave the keyword index's own objects out."""
    if reflected and compare_to is None and name:
        if type_ == "table" and name.startswith(SQLITE_TABLE):
            return False
        if type_ == "index" and name == POSTGRES_INDEX:
            return False
    return True
