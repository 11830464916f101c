"""Messages: the member's threads, and one thread that updates live while it is open.

A background task polls the database for new messages in the open thread (every 1.5 s) and
stops when the member leaves the page, so it works the same with one worker or several (Redis).
"""

from __future__ import annotations

import asyncio
from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import routes, timefmt
from mentoring_app.models import User
from mentoring_app.services import limits
from mentoring_app.services.conversations import messaging
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import id_from_path
from mentoring_app.state.session import SessionState

POLL_SECONDS = 1.5


class MessageCard(TypedDict):
    id: int
    mine: bool
    sender: str
    body: str
    sent: str


class ThreadCard(TypedDict):
    name: str
    url: str
    last: str
    unread: int


def message_card(view: messaging.MessageView, tz: str) -> MessageCard:
    return MessageCard(
        id=view.id,
        mine=view.mine,
        sender=view.sender_name,
        body=view.body,
        sent=timefmt.show(view.sent_at, tz, timefmt.SHORT),
    )


async def post_message(user: User, other_id: int, form: FormData) -> tuple[dict[str, str], str]:
    """Send the form's message to ``other_id``: (field errors, refusal), both empty once sent.

    Shared by Messages and the relationship dashboard's Messages section."""
    body = form.get("body", "")
    try:
        await call(
            messaging.send_message,
            actor=user,
            other_id=other_id,
            body=body[:6000] if isinstance(body, str) else "",
        )
    except ValidationFailed as failure:
        return failure.errors, ""
    except limits.LimitReached as reached:  # shown beside the message box, where it stays
        return {"body": reached.message}, ""
    except ServiceError as refusal:
        return {}, refusal.message
    return {}, ""


async def newer_cards(user: User, other_id: int, shown: list[MessageCard], tz: str) -> list[MessageCard]:
    """The thread's messages after the last one shown (none of them twice), as cards."""
    last = shown[-1]["id"] if shown else 0
    known = {m["id"] for m in shown}
    fresh = await call(messaging.read_thread, actor=user, other_id=other_id, after_id=last)
    return [message_card(m, tz) for m in fresh if m.id not in known]


class ThreadsState(SessionState):
    threads: list[ThreadCard] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        if user is None:
            return
        rows = await call(messaging.threads, actor=user)
        self.threads = [
            ThreadCard(
                name=t.other_name,
                url=f"{routes.MESSAGES}/{t.other_id}",
                last=timefmt.show(t.last_message_at, self.time_zone),
                unread=t.unread,
            )
            for t in rows
        ]
        self.loaded = True


class ThreadState(SessionState):
    other_id: int = 0
    other_name: str = ""
    can_write: bool = False
    found: bool = False
    loaded: bool = False
    messages: list[MessageCard] = []
    errors: dict[str, str] = {}
    form_key: int = 0
    # The websocket connection whose watcher is running. A flag would outlive an instance that
    # stopped or crashed (the state is in Redis): the tab, reconnected elsewhere, would never be
    # watched again. Each connection has its own session id, so a new one starts its own watcher.
    _watch_sid: str = ""

    def _other_from_url(self) -> int:
        return id_from_path(self.router.url.path)

    @rx.event
    async def load(self):
        self.loaded, self.found, self.messages, self.errors = False, False, [], {}
        user = await self._current_member()
        other_id = self._other_from_url()
        if user is None or not other_id:
            self.loaded = True
            return
        try:
            self.other_name, self.can_write = await call(messaging.counterpart, actor=user, other_id=other_id)
        except ServiceError:
            self.loaded = True
            return
        self.other_id = other_id
        self.messages = [
            message_card(m, self.time_zone)
            for m in await call(messaging.read_thread, actor=user, other_id=other_id)
        ]
        self.found = self.loaded = True
        if self._watch_sid != self.router.session.session_id:
            return ThreadState.watch
        return None

    @rx.event
    async def send(self, form: FormData):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        self.errors, refusal = await post_message(user, self.other_id, form)
        if refusal:
            return rx.toast.error(refusal)
        if self.errors:
            return None
        self.form_key += 1  # a fresh, empty message box
        self.messages += await newer_cards(user, self.other_id, self.messages, self.time_zone)
        return None

    @rx.event(background=True)
    async def watch(self):
        """While this thread is open, bring in new messages without a reload."""
        async with self:
            sid = self.router.session.session_id
            if self._watch_sid == sid:
                return
            self._watch_sid = sid
        try:
            while True:
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if self._watch_sid != sid:
                        return  # the tab reconnected: its new connection has its own watcher
                    if (
                        not self.router.url.path.rstrip("/").startswith(routes.MESSAGES + "/")
                        or not self.found
                    ):
                        return
                    user = await self._current_member()
                    other_id, shown, tz = self.other_id, list(self.messages), self.time_zone
                if user is None:
                    return
                fresh = await newer_cards(user, other_id, shown, tz)
                if fresh:
                    async with self:
                        if self.other_id == other_id:
                            known = {m["id"] for m in self.messages}
                            self.messages += [m for m in fresh if m["id"] not in known]
        finally:
            async with self:
                if self._watch_sid == sid:
                    self._watch_sid = ""
