"""Reflex's websocket protocol spoken from Python, as the browser speaks it (learnt from the frames
`python -m benchmarks.load_capture` prints).

Socket.IO over Engine.IO 4 at ``/_event/?token=<client token>&EIO=4&transport=websocket``:
- the server opens with ``0{...}`` and pings with ``2`` (we answer ``3``);
- the page connects the ``/_event`` namespace with ``40/_event,{"event": <hydrate_and_load>}``: the
  hydrate event rides in the CONNECT packet, with the page's router data and the browser storage
  vars (time zone, browser id cookies);
- events go out as ``42/_event,["event", {"name", "payload", "router_data"}]``;
- updates come back as ``42/_event,["event", {"delta": {...}}]`` or ``{"events": [...]}``. Frontend
  events (names starting with ``_``) are the browser's to run: ``_redirect`` makes it navigate;
- navigating inside the app sends ``update_vars_internal`` (the storage vars) and
  ``on_load_internal`` with the new page's router data.

No frame says an event is finished (Reflex 0.10 dropped ``final``), so each action names the update
that ends it: a page (re)load or navigation ends with ``is_hydrated: true`` after its ``on_load``
handlers; a plain handler ends with the delta of the var it changes.

The session cookie is HttpOnly: it rides on the websocket's handshake (``Cookie`` header), as the
browser sends it. The socket library is simple_websocket (asyncio, wsproto), which Reflex's
python-engineio already installs.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from simple_websocket import AioClient, ConnectionClosed
from simple_websocket.errors import SimpleWebsocketError

ROOT = "reflex___state____state"
SESSION = f"{ROOT}.mentoring_app___state___session____session_state"
UPDATE_VARS = f"{ROOT}.reflex___state____update_vars_internal_state.update_vars_internal"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
STORAGE_VARS = ("time_zone", "browser_id")  # rx.Cookie vars the browser sends back with events
HYDRATED = '"is_hydrated_rx_state_":true'
ERROR_TOAST = '[\\"error\\"]('  # rx.toast.error(...) as a _call_function payload, JSON-escaped
# What a lost or refused connection raises (counted as an error of the action, not a crash).
NETWORK_ERRORS = (ConnectionError, OSError, TimeoutError, SimpleWebsocketError)
# Dynamic routes: the page parameter the browser adds to the router data's query.
ROUTE_PARAMS = (
    (re.compile(r"^/members/([^/]+)/?$"), "member_id"),
    (re.compile(r"^/relationships/([^/]+)/?$"), "relationship_id"),
    (re.compile(r"^/messages/([^/]+)/?$"), "other_id"),
)


def state(*modules_and_classes: str) -> str:
    """The full name of an app substate under SessionState, e.g. ``state("find_mentor",
    "find_mentor_state")`` (Reflex joins module and class with four underscores)."""
    module, cls = modules_and_classes
    return f"{SESSION}.mentoring_app___state___{module}____{cls}"


def router_data(path: str) -> dict[str, Any]:
    """What the browser sends as router data for a page: its path, and its query with the route's
    parameters, as the frontend's withRouterData does."""
    parts = urlsplit(path)
    data: dict[str, Any] = {"pathname": parts.path, "asPath": path}
    query = dict(parse_qsl(parts.query))
    for pattern, name in ROUTE_PARAMS:
        if found := pattern.match(parts.path):
            query[name] = found.group(1)
    if query:
        data["query"] = query
    return data


def form_payload(fields: list[tuple[str, str]]) -> dict[str, Any]:
    """A submitted form, as the frontend encodes FormData."""
    return {"form": {"__reflex_form_data__": fields}}


@dataclass
class Reply:
    """What one action brought back: how long until its last update, and what it weighed."""

    seconds: float = 0.0
    frames: int = 0
    bytes: int = 0
    largest: dict[str, int] = field(default_factory=dict)  # var marker -> largest frame holding it
    error: str = ""


