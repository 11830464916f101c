"""The mentoring funnel's summary (admin dashboard), and the triggers that keep it honest.

The funnel counts, for the mentees who registered in a range of months, how many reached each
stage (services/staff/analytics_funnel). Counted from the rows, that reads every mentee of the
range (tens of thousands) and all their relationships, journeys, goals and meetings. Instead:

- ``funnel_mentees``: per mentee, the month they registered in (UTC) and the furthest stage they
  reached in order (0 = registered ... 7 = ended well);
- ``funnel_months``: how many mentees of each registration month stopped at each stage, so the
  chart reads at most 8 rows per month;
- ``funnel_dirty``: the members whose stage may have changed since.

Triggers, not service code, record every change to what the funnel reads (a member registering
as a mentee, or ceasing to be one, or deleted; ``profiles.completeness``; a relationship's
status; a journey's agreement confirmations; a meeting's or a goal's status; inserts and deletes
of any of those, cascades included) by adding the mentee to ``funnel_dirty``: a writer cannot
forget them, whether it is a service, the CLI importer, a test helper or an operator's SQL. The
next refresh (every funnel read starts with one) recomputes those mentees only and moves them
between the monthly counts.

A marking writer updates its ``funnel_dirty`` row (not ``DO NOTHING``), so on PostgreSQL the row
stays locked until the writer commits: a refresh claiming that mentee (``DELETE ... RETURNING``)
waits for the commit and then sees the change, and a writer marking a mentee that a refresh has
just claimed waits for the refresh and marks it again. SQLite serialises writers anyway.

None of these triggers are in the SQLModel metadata; migration 0021 creates them. A future SQLite
batch migration that rebuilds one of these tables drops its triggers: run ``SQLITE_CREATE`` again.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, SmallInteger
from sqlmodel import Field, SQLModel


class FunnelDirty(SQLModel, table=True):
    """A member whose funnel stage may have changed since the last refresh."""

    __tablename__ = "funnel_dirty"

    # No foreign key: the row must outlive a deleted member, so the summary learns of the deletion.
    user_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    changes: int = Field(default=1, sa_column=Column(BigInteger, nullable=False, server_default="1"))


class FunnelMentee(SQLModel, table=True):
    """A mentee's registration month and the furthest funnel stage they reached in order."""

    __tablename__ = "funnel_mentees"

    user_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    month: str = Field(max_length=7)  # "2025-01"
    stage: int = Field(sa_column=Column(SmallInteger, nullable=False))


class FunnelMonth(SQLModel, table=True):
    """How many mentees registered in ``month`` stopped at ``stage`` (the sum of funnel_mentees)."""

    __tablename__ = "funnel_months"

    month: str = Field(primary_key=True, max_length=7)
    stage: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    mentees: int = Field(default=0)


# table: (columns an UPDATE must touch to matter, the mentee of a row ``{row}``, insert condition)
_MENTEE_OF = {
    "users": ("is_mentee, created_at", "{row}.id", "new.is_mentee"),
    "profiles": ("completeness, user_id", "{row}.user_id", None),
    "relationships": ("status, mentee_id", "{row}.mentee_id", None),
    "journeys": (
        "mentee_confirmed_at, mentor_confirmed_at, relationship_id",
        "(SELECT r.mentee_id FROM relationships AS r WHERE r.id = {row}.relationship_id)",
        None,
    ),
    "meetings": (
        "status, relationship_id",
        "(SELECT r.mentee_id FROM relationships AS r WHERE r.id = {row}.relationship_id)",
        None,
    ),
    "goals": (
        "status, journey_id",
        "(SELECT r.mentee_id FROM journeys AS j JOIN relationships AS r ON r.id = j.relationship_id"
        " WHERE j.id = {row}.journey_id)",
        None,
    ),
}

# SQLite: row triggers (it has no others).
_SQLITE_MARK = """
        INSERT INTO funnel_dirty (user_id, changes) SELECT m, 1 FROM (SELECT {who} AS m) WHERE m IS NOT NULL
            ON CONFLICT (user_id) DO UPDATE SET changes = changes + 1;"""


def _sqlite_statements() -> dict[str, str]:
    triggers = {}
    for table, (columns, mentee, on_insert) in _MENTEE_OF.items():
        when_insert = f" WHEN {on_insert}" if on_insert else ""
        for name, event, rows in (
            ("insert", f"AFTER INSERT ON {table}{when_insert}", ["new"]),
            ("update", f"AFTER UPDATE OF {columns} ON {table}", ["old", "new"]),
            ("delete", f"AFTER DELETE ON {table}", ["old"]),
        ):
            body = "".join(_SQLITE_MARK.format(who=mentee.format(row=row)) for row in rows)
            triggers[f"funnel_{table}_{name}"] = (
                f"CREATE TRIGGER IF NOT EXISTS funnel_{table}_{name} {event} BEGIN{body}\n    END"
            )
    return triggers


SQLITE_CREATE = tuple(_sqlite_statements().values())
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_statements())

# PostgreSQL: row triggers calling one function per table (a funnel write touches a few rows).
_PG_MARK = """
CREATE OR REPLACE FUNCTION funnel_mark(uid integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO funnel_dirty (user_id, changes) SELECT uid, 1 WHERE uid IS NOT NULL
        ON CONFLICT (user_id) DO UPDATE SET changes = funnel_dirty.changes + 1
$$"""
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION funnel_{table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM funnel_mark({old});
    END IF;
    IF TG_OP <> 'DELETE'{insert_condition} THEN
        PERFORM funnel_mark({new});
    END IF;
    RETURN NULL;
END $$"""


def _pg_statements() -> tuple[str, ...]:
    statements = [_PG_MARK]
    for table, (columns, mentee, on_insert) in _MENTEE_OF.items():
        condition = f" AND (TG_OP <> 'INSERT' OR {on_insert.replace('new.', 'NEW.')})" if on_insert else ""
        statements.append(
            _PG_FUNCTION.format(
                table=table,
                old=mentee.format(row="OLD"),
                new=mentee.format(row="NEW"),
                insert_condition=condition,
            )
        )
        statements.append(
            f"CREATE TRIGGER funnel_{table}_changed AFTER INSERT OR DELETE OR UPDATE OF {columns} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION funnel_{table}_changed()"
        )
    return tuple(statements)


POSTGRES_CREATE = _pg_statements()
POSTGRES_DROP = (
    tuple(f"DROP TRIGGER IF EXISTS funnel_{table}_changed ON {table}" for table in _MENTEE_OF)
    + tuple(f"DROP FUNCTION IF EXISTS funnel_{table}_changed()" for table in _MENTEE_OF)
    + ("DROP FUNCTION IF EXISTS funnel_mark(integer)",)
)
# Every mentee to recount: after creating the triggers, or to repair the summary.
MARK_EVERY_MENTEE = (
    "INSERT INTO funnel_dirty (user_id, changes) SELECT id, 1 FROM users WHERE is_mentee "
    "ON CONFLICT (user_id) DO UPDATE SET changes = funnel_dirty.changes + 1"
)
