"""Who is using this browser: the member behind the session cookie, re-checked on every event.

The browser keeps only an opaque, random session key in an HttpOnly cookie that its scripts cannot
read; the server reads it from the websocket's handshake. Each handler turns it back into a member
through the database, so a logged-out, expired or deactivated session stops at once, and when the
member behind a tab changes, nothing the tab's state held for the previous one is kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import quote

import reflex as rx
from reflex.middleware import Middleware
from reflex_base.event import Event
from sqlmodel import Session

from mentoring_app import routes
from mentoring_app.models import User
from mentoring_app.services.accounts import auth, session_handoff
from mentoring_app.services.conversations import attention, notifications
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.staff import visits
from mentoring_app.settings import get_settings
from mentoring_app.state import live_tabs, page_views
from mentoring_app.state.db_calls import call, call_as_member
from mentoring_app.state.identity import reset_app_states
from mentoring_app.web import session_cookie

_settings = get_settings()
T = TypeVar("T")


def _unread_counts(session: Session, actor: User, path: str = "") -> attention.NavCounts:
    """The navigation's counts (unread notifications and messages, requests waiting for this
    member's answer), read with the session check in one trip. Opening a page first reads the
    notifications about it (their link opens it), only when there are unread ones at all."""
    counts = attention.nav_counts(session, actor=actor)
    marked = notifications.mark_read_for_path(session, actor=actor, path=path) if counts.notifications else 0
    if marked:  # what was just marked, less (no second count)
        counts = replace(counts, notifications=max(0, counts.notifications - marked))
    return counts


def _counts_then_page(
    session: Session, actor: User, *, read: Callable[..., Any], path: str, kwargs: dict[str, Any]
) -> tuple[attention.NavCounts, Any]:
    """The navigation's counts (reading the notifications about this page first), then the page's
    own ``read(session, actor, **kwargs)``; a refusal of the page (ServiceError) is its answer."""
    counts = _unread_counts(session, actor, path)
    try:
        return counts, read(session, actor, **kwargs)
    except ServiceError as refusal:
        session.rollback()
        return counts, refusal


class SessionState(rx.State):
    """The current member as the pages need to see them (no email, no secrets)."""

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
    waiting_requests: int = 0  # requests waiting for this member's answer (a mentor's)
    # After a log-in: a one-time code the page posts at once to the backend, which answers with the
    # HttpOnly session cookie and sends the browser on to ``handoff_next``.
    handoff_code: str = ""
    handoff_next: str = ""
    # After a log-out: the page posts to the backend, which clears the cookie.
    leaving: bool = False
    # Whose data this tab's state holds (0: nobody's). When the member changes, everything goes.
    _owner_id: int = 0
    # A message to show once the next page has loaded (a full page load loses toasts).
    _notice: str = ""

    def _session_key(self) -> str:
        """The session key from the websocket handshake's cookies (never stored in state)."""
        return session_cookie.read_key(self.router.headers.cookie)

    async def _current_member(self) -> User | None:
        """Resolve the session cookie to an active member, refreshing what the navigation shows."""
        key = self._session_key()
        user = await call(auth.resolve_session, key=key) if key else None
        await self._belongs_to(user)
        return user

    async def _as_member(
        self, fn: Callable[..., T], /, *, reads_only: bool = False, **kwargs: Any
    ) -> tuple[User | None, T | ServiceError | None]:
        """Like ``_current_member``, and when there is a member, ``fn(session, member, **kwargs)``
        in the same trip to the database (see db_calls.call_as_member)."""
        user, result = await call_as_member(self._session_key(), fn, reads_only=reads_only, **kwargs)
        await self._belongs_to(user)
        return user, result

    async def _belongs_to(self, user: User | None) -> None:
        """Make this tab's state the state of ``user`` (None: of a visitor). When that is another
        person than before, every var of every page state is reset first."""
        owner = user.id if user and user.id else 0
        if owner != self._owner_id:
            await reset_app_states(self, keep=KEPT_FOR_THE_BROWSER)
            self._owner_id = owner
        self._show_member(user)

    def _show_member(self, user: User | None) -> None:
        self.signed_in = user is not None
        self.member_name = user.name if user else ""
        self.is_mentor = bool(user and user.is_mentor)
        self.is_mentee = bool(user and user.is_mentee)
        self.is_admin = bool(user and user.is_admin)
        self.session_checked = True

    async def _start_session(self, user: User, *, then: str = routes.HOME, notice: str = "") -> None:
        """Log this browser in as ``user``: the page trades a one-time code for the session cookie,
        then opens ``then`` (a full page load, so the websocket's handshake carries the cookie)."""
        code = await call(session_handoff.issue, user_id=user.id)
        await self._belongs_to(user)
        self.handoff_code, self.handoff_next = code, routes.safe_next(then)
        self._notice = notice

    async def _end_session(self, *, notice: str = "") -> None:
        """Forget the member in this tab, then let the page clear the cookie (the server-side session
        must already be closed)."""
        await self._belongs_to(None)
        self.leaving = True
        self._notice = notice

    def _take_notice(self) -> rx.event.EventSpec | None:
        notice, self._notice = self._notice, ""
        return rx.toast.success(notice) if notice else None

    async def _on_page_open(self) -> None:
        """A page (re)connected: before Reflex sends it the whole state, make sure that state is the
        current member's. Any hand-over of the cookie has happened by now."""
        self.handoff_code, self.handoff_next, self.leaving = "", "", False
        await self._current_member()

    def _login_redirect(self) -> rx.event.EventSpec:
        here = self.router.url.path or routes.HOME
        query = self.router.url.query
        target = f"{here}?{query}" if query else here
        return rx.redirect(f"{routes.LOGIN}?next={quote(target, safe='')}")

    async def _count_visit(self, user: User | None) -> None:
        """Record this page view (a visit starts after 30 minutes of quiet) without making the page
        wait for it: page views are written in batches (state/page_views.py)."""
        if not visits.BROWSER_ID.fullmatch(self.browser_id or ""):
            self.browser_id = secrets.token_urlsafe(24)
        page_views.count(self.browser_id, user.id if user else None, self.router.url.path or "/")

    async def _open_page(
        self, read: Callable[..., T], /, **kwargs: Any
    ) -> tuple[User | None, T | ServiceError | None]:
        """A member page's load, with its access check, in one event and one trip to the database:
        the session, the navigation's counts, the visit, the live registration, then
        ``read(session, member, **kwargs)`` (None without a member). The page's handler then
        returns ``_page_opened(member)``: Log in for a visitor, else any notice waiting."""
        path = self.router.url.path or ""
        user, answer = await self._as_member(_counts_then_page, read=read, path=path, kwargs=kwargs)
        counts, result = answer if isinstance(answer, tuple) else (attention.NavCounts(), answer)
        self.unread_notifications, self.unread_messages = counts.notifications, counts.messages
        self.waiting_requests = counts.requests
        await self._count_visit(user)
        if user is not None:
            live_tabs.note_page(self, user)  # this tab now updates live (state/live_tabs.py)
        return user, result

    def _page_opened(self, user: User | None) -> rx.event.EventSpec | None:
        """What a member page's load returns after ``_open_page``."""
        return self._login_redirect() if user is None else self._take_notice()

    async def _member_and_unread(self) -> User | None:
        """The current member, with the navigation's counts read in the same trip (opening a page
        reads the notifications about it)."""
        user, counts = await self._as_member(_unread_counts, path=self.router.url.path or "")
        if not isinstance(counts, attention.NavCounts):
            counts = attention.NavCounts()
        self.unread_notifications, self.unread_messages = counts.notifications, counts.messages
        self.waiting_requests = counts.requests
        return user


