"""SQLModel tables, a module per aggregate. Importing this package registers every table."""

from sqlmodel import SQLModel

from mentoring_app.models.accounts import LoginAttempt, LoginSession, PasswordReset, User
from mentoring_app.models.alerts import MentorAlert, MentorAlertHit, MentorAlertOption
from mentoring_app.models.analytics import PageView, Visit, VisitMonth
from mentoring_app.models.audit import AuditEntry
from mentoring_app.models.availability import AwayPeriod, MentorAvailability
from mentoring_app.models.checkins import AppSetting, Checkin
from mentoring_app.models.email_preferences import EmailPreference
from mentoring_app.models.funnel import FunnelDirty, FunnelMentee, FunnelMonth
from mentoring_app.models.guides import Guide, Video
from mentoring_app.models.journeys import AgreementRecord, Goal, Journey, Meeting, Milestone, Reflection
from mentoring_app.models.limits import RateEvent
from mentoring_app.models.matching_changes import MatchingChange, MatchingVersion
from mentoring_app.models.messages import Message, Thread
from mentoring_app.models.outbox import OutboxEmail
from mentoring_app.models.outcomes import OutcomeSurvey
from mentoring_app.models.profiles import (
    ContactDetails,
    MatchingField,
    MatchingOption,
    MemberCriterion,
    Profile,
)
from mentoring_app.models.relationships import Notification, Relationship, RelationshipEvent
from mentoring_app.models.reports import Report
from mentoring_app.models.session_handoffs import SessionHandoff
from mentoring_app.models.shortlist import SavedMentor

__all__ = [
    "AgreementRecord",
    "AppSetting",
    "AuditEntry",
    "AwayPeriod",
    "Checkin",
    "ContactDetails",
    "EmailPreference",
    "FunnelDirty",
    "FunnelMentee",
    "FunnelMonth",
    "Goal",
    "Guide",
    "Journey",
    "LoginAttempt",
    "LoginSession",
    "MatchingChange",
    "MatchingField",
    "MatchingOption",
    "MatchingVersion",
    "Meeting",
    "MemberCriterion",
    "MentorAlert",
    "MentorAlertHit",
    "MentorAlertOption",
    "MentorAvailability",
    "Message",
    "Milestone",
    "Notification",
    "OutboxEmail",
    "OutcomeSurvey",
    "PageView",
    "PasswordReset",
    "Profile",
    "RateEvent",
    "Reflection",
    "Relationship",
    "RelationshipEvent",
    "Report",
    "SQLModel",
    "SavedMentor",
    "SessionHandoff",
    "Thread",
    "User",
    "Video",
    "Visit",
    "VisitMonth",
]
