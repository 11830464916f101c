"""SQLModel tables, a module per aggregate. Importing this package registers every table."""

from sqlmodel import SQLModel

from mentoring_app.models.accounts import LoginAttempt, LoginSession, PasswordReset, User
from mentoring_app.models.outbox import OutboxEmail

__all__ = ["LoginAttempt", "LoginSession", "OutboxEmail", "PasswordReset", "SQLModel", "User"]
