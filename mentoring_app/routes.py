"""Every route of the app, in one place."""

import unicodedata

LANDING = "/"
REGISTER = "/register"
LOGIN = "/login"
FORGOT_PASSWORD = "/forgot-password"  # noqa: S105 - a route, not a secret
RESET_PASSWORD = "/reset-password"  # noqa: S105 - a route, not a secret
CONFIRM_EMAIL = "/verify-email"
CHECKIN_LINK = "/check-in"  # a check-in email's one-tap answer (services/mentoring/checkins)
UNSUBSCRIBE = "/unsubscribe"  # an email's unsubscribe link (services/outbox/preferences)
HOME = "/home"
ACCOUNT = "/account"
MY_PROFILE = "/profile"
MEMBERS = "/members"
FIND_MENTOR = "/find-mentor"
REQUESTS = "/requests"
NOTIFICATIONS = "/notifications"
MESSAGES = "/messages"
ADMIN = "/admin"
ADMIN_MEMBERS = "/admin/members"
ADMIN_VOCABULARY = "/admin/vocabulary"
ADMIN_LIBRARY = "/admin/library"
ADMIN_REPORTS = "/admin/reports"
ADMIN_AUDIT = "/admin/audit"
RELATIONSHIPS = "/relationships"
GUIDES = "/guides"
CPD_RECORD = "/cpd-record"

MAX_NEXT_LENGTH = 2000


def safe_next(path: str | None, default: str = HOME) -> str:
    """A local path to return to after logging in; anything else becomes ``default``.

    Only a path starting with exactly one slash counts: a browser reads ``//host`` and a slash
    then backslash as other sites, and URL parsers drop tabs and newlines (slash, tab, slash, host
    becomes ``//host``), so control and other invisible characters are refused outright."""
    if not path or len(path) > MAX_NEXT_LENGTH or path[0] != "/" or path[1:2] == "/":
        return default
    if "\\" in path or any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in path):
        return default
    if path.split("?", 1)[0].rstrip("/") in {LOGIN, REGISTER, CONFIRM_EMAIL}:
        return default
    return path
