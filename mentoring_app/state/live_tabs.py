"""Live tabs: the state side of mentoring_app/live.

``note_page`` records, on every member page load, which member this tab shows which page to (the
per-worker registry); ``run`` is the worker's lifespan task: it listens for published changes and,
for each tab of a concerned member held by this worker, runs that tab's refresh on the server
inside ``app.modify_state`` (Reflex takes the tab's lock and sends the browser the delta).

A refresh re-reads the header counts (member and counts in one trip to the database), then the open
page re-reads what the topics say changed (``_live_refresh(user, topics)`` on the page's state).
Each refresh reads from the database, so it shows what is there now: a message is appended only if
newer than the last one shown (nothing twice), and after a lost connection every tab here
refreshes once (nothing lost).
"""

from __future__ import annotations

import logging
from typing import Any

import reflex as rx
from reflex.istate.manager.token import BaseStateToken

from mentoring_app import live, routes
from mentoring_app.models import User

log = logging.getLogger(__name__)

# The one waker of this worker, once ``run`` has started (tests and benchmarks read it).
waker: live.Waker | None = None


def note_page(state: rx.State, user: User | None) -> None:
    """A page loaded in this tab: remember which member it shows what (None: nobody's, forget)."""
    token = state.router.session.client_token
    if not token:
        return
    if user is None or not user.id:
        live.tabs.close(token)
    else:
        live.tabs.open(token, user.id, state.router.url.path or "/")


def _page_state(path: str) -> type[rx.State]:
    """The state whose refresh serves the page at ``path`` (the header counts on any page)."""
    from mentoring_app.state.dashboard import DashboardState
    from mentoring_app.state.home import HomeState
    from mentoring_app.state.messages import ThreadsState, ThreadState
    from mentoring_app.state.notifications import NotificationsState
    from mentoring_app.state.requests import RequestsState
    from mentoring_app.state.session import PageGate

    path = path.rstrip("/") or "/"
    if path.startswith(routes.RELATIONSHIPS + "/"):
        return DashboardState
    if path.startswith(routes.MESSAGES + "/"):
        return ThreadState
    return {
        routes.MESSAGES: ThreadsState,
        routes.REQUESTS: RequestsState,
        routes.NOTIFICATIONS: NotificationsState,
        routes.HOME: HomeState,
    }.get(path, PageGate)


def _held_here(app: rx.App, token: str) -> bool:
    """Whether this worker holds the tab's websocket (otherwise it is not ours to refresh)."""
    namespace = app.event_namespace
    if namespace is None:
        return False
    manager = namespace._token_manager
    record = manager.token_to_socket.get(token)
    return record is not None and record.instance_id == manager.instance_id


async def refresh_tab(app: rx.App, tab: live.Tab, topics: frozenset[str]) -> bool:
    """Run the tab's refresh on the server and send it the delta; False if the tab is gone."""
    if not _held_here(app, tab.token):
        return False
    cls = _page_state(tab.path)
    async with app.modify_state(BaseStateToken(ident=tab.token, cls=cls)) as root:
        state: Any = await root.get_state(cls)
        user = await state._member_and_unread()
        if user is None:
            return False  # logged out or expired: this tab is nobody's now
        if user.id != tab.member_id:
            live.tabs.open(tab.token, user.id, tab.path)  # another member logged in on it
        here = state.router.url.path.rstrip("/") or "/"
        if here == (tab.path.rstrip("/") or "/") and hasattr(state, "_live_refresh"):
            await state._live_refresh(user, topics)
    return True


def _watch_disconnects(app: rx.App) -> None:
    """Forget a tab when its websocket closes (wraps this worker's socket.io disconnect handler)."""
    namespace = app.event_namespace
    if namespace is None or getattr(namespace, "_live_forgets", False):
        return
    original = namespace.on_disconnect

    def on_disconnect(sid: str, *_reason: Any) -> Any:
        token = namespace.sid_to_token.get(sid)
        # A page reload opens the tab's new socket before the old one's disconnect arrives, and
        # the new page may have registered already: forget the tab only if this socket is its
        # latest (as Reflex itself checks before cleaning up).
        record = namespace._token_manager.token_to_socket.get(token) if token else None
        if token and (record is None or record.sid == sid):
            live.tabs.close(token)
        return original(sid)

    namespace.on_disconnect = on_disconnect  # type: ignore[method-assign]
    namespace._live_forgets = True  # type: ignore[attr-defined]


async def run(app: rx.App) -> None:
    """This worker's listener (a lifespan task): wake the concerned tabs it holds."""
    global waker

    async def refresh(tab: live.Tab, topics: frozenset[str]) -> bool:
        return await refresh_tab(app, tab, topics)

    waker = live.Waker(live.tabs, refresh)
    _watch_disconnects(app)
    transport = live.get_transport()
    log.info("Live updates over %s", transport.name)
    await live.listen(waker.changed, waker.catch_up, transport)
