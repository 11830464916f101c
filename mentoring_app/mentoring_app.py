"""The Reflex app: pages with their access rules, and start-up tasks (the mail relay)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.db import get_engine
from mentoring_app.pages import (
    account,
    admin_members,
    find_mentor,
    forgot_password,
    home,
    landing,
    login,
    member,
    messages,
    my_profile,
    notifications,
    register,
    requests,
    reset_password,
)
from mentoring_app.services import auth, relationships, relay
from mentoring_app.state.account_forms import EmailSettingsState, ResetPasswordState
from mentoring_app.state.admin_members import AdminMembersState
from mentoring_app.state.db_calls import call
from mentoring_app.state.find_mentor import FindMentorState
from mentoring_app.state.home import HomeState
from mentoring_app.state.messages import ThreadsState, ThreadState
from mentoring_app.state.notifications import NotificationsState
from mentoring_app.state.profile import ProfileState, PublicProfileState
from mentoring_app.state.requests import RequestsState
from mentoring_app.state.session import SessionState

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

TITLE = "Mentoring"

# Toasts at the bottom, clear of the navigation; rich colours for success and errors.
app = rx.App(style=style.BASE_STYLE, toaster=rx.toast.provider(position="bottom-right", rich_colors=True))

public = [SessionState.check_session]
member_only = [SessionState.require_member]
admin = [SessionState.require_admin]

app.add_page(
    landing.page, route=routes.LANDING, title=f"{TITLE}: mentoring for language professionals", on_load=public
)
app.add_page(register.page, route=routes.REGISTER, title=f"Register · {TITLE}", on_load=public)
app.add_page(login.page, route=routes.LOGIN, title=f"Log in · {TITLE}", on_load=public)
app.add_page(
    forgot_password.page, route=routes.FORGOT_PASSWORD, title=f"Forgot password · {TITLE}", on_load=public
)
app.add_page(
    reset_password.page,
    route=routes.RESET_PASSWORD,
    title=f"Choose a new password · {TITLE}",
    on_load=[*public, ResetPasswordState.check_link],
)
app.add_page(home.page, route=routes.HOME, title=f"Home · {TITLE}", on_load=[*member_only, HomeState.load])
app.add_page(
    my_profile.page,
    route=routes.MY_PROFILE,
    title=f"My profile · {TITLE}",
    on_load=[*member_only, ProfileState.load],
)
app.add_page(
    member.page,
    route=routes.MEMBERS + "/[member_id]",
    title=f"Member profile · {TITLE}",
    on_load=[*member_only, PublicProfileState.load],
)
app.add_page(
    find_mentor.page,
    route=routes.FIND_MENTOR,
    title=f"Find mentor · {TITLE}",
    on_load=[*member_only, FindMentorState.load],
)
app.add_page(
    requests.page,
    route=routes.REQUESTS,
    title=f"Requests · {TITLE}",
    on_load=[*member_only, RequestsState.load],
)
app.add_page(
    notifications.page,
    route=routes.NOTIFICATIONS,
    title=f"Notifications · {TITLE}",
    on_load=[*member_only, NotificationsState.load],
)
app.add_page(
    messages.threads_page,
    route=routes.MESSAGES,
    title=f"Messages · {TITLE}",
    on_load=[*member_only, ThreadsState.load],
)
app.add_page(
    messages.thread_page,
    route=routes.MESSAGES + "/[other_id]",
    title=f"Conversation · {TITLE}",
    on_load=[*member_only, ThreadState.load],
)
app.add_page(
    account.page,
    route=routes.ACCOUNT,
    title=f"Account · {TITLE}",
    on_load=[*member_only, EmailSettingsState.load],
)
app.add_page(
    admin_members.page,
    route=routes.ADMIN_MEMBERS,
    title=f"Members · {TITLE}",
    on_load=[*admin, AdminMembersState.load],
)


@app.register_lifespan_task
async def mail_relay() -> None:
    """Deliver queued emails for as long as the app runs."""
    with contextlib.suppress(asyncio.CancelledError):
        await relay.run_forever(get_engine())


@app.register_lifespan_task
async def due_jobs() -> None:
    """Reminders after 7 days and expiry after 14 for unanswered requests, every 10 minutes."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            try:
                await call(relationships.run_due_jobs)
            except Exception:
                logging.getLogger(__name__).exception("Due jobs failed")
            await asyncio.sleep(600)


@app.register_lifespan_task
async def housekeeping() -> None:
    """Drop expired sessions, spent reset links and old log-in attempts, hourly."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            try:
                await call(auth.purge_stale)
            except Exception:
                logging.getLogger(__name__).exception("Housekeeping failed")
            await asyncio.sleep(3600)
