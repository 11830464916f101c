"""Every route of the app, in one place."""

LANDING = "/"
REGISTER = "/register"
LOGIN = "/login"
FORGOT_PASSWORD = "/forgot-password"  # noqa: S105 - a route, not a secret
RESET_PASSWORD = "/reset-password"  # noqa: S105 - a route, not a secret
CONFIRM_EMAIL = "/verify-email"
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


def safe_next(path: str | None, default: str = HOME) -> str:
    """A local path to return to after logging in; anything else (other sites) becomes ``default``."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    if path.split("?", 1)[0] in {LOGIN, REGISTER, CONFIRM_EMAIL}:
        return default
    return path