class Tab:
    """One browser tab: a websocket with a client token, the member's cookie, and its page."""

    def __init__(self, host: str, port: int, app_url: str, token: str, cookie: str = "") -> None:
        self.host, self.port, self.app_url, self.token, self.cookie = host, port, app_url, token, cookie
        self.path = "/"
        self.storage: dict[str, str] = {"time_zone": "UTC"}
        self.measure: tuple[str, ...] = ()  # vars whose frames' sizes are recorded
        self._socket: AioClient | None = None
        self._frames: asyncio.Queue[str] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None
        self._last: list[str] = []  # the frames of the last action, for checks after it

    # The connection

    async def open(self, path: str, timeout: float = 60) -> Reply:
        """Load ``path`` as a full page load does: connect, hydrate, run its on_load handlers."""
        await self.close()
        self.path = path
        url = f"ws://{self.host}:{self.port}/_event/?token={self.token}&EIO=4&transport=websocket"
        headers = {"Origin": self.app_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.perf_counter()
        self._socket = await asyncio.wait_for(AioClient.connect(url, headers=headers), timeout)
        # The server's open packet (``0{...}``) may sit unread behind the handshake in the socket
        # library's buffer until more data comes, so the namespace is connected without waiting
        # for it (the server accepts the CONNECT packet as soon as the websocket is open).
        self._frames = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())
        hydrate = {"name": f"{ROOT}.hydrate_and_load", "payload": {"vars": self._storage_vars()}}
        hydrate["router_data"] = router_data(path)
        await self._socket.send("40/_event," + json.dumps({"event": hydrate}))
        reply = await self._collect(started, lambda frame: HYDRATED in frame, timeout)
        return reply

    async def close(self) -> None:
        if self._socket is not None:
            try:
                await self._socket.send("41/_event,")
                await self._socket.close()
            except (ConnectionClosed, OSError):
                pass
            self._socket = None
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None

    async def _read(self) -> None:
        """Answer the server's pings and queue every event frame for whoever waits for it."""
        socket = self._socket
        assert socket is not None
        try:
            while True:
                frame = await socket.receive()
                if frame is None:
                    continue
                if frame == "2":
                    await socket.send("3")
                elif isinstance(frame, str) and frame.startswith(("42/_event,", "44/_event,", "41/_event")):
                    self._frames.put_nowait(frame)
        except (ConnectionClosed, OSError):
            self._frames.put_nowait("CLOSED")

    # Events

    async def navigate(self, path: str, timeout: float = 60) -> Reply:
        """Follow a link inside the app: the page's on_load handlers run, then it is hydrated."""
        started = time.perf_counter()
        self._drain()
        await self._go(path)
        return await self._collect(started, lambda frame: HYDRATED in frame, timeout)

    async def send(
        self, name: str, payload: dict[str, Any], until: Callable[[str], bool], timeout: float = 60
    ) -> Reply:
        """Send a handler event from the current page; done when ``until`` accepts a frame (after
        any redirect it causes has loaded its page)."""
        started = time.perf_counter()
        self._drain()
        await self._emit({"name": name, "payload": payload, "router_data": router_data(self.path)})
        return await self._collect(started, until, timeout)

    async def _go(self, path: str) -> None:
        self.path = path
        data = router_data(path)
        await self._emit(
            {"name": UPDATE_VARS, "payload": {"vars": self._storage_vars()}, "router_data": data}
        )
        await self._emit({"name": ON_LOAD, "router_data": data})

    async def _emit(self, event: dict[str, Any]) -> None:
        if self._socket is None:
            raise ConnectionError("the tab is not connected")
        await self._socket.send("42/_event," + json.dumps(["event", event]))

    def _drain(self) -> None:
        """Forget updates that arrived while the member was thinking (pushes from live sections)."""
        while not self._frames.empty():
            frame = self._frames.get_nowait()
            self._remember_storage(frame)

    async def _collect(self, started: float, until: Callable[[str], bool], timeout: float) -> Reply:
        """Read updates until ``until`` accepts one, following redirects as the browser does."""
        reply = Reply()
        self._last = []
        deadline = started + timeout
        while True:
            remaining = deadline - time.perf_counter()
            try:
                frame = await asyncio.wait_for(self._frames.get(), max(remaining, 0.001))
            except TimeoutError:
                reply.error = "timeout"
                break
            if frame == "CLOSED" or frame.startswith(("41/_event", "44/_event,")):
                reply.error = "disconnected"
                break
            reply.frames += 1
            reply.bytes += len(frame)
            self._last.append(frame)
            self._weigh(frame, reply)
            self._remember_storage(frame)
            if ERROR_TOAST in frame:
                reply.error = "error toast"
            if '"_redirect"' in frame:
                await self._go(_redirect_path(frame))
                continue
            if until(frame):
                break
        reply.seconds = time.perf_counter() - started
        return reply

    def last_frame_matching(self, read: Callable[[str], str]) -> str:
        """The first non-empty ``read(frame)`` over the last action's frames ("" if none)."""
        return next((found for frame in self._last if (found := read(frame))), "")

    def _weigh(self, frame: str, reply: Reply) -> None:
        for marker in self.measure:
            if f'"{marker}_rx_state_"' in frame:
                reply.largest[marker] = max(reply.largest.get(marker, 0), len(frame.encode()))

    def _remember_storage(self, frame: str) -> None:
        """Keep the cookie vars the server sets (as the browser's client storage does)."""
        if '"browser_id_rx_state_"' not in frame and '"time_zone_rx_state_"' not in frame:
            return
        body = json.loads(frame[frame.index(",") + 1 :])[1]
        session = (body.get("delta") or {}).get(SESSION, {})
        for name in STORAGE_VARS:
            if value := session.get(f"{name}_rx_state_"):
                self.storage[name] = value

    def _storage_vars(self) -> dict[str, str]:
        return {f"{SESSION}.{name}_rx_state_": value for name, value in self.storage.items()}


def _redirect_path(frame: str) -> str:
    body = json.loads(frame[frame.index(",") + 1 :])[1]
    event = next(e for e in body.get("events", []) if e.get("name") == "_redirect")
    return event["payload"]["path"]


def delta_holds(var: str) -> Callable[[str], bool]:
    """An end condition: the update carries ``var``."""
    marker = f'"{var}_rx_state_"'
    return lambda frame: marker in frame


def handoff_code(frame: str) -> str:
    """The one-time code a log-in leaves in the session state's delta, if this frame holds it."""
    found = re.search(r'"handoff_code_rx_state_":"([^"]+)"', frame)
    return found.group(1) if found else ""


def claim_session(host: str, port: int, app_url: str, code: str, next_path: str) -> tuple[int, str]:
    """POST the code to /_session/claim as the log-in page's form does: (status, session cookie)."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(
            "POST",
            "/_session/claim",
            body=urlencode({"code": code, "next": next_path}),
            headers={"Origin": app_url, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("set-cookie", "") or ""
        return response.status, cookie.split(";", 1)[0]
    finally:
        connection.close()
