"""What tells each process's Find mentor index (services/matching_index) that it is out of date.

The database stays the source of truth. Triggers, not service code, record every change to what
matching reads (``member_criteria`` on the mentor side, ``profiles.offered``, ``places_left`` and
``answer_hours`` (``completeness`` before migration 0030), an offered mentor's
``users.last_active_at``, and deletions, cascades included): a writer cannot forget them,
whether it is a service, the CLI importer, a test helper or an operator's SQL.

``matching_version`` holds one row: a counter bumped by each recording statement (PostgreSQL) or
row (SQLite), and ``reset_version``, bumped when a table is truncated (no row is known then).
``matching_changes`` holds, per member, the version of their latest change: an index at version
V refreshes the members with a greater version. On PostgreSQL the counter row stays locked until
the writer commits, so versions become visible in commit order and nothing committed is skipped
(a sequence would not do: a later number can commit first). The price: writers of matching data
queue on that row until commit (short transactions), and two transactions touching matching rows
in opposite orders can deadlock (PostgreSQL detects it and fails one). Note that psycopg runs an
``executemany`` as one statement per row, so bulk loads should use multi-row INSERTs.

None of these triggers are in the SQLModel metadata; migration 0020 creates them and 0030 gives the
profiles trigger its tie-break columns. A future SQLite batch migration that rebuilds one of these
tables drops its triggers: run ``SQLITE_CREATE`` and then ``SQLITE_PROFILE_TIES`` again.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer
from sqlmodel import Field, SQLModel


class MatchingVersion(SQLModel, table=True):
    """One row (id 1): the newest change to what Find mentor reads."""

    __tablename__ = "matching_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    reset_version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))


class MatchingChange(SQLModel, table=True):
    """Per member: the version at which their matching data last changed (one row per member)."""

    __tablename__ = "matching_changes"

    # No foreign key: the row must outlive a deleted member, so indexes learn of the deletion.
    user_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    version: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))


# SQLite: row triggers (it has no others); writers are serialised by the database anyway.
_SQLITE_MARK = """
        UPDATE matching_version SET version = version + 1 WHERE id = 1;
        INSERT INTO matching_changes (user_id, version)
            SELECT {who}, version FROM matching_version WHERE id = 1
            ON CONFLICT (user_id) DO UPDATE SET version = excluded.version;"""
_OFFERED_MENTOR = (
    "(EXISTS (SELECT 1 FROM profiles WHERE user_id = new.id AND offered)"
    " OR EXISTS (SELECT 1 FROM member_criteria WHERE user_id = new.id AND side = 'mentor' AND offered))"
)
_SQLITE_TRIGGERS = {
    "matching_criteria_insert": (
        "AFTER INSERT ON member_criteria WHEN new.side = 'mentor'",
        ["new.user_id"],
    ),
    "matching_criteria_delete": (
        "AFTER DELETE ON member_criteria WHEN old.side = 'mentor'",
        ["old.user_id"],
    ),
    "matching_criteria_update": (
        "AFTER UPDATE ON member_criteria WHEN (old.side = 'mentor' OR new.side = 'mentor') AND ("
        "old.offered IS NOT new.offered OR old.option_id IS NOT new.option_id "
        "OR old.user_id IS NOT new.user_id OR old.side IS NOT new.side)",
        ["old.user_id", "new.user_id"],
    ),
    "matching_profile_insert": ("AFTER INSERT ON profiles", ["new.user_id"]),
    "matching_profile_delete": ("AFTER DELETE ON profiles", ["old.user_id"]),
    "matching_profile_update": (
        "AFTER UPDATE OF offered, completeness, user_id ON profiles WHEN old.offered IS NOT new.offered "
        "OR old.completeness IS NOT new.completeness OR old.user_id IS NOT new.user_id",
        ["old.user_id", "new.user_id"],
    ),
    "matching_user_active": (
        f"AFTER UPDATE OF last_active_at ON users WHEN old.last_active_at IS NOT new.last_active_at "
        f"AND {_OFFERED_MENTOR}",
        ["new.id"],
    ),
}
SQLITE_CREATE = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN"
    + "".join(_SQLITE_MARK.format(who=who) for who in dict.fromkeys(whos))
    + "\n    END"
    for name, (when, whos) in _SQLITE_TRIGGERS.items()
)
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS)

# PostgreSQL: statement triggers with transition tables, so a bulk load or a cascade bumps the
# counter once per statement, not once per row. Each function finds the members whose matching
# data differ between the old and new rows (a symmetric difference over the columns it reads).
_PG_MARK = """
CREATE OR REPLACE FUNCTION matching_mark(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    UPDATE matching_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
    INSERT INTO matching_changes (user_id, version)
        SELECT DISTINCT u, v FROM unnest(ids) AS u WHERE u IS NOT NULL
        ON CONFLICT (user_id) DO UPDATE SET version = EXCLUDED.version;
END $$"""
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT changed.{key}) INTO ids FROM new_rows AS changed WHERE {where};
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT changed.{key}) INTO ids FROM old_rows AS changed WHERE {where};
    ELSE
        SELECT array_agg(DISTINCT changed.{key}) INTO ids FROM (
            (SELECT {columns} FROM new_rows EXCEPT SELECT {columns} FROM old_rows)
            UNION ALL
            (SELECT {columns} FROM old_rows EXCEPT SELECT {columns} FROM new_rows)
        ) AS changed WHERE {where};
    END IF;
    PERFORM matching_mark(ids);
    RETURN NULL;
END $$"""
_PG_TABLES = {
    # table: (function, key column, columns compared, which rows matter)
    "member_criteria": (
        "matching_criteria_changed",
        "user_id",
        "user_id, side, option_id, offered",
        "changed.side = 'mentor'",
    ),
    "profiles": ("matching_profile_changed", "user_id", "user_id, offered, completeness", "true"),
    "users": (
        "matching_user_changed",
        "id",
        "id, last_active_at",
        "(EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = changed.id AND p.offered) OR EXISTS ("
        "SELECT 1 FROM member_criteria c WHERE c.user_id = changed.id AND c.side = 'mentor' AND c.offered))",
    ),
}
_PG_RESET = """
CREATE OR REPLACE FUNCTION matching_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE matching_version SET version = version + 1, reset_version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$"""


def _pg_statements() -> tuple[str, ...]:
    statements = [_PG_MARK, _PG_RESET]
    for table, (function, key, columns, where) in _PG_TABLES.items():
        statements.append(_PG_FUNCTION.format(name=function, key=key, columns=columns, where=where))
        for operation, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            if table == "users" and operation == "INSERT":
                continue  # a new member has no profile or criteria yet: their rows will say so
            statements.append(
                f"CREATE TRIGGER {function}_{operation.lower()} AFTER {operation} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        statements.append(
            f"CREATE TRIGGER {function}_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION matching_reset()"
        )
    return tuple(statements)


POSTGRES_CREATE = _pg_statements()
POSTGRES_DROP = (
    tuple(
        f"DROP TRIGGER IF EXISTS {function}_{op} ON {table}"
        for table, (function, *_) in _PG_TABLES.items()
        for op in ("insert", "update", "delete", "truncate")
    )
    + tuple(
        f"DROP FUNCTION IF EXISTS {name}"
        for name in ("matching_criteria_changed()", "matching_profile_changed()", "matching_user_changed()")
    )
    + ("DROP FUNCTION IF EXISTS matching_reset()", "DROP FUNCTION IF EXISTS matching_mark(integer[])")
)


# Migration 0030 (criteria importance): Find mentor breaks ties by places left and answer speed,
# not completeness; the profiles trigger follows the columns the index reads.
_PROFILE_TIES = ("offered", "places_left", "answer_hours", "user_id")


def _sqlite_profile(columns: tuple[str, ...]) -> tuple[str, ...]:
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    return (
        "DROP TRIGGER IF EXISTS matching_profile_update",
        f"CREATE TRIGGER matching_profile_update AFTER UPDATE OF {', '.join(columns)} ON profiles "
        f"WHEN {changed} BEGIN"
        + "".join(_SQLITE_MARK.format(who=who) for who in ("old.user_id", "new.user_id"))
        + "\n    END",
    )


def _pg_profile(columns: tuple[str, ...]) -> tuple[str, ...]:
    listed = ", ".join(("user_id", *(c for c in columns if c != "user_id")))
    return (
        _PG_FUNCTION.format(name="matching_profile_changed", key="user_id", columns=listed, where="true"),
    )


SQLITE_PROFILE_TIES = _sqlite_profile(_PROFILE_TIES)
SQLITE_PROFILE_COMPLETENESS = _sqlite_profile(("offered", "completeness", "user_id"))
POSTGRES_PROFILE_TIES = _pg_profile(_PROFILE_TIES)
POSTGRES_PROFILE_COMPLETENESS = _pg_profile(("user_id", "offered", "completeness"))
