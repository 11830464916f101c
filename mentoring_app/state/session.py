"""Who is using this browser: the member behind the session cookie, re-checked on every event.

The browser keeps only an opaque, random session key (a cookie). Each handler turns it back into
a member through the database, so a logged-out, expired or deactivated session stops at once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from urllib.parse import quote

import reflex as rx

from mentoring_app import routes
from mentoring_app.models import User
from mentoring_app.services import auth, messaging, notifications, visits
from mentoring_app.settings import get_settings
from mentoring_app.state.db_calls import call
from mentoring_app.web.cookies import SESSION_COOKIE

_settings = get_settings()


_PENDING: set[asyncio.Task[None]] = set()  # page views being written (kept from the garbage collector)


async def _record_page_view(browser_id: str, user_id: int | None, path: str) -> None:
    try:
        await call(visits.record_page_view, browser_id=browser_id, user_id=user_id, path=path)
    except Exception:  # counting visits must never disturb a page
        logging.getLogger(__name__).exception("Could not record a page view")


class SessionState(rx.State):
    """The current member as the pages need to see them (no email, no secrets)."""

    # This browser's own session key: the only credential the browser holds.
    session_key: str = rx.Cookie(
        "",
        name=SESSION_COOKIE,
        path="/",
        max_age=_settings.session_absolute_days * 24 * 3600,
        same_site="strict",
        secure=_settings.secure_cookies,
    )
    # The browser's IANA time zone, set by a script in every page's head: times show in it.
    time_zone: str = rx.Cookie("", name="mentoring_tz", path="/", max_age=365 * 24 * 3600, same_site="strict")
    # A random id for this browser, so the admin dashboard can count visits (never an IP address).
    browser_id: str = rx.Cookie(
        "",
        name="mentoring_browser",
        path="/",
        max_age=400 * 24 * 3600,
        same_site="strict",
        secure=_settings.secure_cookies,
    )
    member_name: str = ""
    signed_in: bool = False
    is_mentor: bool = False
    is_mentee: bool = False
    is_admin: bool = False
    session_checked: bool = False
    unread_notifications: int = 0
    unread_messages: int = 0

    async def _current_member(self) -> User | None:
        """Resolve the cookie to an active member, refreshing what the navigation shows."""
        user = await call(auth.resolve_session, key=self.session_key) if self.session_key else None
        self._show_member(user)
        if user is None and self.session_key:
            self.session_key = ""
        return user

    def _show_member(self, user: User | None) -> None:
        self.signed_in = user is not None
        self.member_name = user.name if user else ""
        self.is_mentor = bool(user and user.is_mentor)
        self.is_mentee = bool(user and user.is_mentee)
        self.is_admin = bool(user and user.is_admin)
        self.session_checked = True

    async def _start_session(self, user: User) -> None:
        """Log this browser in as ``user`` with a fresh key (any previous key is deleted)."""
        self.session_key = await call(auth.open_session, user_id=user.id, replacing=self.session_key)
        self._show_member(user)

    def _login_redirect(self) -> rx.event.EventSpec:
        here = self.router.url.path or routes.HOME
        query = self.router.url.query
        target = f"{here}?{query}" if query else here
        return rx.redirect(f"{routes.LOGIN}?next={quote(target, safe='')}")

    async def _count_visit(self, user: User | None) -> None:
        """Record this page view (a visit starts after 30 minutes of quiet) without making the page
        wait for it: the write (about 2 ms) runs in a worker thread while the page loads."""
        if not visits.BROWSER_ID.fullmatch(self.browser_id or ""):
            self.browser_id = secrets.token_urlsafe(24)
        task = asyncio.create_task(
            _record_page_view(self.browser_id, user.id if user else None, self.router.url.path or "/")
        )
        _PENDING.add(task)
        task.add_done_callback(_PENDING.discard)

    async def _count_unread(self, user: User | None) -> None:
        self.unread_notifications = await call(notifications.unread_count, actor=user) if user else 0
        self.unread_messages = await call(messaging.unread_total, actor=user) if user else 0

    @rx.event
    async def check_session(self) -> None:
        """On public pages: show the navigation that fits who is here."""
        user = await self._current_member()
        await self._count_visit(user)
        await self._count_unread(user)

    @rx.event
    async def require_member(self):
        """On member pages: anonymous visitors go to Log in, and come back after it."""
        user = await self._current_member()
        await self._count_visit(user)
        if user is None:
            return self._login_redirect()
        await self._count_unread(user)
        return None

    @rx.event
    async def require_admin(self):
        """On admin pages: anonymous visitors log in first; members who are not admins go home."""
        user = await self._current_member()
        await self._count_visit(user)
        if user is None:
            return self._login_redirect()
        if not user.is_admin:
            return [rx.redirect(routes.HOME), rx.toast.error("That page is for admins only.")]
        return None

    @rx.event
    async def log_out(self):
        """End this browser's session on the server, then forget the key."""
        if self.session_key:
            await call(auth.close_session, key=self.session_key)
        self.session_key = ""
        self._show_member(None)
        return [rx.redirect(routes.LANDING), rx.toast.success("You have logged out.")]
