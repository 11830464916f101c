"""Operator commands: ``python -m mentoring_app.cli COMMAND``.

- ``migrate``: bring the database (DATABASE_URL) up to the newest schema.
- ``demo-data``: create the demo accounts (idempotent) and print their log-ins.
- ``create-admin --email E --password P --name N``: create an admin, or make an account one.
- ``relay-mail``: deliver the emails that are due, once (for cron, or to flush the outbox).
"""

from __future__ import annotations

import argparse
import sys

from sqlmodel import select

from mentoring_app.db import get_engine, session_scope
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.models import User
from mentoring_app.services import admin, auth, relay
from mentoring_app.services.errors import ValidationFailed
from mentoring_app.settings import get_settings

DEMO_PASSWORD = "mentoring-demo-2026"  # noqa: S105 - public demo log-in, printed by make run
DEMO_ACCOUNTS = (
    ("admin@example.org", "Alex Admin", "admin"),
    ("mentor@example.org", "Maria Mentor", "mentor"),
    ("mentee@example.org", "Sam Mentee", "mentee"),
    ("both@example.org", "Bea Both", "both"),
)


def demo_data() -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; return (email, role) for each."""
    with session_scope() as session:
        for email, name, role in DEMO_ACCOUNTS:
            exists = session.exec(select(User).where(User.email_key == auth.email_key(email))).first()
            if exists:
                continue
            if role == "admin":
                admin.create_admin(session, email=email, password=DEMO_PASSWORD, name=name)
            else:
                auth.register(session, name=name, email=email, password=DEMO_PASSWORD, role=role)
    return [(email, role) for email, _, role in DEMO_ACCOUNTS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mentoring_app.cli", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the newest schema")
    commands.add_parser("demo-data", help="create the demo accounts (safe to run again)")
    make_admin = commands.add_parser("create-admin", help="create an admin account")
    make_admin.add_argument("--email", required=True)
    make_admin.add_argument("--password", required=True)
    make_admin.add_argument("--name", required=True)
    commands.add_parser("relay-mail", help="deliver due emails once")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        upgrade_to_head()
        print(f"Database is up to date: {get_settings().database_url.split('@')[-1]}")
    elif args.command == "demo-data":
        accounts = demo_data()
        print(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for email, role in accounts:
            print(f"  {role:<7} {email}")
    elif args.command == "create-admin":
        try:
            with session_scope() as session:
                user, created = admin.create_admin(
                    session, email=args.email, password=args.password, name=args.name
                )
        except ValidationFailed as failure:
            for field, message in failure.errors.items():
                print(f"{field}: {message}", file=sys.stderr)
            return 2
        print(f"{'Created' if created else 'Updated'} admin {user.email}")
    elif args.command == "relay-mail":
        print(f"Sent {relay.deliver_due(get_engine())} email(s).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
