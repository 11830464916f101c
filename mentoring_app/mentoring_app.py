"""The Reflex app: pages with their access rules, and start-up tasks (the mail relay)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import reflex as rx
from reflex_base.utils.format import format_event_handler

from mentoring_app import routes, storage, style
from mentoring_app.db import get_engine
from mentoring_app.pages import (
    account,
    admin_audit,
    admin_dashboard,
    admin_library,
    admin_members,
    admin_outcomes,
    admin_reports,
    admin_vocabulary,
    checkin_link,
    confirm_email,
    cpd_record,
    find_mentor,
    forgot_password,
    guides,
    home,
    landing,
    login,
    member,
    messages,
    my_profile,
    not_found,
    notifications,
    register,
    relationship,
    requests,
    reset_password,
    unsubscribe,
)
from mentoring_app.services import limits
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery import matching_index_store
from mentoring_app.services.library import built_in_videos
from mentoring_app.services.library import guides as guide_library
from mentoring_app.services.mentoring import booking, checkins, request_expiry
from mentoring_app.services.outbox import digest, relay
from mentoring_app.services.staff import admin, visits
from mentoring_app.settings import get_settings
from mentoring_app.state import live_tabs
from mentoring_app.state.account_forms import ConfirmEmailState, RegisterState, ResetPasswordState
from mentoring_app.state.admin_audit import AdminAuditState
from mentoring_app.state.admin_dashboard import AdminDashboardState
from mentoring_app.state.admin_library import AdminLibraryState
from mentoring_app.state.admin_members import AdminMembersState, AdminMemberState
from mentoring_app.state.admin_outcomes import AdminOutcomeAnswersState, AdminOutcomesState
from mentoring_app.state.admin_reports import AdminReportsState
from mentoring_app.state.admin_vocabulary import AdminVocabularyState
from mentoring_app.state.checkin_link import CheckinLinkState
from mentoring_app.state.cpd import CpdState
from mentoring_app.state.dashboard import DashboardState
from mentoring_app.state.db_calls import call
from mentoring_app.state.email_settings import EmailSettingsState, UnsubscribeState
from mentoring_app.state.find_mentor import FindMentorState
from mentoring_app.state.home import HomeState
from mentoring_app.state.library import GuideState, LibraryState
from mentoring_app.state.messages import ThreadsState, ThreadState
from mentoring_app.state.notifications import NotificationsState
from mentoring_app.state.profile import ProfileState, PublicProfileState
from mentoring_app.state.requests import RequestsState
from mentoring_app.state.session import IdentityGuard, PageGate
from mentoring_app.web import socket_owner, state_write_through
from mentoring_app.web.caching import cache_control
from mentoring_app.web.page_paths import slashless_pages
from mentoring_app.web.route_ids import clamp_route_ids
from mentoring_app.web.security_headers import built_frontend_dir, security_headers
from mentoring_app.web.session_routes import session_api
from mentoring_app.web.unsubscribe_route import unsubscribe_api
from mentoring_app.web.upload_guard import UploadRule, resolve_visitor, upload_guard

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

TITLE = "Mentoring"

# Toasts at the bottom, clear of the navigation; rich colours for success and errors.
# The head script tells the server the browser's time zone (a cookie), so times show in it. It runs
# inside the page's hydration on every page, so it asks Temporal where the browser has it: the first
# Intl.DateTimeFormat of a page costs 100-150 ms on a phone's CPU (Lighthouse's 4x slowdown; ~0 ms
# for Temporal.Now.timeZoneId, which names the same IANA zone), a blocking task on each page load.
TIME_ZONE_SCRIPT = (
    "try{var T=window.Temporal;document.cookie='mentoring_tz='+encodeURIComponent("
    "(T&&T.Now&&T.Now.timeZoneId?T.Now.timeZoneId():Intl.DateTimeFormat().resolvedOptions().timeZone)"
    "||'UTC')+';path=/;max-age=31536000;samesite=strict'}catch(e){}"
)
# What each upload handler accepts, enforced before Reflex spools a byte (web/upload_guard.py).
UPLOAD_RULES = {
    format_event_handler(handler): rule
    for handler, rule in (
        (ProfileState.upload_photo, UploadRule(storage.MAX_PHOTO_BYTES)),
        (AdminLibraryState.upload_video, UploadRule(storage.MAX_VIDEO_BYTES, admin_only=True)),
        (AdminMembersState.import_csv, UploadRule(admin.MAX_IMPORT_BYTES, admin_only=True)),
    )
}
app = rx.App(
    style=style.BASE_STYLE,
    toaster=rx.toast.provider(position="bottom-right", rich_colors=True),
    head_components=[rx.script(TIME_ZONE_SCRIPT)],
    stylesheets=["/print.css", "/toasts.css", "/find_mentor.css"],
    # Applied in order, so the last wraps the rest: its headers land on the guard's refusals too.
    api_transformer=[
        session_api(),
        unsubscribe_api(),
        slashless_pages(static_dir=built_frontend_dir),
        clamp_route_ids(),
        upload_guard(
            rules=UPLOAD_RULES,
            default=UploadRule(max(r.max_bytes for r in UPLOAD_RULES.values())),
            resolve=resolve_visitor,
        ),
        cache_control(),
        security_headers(
            app_url=get_settings().app_url, static_dir=built_frontend_dir, extra_scripts=[TIME_ZONE_SCRIPT]
        ),
    ],
)
# Before a (re)connected page receives the whole state, it is made the current member's.
app.add_middleware(IdentityGuard())

PUBLIC, MEMBER, ADMIN = PageGate.check_session, PageGate.require_member, PageGate.require_admin

# (component, route, title, access check, then what the page loads): every route and who may see it.
# The busiest member pages check access in their own load, in the same event and trip to the
# database as what they read (SessionState._open_page): Home, Find mentor, profiles, dashboards.
PAGES = [
    (landing.page, routes.LANDING, "Mentoring for language professionals", PageGate.visitors_only),
    (register.page, routes.REGISTER, "Register", PUBLIC, RegisterState.start_again),
    (login.page, routes.LOGIN, "Log in", PUBLIC),
    (forgot_password.page, routes.FORGOT_PASSWORD, "Forgot password", PUBLIC),
    (
        reset_password.page,
        routes.RESET_PASSWORD,
        "Choose a new password",
        PUBLIC,
        ResetPasswordState.check_link,
    ),
    (
        confirm_email.page,
        routes.CONFIRM_EMAIL,
        "Confirm your email address",
        PUBLIC,
        ConfirmEmailState.confirm,
    ),
    (checkin_link.page, routes.CHECKIN_LINK, "Check-in", PUBLIC, CheckinLinkState.record),
    (unsubscribe.page, routes.UNSUBSCRIBE, "Unsubscribe", PUBLIC, UnsubscribeState.turn_off),
    (home.page, routes.HOME, "Home", HomeState.load),
    (my_profile.page, routes.MY_PROFILE, "My profile", MEMBER, ProfileState.load),
    (member.page, routes.MEMBERS + "/[member_id]", "Member profile", PublicProfileState.load),
    (find_mentor.page, routes.FIND_MENTOR, "Find mentor", FindMentorState.load),
    (requests.page, routes.REQUESTS, "Requests", MEMBER, RequestsState.load),
    (notifications.page, routes.NOTIFICATIONS, "Notifications", MEMBER, NotificationsState.load),
    (messages.threads_page, routes.MESSAGES, "Messages", MEMBER, ThreadsState.load),
    (messages.thread_page, routes.MESSAGES + "/[other_id]", "Conversation", MEMBER, ThreadState.load),
    (
        relationship.page,
        routes.RELATIONSHIPS + "/[relationship_id]",
        "Relationship dashboard",
        DashboardState.load,
    ),
    (guides.library_page, routes.GUIDES, "Guides and videos", MEMBER, LibraryState.load),
    (guides.guide_page, routes.GUIDES + "/[slug]", "Guide", MEMBER, GuideState.load),
    (cpd_record.page, routes.CPD_RECORD, "CPD record", MEMBER, CpdState.load),
    (account.page, routes.ACCOUNT, "Account", MEMBER, EmailSettingsState.load),
    (admin_dashboard.page, routes.ADMIN, "Admin dashboard", ADMIN, AdminDashboardState.load),
    (admin_members.page, routes.ADMIN_MEMBERS, "Members", ADMIN, AdminMembersState.load),
    (
        admin_members.detail_page,
        routes.ADMIN_MEMBERS + "/[member_id]",
        "Member (admin)",
        ADMIN,
        AdminMemberState.load,
    ),
    (admin_vocabulary.page, routes.ADMIN_VOCABULARY, "Matching fields", ADMIN, AdminVocabularyState.load),
    (admin_library.page, routes.ADMIN_LIBRARY, "Guides and videos (admin)", ADMIN, AdminLibraryState.load),
    (admin_reports.page, routes.ADMIN_REPORTS, "Reports", ADMIN, AdminReportsState.load),
    (admin_audit.page, routes.ADMIN_AUDIT, "Audit log", ADMIN, AdminAuditState.load),
    (admin_outcomes.page, routes.ADMIN_OUTCOMES, "Outcomes", ADMIN, AdminOutcomesState.load),
    (
        admin_outcomes.answers_page,
        routes.ADMIN_OUTCOMES + "/[relationship_id]",
        "Survey answers (admin)",
        ADMIN,
        AdminOutcomeAnswersState.load,
    ),
]
for component, route, title, *on_load in PAGES:
    app.add_page(component, route=route, title=f"{title} · {TITLE}", on_load=on_load)
# Unknown addresses: a page with the navigation and a way home (Reflex serves it as 404.html).
app.add_page(not_found.page, route="404", title=f"Page not found · {TITLE}", on_load=[PUBLIC])


# With Redis, a tab whose instance crashed keeps its token (and state) on the instance it reaches next.
socket_owner.install()
# With Redis, a worker keeps a tab's lock and state between its events, and writes each event's
# changes to Redis at once (a crash loses nothing the tab did).
state_write_through.install()


@app.register_lifespan_task
async def worker_alive() -> None:
    """Tell the other workers this one is alive (web/socket_owner.py); nothing without Redis."""
    namespace = app.event_namespace
    if namespace is None:
        return
    with contextlib.suppress(asyncio.CancelledError):
        await socket_owner.announce_alive(namespace._token_manager)


@app.register_lifespan_task
async def live_updates() -> None:
    """This worker's live listener: a published change wakes the concerned tabs it holds
    (mentoring_app/live, state/live_tabs.py); no tab polls."""
    with contextlib.suppress(asyncio.CancelledError):
        await live_tabs.run(app)


@app.register_lifespan_task
async def mail_relay() -> None:
    """Deliver queued emails for as long as the app runs."""
    with contextlib.suppress(asyncio.CancelledError):
        await relay.run_forever(get_engine())


@app.register_lifespan_task
async def warm_matching_index() -> None:
    """Start building the Find mentor index in a worker thread, so the first searches on a large
    database find it ready (until then they take the SQL path)."""
    if get_settings().matching_index:
        matching_index_store.store_for_engine(get_engine()).start_build()


@app.register_lifespan_task
async def due_jobs() -> None:
    """Reminders after 7 days and expiry after 14 for unanswered requests, the check-ins that
    are due (services/mentoring/checkins), the day-before meeting reminders
    (services/mentoring/booking) and the weekly email digests (services/outbox/digest), every
    10 minutes."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            try:
                await call(request_expiry.run_due_jobs)
                await call(checkins.run_due_checkins)
                await call(booking.run_due_reminders)
                await call(digest.run_due_digests)
            except Exception:
                logging.getLogger(__name__).exception("Due jobs failed")
            await asyncio.sleep(600)


@app.register_lifespan_task
async def housekeeping() -> None:
    """At start, add any built-in guide or video that is missing (videos' files go into the upload
    folder); then hourly, drop expired sessions, spent
    reset links, old log-in attempts, rate-limit uses past their window, page views older than
    90 days (visits stay) and emails sent more than OUTBOX_RETENTION_DAYS ago."""
    with contextlib.suppress(asyncio.CancelledError):
        try:
            await call(guide_library.sync_built_in_guides)
        except Exception:
            logging.getLogger(__name__).exception("Could not add the built-in guides")
        try:
            await call(built_in_videos.sync_built_in_videos)
        except Exception:
            logging.getLogger(__name__).exception("Could not add the built-in videos")
        while True:
            try:
                await call(auth.purge_stale)
                await call(limits.purge_expired)
                await call(visits.purge_page_views)
                await call(relay.purge_sent)
            except Exception:
                logging.getLogger(__name__).exception("Housekeeping failed")
            await asyncio.sleep(3600)
