"""Operator commands: ``python -m mentoring_app.cli COMMAND``.

- ``migrate``: bring the database (DATABASE_URL) up to the newest schema.
- ``demo-data``: create the demo accounts (idempotent) and print their log-ins.
- ``create-admin --email E --password P --name N``: create an admin, or make an account one.
- ``import-members FILE.csv``: create (and invite) or update members from a CSV file.
- ``relay-mail``: deliver the emails that are due, once (for cron, or to flush the outbox).
- ``run-due-jobs``: request reminders and expiry, once (the app also runs them every 10 minutes).
"""

from __future__ import annotations

import argparse
import sys

from mentoring_app.db import get_engine, session_scope
from mentoring_app.demo import DEMO_PASSWORD, MENTEES, MENTORS, load_demo_data
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.services.errors import ValidationFailed
from mentoring_app.services.library import built_in_videos, guides
from mentoring_app.services.mentoring import booking, checkins, request_expiry
from mentoring_app.services.outbox import digest, relay
from mentoring_app.services.staff import admin
from mentoring_app.services.staff.analytics_funnel import refresh_funnel
from mentoring_app.services.staff.member_import import import_members
from mentoring_app.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mentoring_app.cli", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the newest schema")
    commands.add_parser("demo-data", help="create the demo accounts (safe to run again)")
    make_admin = commands.add_parser("create-admin", help="create an admin account")
    make_admin.add_argument("--email", required=True)
    make_admin.add_argument("--password", required=True)
    make_admin.add_argument("--name", required=True)
    importer = commands.add_parser("import-members", help="create or update members from a CSV file")
    importer.add_argument("file", type=argparse.FileType("r", encoding="utf-8-sig"))
    commands.add_parser("relay-mail", help="deliver due emails once")
    commands.add_parser("sync-guides", help="add missing built-in guides and videos (safe to run again)")
    commands.add_parser("run-due-jobs", help="request reminders (7 days) and expiry (14 days), once")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        upgrade_to_head()
        print(f"Database is up to date: {get_settings().database_url.split('@')[-1]}")
        with session_scope() as session:  # after 0021 (or a bulk load): not at the first dashboard read
            recounted = refresh_funnel(session)
        if recounted:
            print(f"Funnel summary: {recounted} members counted")
    elif args.command == "demo-data":
        with session_scope() as session:
            accounts = load_demo_data(session)
        print(f"Demo data: {MENTORS} mentors and {MENTEES} mentees, plus these log-ins.")
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
    elif args.command == "import-members":
        with session_scope() as session:
            report = import_members(session, csv_text=args.file.read())
        for line, reason in report.rejected:
            print(f"line {line}: {reason}", file=sys.stderr)
        print(f"Import finished: {report.summary()}.")
        return 1 if report.rejected else 0
    elif args.command == "run-due-jobs":
        with session_scope() as session:
            reminded, expired = request_expiry.run_due_jobs(session)
            pairs = checkins.run_due_checkins(session)
            meetings_reminded = booking.run_due_reminders(session)
            digests = digest.run_due_digests(session)
        print(
            f"{reminded} reminder(s) sent, {expired} request(s) expired, {pairs} pair(s) sent a check-in, "
            f"{meetings_reminded} meeting reminder(s) sent, {digests} weekly digest(s) sent."
        )
    elif args.command == "sync-guides":
        with session_scope() as session:
            added = guides.sync_built_in_guides(session)
            videos = built_in_videos.sync_built_in_videos(session)
        print(f"{added} built-in guide(s) added, {videos} built-in video(s) added.")
    elif args.command == "relay-mail":
        print(f"Sent {relay.deliver_due(get_engine())} email(s).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