class PageGate(SessionState):
    """The page-load checks and Log out, on a leaf state of their own: with Redis, an event loads
    its state's substates too, so these (on every page load) would otherwise load every page's
    state of the tab from Redis."""

    @rx.event
    async def check_session(self):
        """On public pages: show the navigation that fits who is here."""
        user = await self._member_and_unread()
        await self._count_visit(user)
        live_tabs.note_page(self, None)  # public pages are not kept live
        return self._take_notice()

    @rx.event
    async def visitors_only(self):
        """On the landing page: it is for visitors; a logged-in member goes to Home."""
        user = await self._member_and_unread()
        await self._count_visit(user)
        live_tabs.note_page(self, None)
        if user is not None:
            return rx.redirect(routes.HOME, replace=True)
        return self._take_notice()

    @rx.event
    async def require_member(self):
        """On member pages: anonymous visitors go to Log in, and come back after it."""
        user = await self._member_and_unread()
        await self._count_visit(user)
        if user is None:
            return self._login_redirect()
        live_tabs.note_page(self, user)  # this tab now updates live (state/live_tabs.py)
        return self._take_notice()

    @rx.event
    async def require_admin(self):
        """On admin pages: anonymous visitors log in first; members who are not admins go home."""
        user = await self._current_member()
        await self._count_visit(user)
        if user is None:
            return self._login_redirect()
        if not user.is_admin:
            return [rx.redirect(routes.HOME), rx.toast.error("That page is for admins only.")]
        return self._take_notice()

    @rx.event
    async def log_out(self) -> None:
        """End this browser's session on the server and forget the member; the page then has the
        backend clear the cookie and goes to the landing page."""
        key = self._session_key()
        if key:
            await call(auth.close_session, key=key)
        await self._end_session(notice="You have logged out.")


# Facts about the browser, not the member: kept when the member changes.
KEPT_FOR_THE_BROWSER = frozenset({"time_zone", "browser_id"})


class IdentityGuard(Middleware):
    """Runs before Reflex answers a page's (re)connection with the whole state: the state is first
    made the current member's, so a reload after a log-out, an expiry or a deactivation never
    receives what the tab held for the previous member."""

    async def preprocess(self, app: rx.App, state: rx.State, event: Event) -> None:  # type: ignore[override]
        if event.name.rsplit(".", 1)[-1] in _PAGE_OPEN_EVENTS:
            # Through the small leaf state: with Redis, asking for SessionState itself would load
            # every page state of the tab (Reflex fetches a state's substates with it).
            gate = await state.get_state(PageGate)
            await gate._on_page_open()
        return None


_PAGE_OPEN_EVENTS = frozenset({"hydrate", "hydrate_and_load"})
