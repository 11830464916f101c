"""SQLModel tables, a module per aggregate. Importing this package registers every table."""

from sqlmodel import SQLModel

from mentoring_app.models.accounts import LoginAttempt, LoginSession, PasswordReset, User
from mentoring_app.models.analytics import PageView, Visit, VisitMonth
from mentoring_app.models.audit import AuditEntry
from mentoring_app.models.messages import Message, Thread
from mentoring_app.models.outbox import OutboxEmail
from mentoring_app.models.profiles import (
    ContactDetails,
    MatchingField,
    MatchingOption,
    MemberCriterion,
    Profile,
)
from mentoring_app.models.relationships import Notification, Relationship, RelationshipEvent
from mentoring_app.models.reports import Report

__all__ = [
    "AuditEntry",
    "ContactDetails",
    "LoginAttempt",
    "LoginSession",
    "MatchingField",
    "MatchingOption",
    "MemberCriterion",
    "Message",
    "Notification",
    "OutboxEmail",
    "PageView",
    "PasswordReset",
    "Profile",
    "Relationship",
    "RelationshipEvent",
    "Report",
    "SQLModel",
    "Thread",
    "User",
    "Visit",
    "VisitMonth",
]
