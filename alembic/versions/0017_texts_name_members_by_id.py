"""texts name members by id

Notifications and audit entries stop copying members' names (and addresses): a deleted member
must read "Former member" everywhere (issue 11, item 9).

- ``notifications``: ``text`` becomes a template naming its member ``{actor}``, with ``actor_id``
  and ``params`` (what members typed, such as a goal). Existing rows are converted when their
  sentence is one the app writes and its member can be told: by the link (a relationship, a
  message thread, a profile) or, for requests, among the recipient's partners by name. A name that
  belongs to none of the recipient's partners now, while one of them has deleted their account,
  was that member's: it becomes "Former member". Other rows keep their text (braces escaped).
- ``audit_entries``: ``actor_name`` is emptied for members (named from ``actor_id`` when read);
  summaries about a member lose their trailing "Name <email>" (the log adds it when read).

The templates below are copies, frozen here: later changes to the app's sentences do not change
what this migration did.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 10:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORMER_MEMBER = "Former member"
OPERATOR = "Operator (command line)"
DELETED_DOMAIN = "@deleted.invalid"
TEMPLATES = (
    "New mentoring request from {actor}",
    "{actor} cancelled their mentoring request",
    "{actor} accepted your mentoring request",
    "{actor} declined your mentoring request",
    "{actor} withdrew from your mentoring relationship",
    "Your request to {actor} has expired",
    "{actor} is waiting for your answer",
    "{actor} ended your mentoring relationship",
    "New message from {actor}",
    "{actor} chose to continue your mentoring informally",
    "{actor} started journey {number} of your mentoring: time to set new goals",
    "{actor} changed your mentoring agreement: please read it and confirm it again",
    "{actor} confirmed your mentoring agreement",
    "{actor} proposed a goal: {goal}",
    "{actor} changed a goal; please agree to it again",
    "{actor} agreed to the goal: {goal}",
    "{actor} scheduled your next mentoring meeting",
    "{actor} moved your next mentoring meeting",
    "{actor} cancelled a planned mentoring meeting",
    "A mentor matching your alert is available: {actor}",
)
GROUPS = {"actor": "(?P<actor>.+?)", "goal": "(?P<goal>.*)", "number": r"(?P<number>\d+)"}
LINKED = re.compile(r"^/(?:relationships|messages|members)/(\d+)$")
USER_SUMMARIES = (
    re.compile(r"^(Invitation sent again) to .*<[^<>]*>$", re.DOTALL),
    re.compile(r"^(Created admin|Made admin, with a new password): \S+@\S+$", re.DOTALL),
    re.compile(r"^(.+?): .*<[^<>]*>$", re.DOTALL),
)

notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("text", sa.String),
    sa.column("link", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("params", sa.JSON),
)
audit_entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_name", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.Integer),
    sa.column("summary", sa.String),
)
users = sa.table(
    "users", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("email", sa.String)
)
relationships = sa.table(
    "relationships",
    sa.column("id", sa.Integer),
    sa.column("mentee_id", sa.Integer),
    sa.column("mentor_id", sa.Integer),
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(GROUPS[p] if i % 2 else re.escape(p) for i, p in enumerate(parts)), re.DOTALL)


PATTERNS = [(t, _pattern(t)) for t in TEMPLATES]


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_actor_id_users"), "users", ["actor_id"], ["id"], ondelete="SET NULL"
        )
    bind = op.get_bind()
    people = {i: (n, e) for i, n, e in bind.execute(sa.select(users.c.id, users.c.name, users.c.email))}
    rels = {
        i: (a, b)
        for i, a, b in bind.execute(
            sa.select(relationships.c.id, relationships.c.mentee_id, relationships.c.mentor_id)
        )
    }
    partners: dict[int, set[int]] = {}
    for a, b in rels.values():
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    changes = [
        _convert(row, people, rels, partners)
        for row in bind.execute(
            sa.select(notifications.c.id, notifications.c.user_id, notifications.c.text, notifications.c.link)
        )
    ]
    if changes:
        bind.execute(
            notifications.update()
            .where(notifications.c.id == sa.bindparam("row_id"))
            .values(
                text=sa.bindparam("new_text"),
                actor_id=sa.bindparam("new_actor"),
                params=sa.bindparam("new_params"),
            ),
            changes,
        )
    bind.execute(
        audit_entries.update()
        .where(sa.or_(audit_entries.c.actor_id.is_not(None), audit_entries.c.actor_name != OPERATOR))
        .values(actor_name="")
    )
    summaries = []
    for row_id, summary in bind.execute(
        sa.select(audit_entries.c.id, audit_entries.c.summary).where(audit_entries.c.target_type == "user")
    ):
        for pattern in USER_SUMMARIES:
            found = pattern.fullmatch(summary)
            if found:
                summaries.append({"row_id": row_id, "new_summary": found.group(1)})
                break
    if summaries:
        bind.execute(
            audit_entries.update()
            .where(audit_entries.c.id == sa.bindparam("row_id"))
            .values(summary=sa.bindparam("new_summary")),
            summaries,
        )


def _convert(row, people, rels, partners) -> dict:  # type: ignore[no-untyped-def]
    row_id, user_id, text, link = row
    kept = {"row_id": row_id, "new_text": _escape(text), "new_actor": None, "new_params": None}
    for template, pattern in PATTERNS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        name = found.group("actor")
        actor = _actor(user_id, name, link or "", people, rels, partners)
        if actor is False:
            return kept
        params = {k: v for k, v in found.groupdict().items() if k != "actor"} or None
        return {"row_id": row_id, "new_text": template, "new_actor": actor, "new_params": params}
    return kept


def _actor(user_id, name, link, people, rels, partners):  # type: ignore[no-untyped-def]
    """The member a sentence names: an id, None for "Former member", False when it cannot be told."""
    linked = LINKED.match(link)
    if linked:
        target = int(linked.group(1))
        if link.startswith("/relationships/"):
            pair = rels.get(target)
            if pair is None or user_id not in pair:
                return False
            target = pair[1] if pair[0] == user_id else pair[0]
        return target if target in people else None
    mine = sorted(partners.get(user_id, ()))
    named = [p for p in mine if people.get(p, ("", ""))[0] == name]
    if named:
        return named[0]
    gone = [p for p in mine if people.get(p, ("", ""))[1].endswith(DELETED_DOMAIN)]
    if gone:
        return gone[0] if len(gone) == 1 else None
    return False


def downgrade() -> None:
    bind = op.get_bind()
    people = {i: (n, e) for i, n, e in bind.execute(sa.select(users.c.id, users.c.name, users.c.email))}
    texts = []
    for row_id, text, actor_id, params in bind.execute(
        sa.select(notifications.c.id, notifications.c.text, notifications.c.actor_id, notifications.c.params)
    ):
        values = {**(params or {}), "actor": people.get(actor_id, (FORMER_MEMBER, ""))[0]}
        try:
            rendered = text.format_map(values)
        except (KeyError, IndexError, ValueError, AttributeError):
            rendered = text
        texts.append({"row_id": row_id, "new_text": rendered[:500]})
    if texts:
        bind.execute(
            notifications.update()
            .where(notifications.c.id == sa.bindparam("row_id"))
            .values(text=sa.bindparam("new_text")),
            texts,
        )
    entries = []
    for row_id, actor_id, actor_name, target_type, target_id, summary in bind.execute(
        sa.select(
            audit_entries.c.id,
            audit_entries.c.actor_id,
            audit_entries.c.actor_name,
            audit_entries.c.target_type,
            audit_entries.c.target_id,
            audit_entries.c.summary,
        )
    ):
        if actor_id is not None or not actor_name:
            actor_name = people.get(actor_id, (FORMER_MEMBER, ""))[0]
        if target_type == "user" and target_id is not None:
            name, email = people.get(target_id, (FORMER_MEMBER, ""))
            summary = f"{summary}: {name} <{email}>" if email else f"{summary}: {name}"
        entries.append({"row_id": row_id, "new_name": actor_name[:100], "new_summary": summary[:500]})
    if entries:
        bind.execute(
            audit_entries.update()
            .where(audit_entries.c.id == sa.bindparam("row_id"))
            .values(actor_name=sa.bindparam("new_name"), summary=sa.bindparam("new_summary")),
            entries,
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notifications_actor_id_users"), type_="foreignkey")
        batch_op.drop_column("params")
        batch_op.drop_column("actor_id")
