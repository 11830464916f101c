"""Messages: the member's threads, and one thread that updates live while it is open.

Nothing polls: sending a message publishes it (mentoring_app/live), and the worker holding each
open tab of either member runs that tab's ``_live_refresh`` (state/live_tabs.py), with one worker
or several (Redis), so the list and the thread update by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from mentoring_app import live, routes, timefmt
from mentoring_app.models import User
from mentoring_app.services import limits
from mentoring_app.services.conversations import messaging
from mentoring_app.services.conversations.links import split_links
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import id_from_path
from mentoring_app.state.session import SessionState


class MessagePart(TypedDict):
    """A run of a message's text; ``href`` set (http or https only) makes it a link."""

    text: str
    href: str


class MessageCard(TypedDict):
    id: int
    mine: bool
    sender: str
    parts: list[MessagePart]  # the body, split so its web addresses can be links (no HTML)
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
        parts=[MessagePart(text=p.text, href=p.href) for p in split_links(view.body)],
        sent=timefmt.show(view.sent_at, tz, timefmt.SHORT),
    )


def _send_then_read(
    session: Session, user: User, *, other_id: int, body: str, after_id: int
) -> list[messaging.MessageView]:
    """Send the message, then read the thread after ``after_id`` (the sent one with it)."""
    messaging.send_message(session, actor=user, other_id=other_id, body=body)
    return messaging.read_thread(session, actor=user, other_id=other_id, after_id=after_id)


@dataclass(frozen=True)
class Posted:
    """What sending a message from a form came to: nobody logged in (``user`` None), field errors,
    a refusal for a toast, or the thread's new messages as cards (the sent one among them)."""

    user: User | None
    errors: dict[str, str]
    refusal: str
    cards: list[MessageCard]


async def post_message(
    state: SessionState, other_id: int, form: FormData, shown: list[MessageCard]
) -> Posted:
    """Send the form's message to ``other_id`` and read what is new in the thread since ``shown``,
    in one trip to the database with the session check. Shared by Messages and the relationship
    dashboard's Messages section."""
    body = form.get("body", "")
    last = shown[-1]["id"] if shown else 0
    user, answer = await state._as_member(
        _send_then_read, other_id=other_id, body=body[:6000] if isinstance(body, str) else "", after_id=last
    )
    if isinstance(answer, ValidationFailed):
        return Posted(user, answer.errors, "", [])
    if isinstance(answer, limits.LimitReached):  # shown beside the message box, where it stays
        return Posted(user, {"body": answer.message}, "", [])
    if isinstance(answer, ServiceError):
        return Posted(user, {}, answer.message, [])
    known = {m["id"] for m in shown}
    cards = [message_card(m, state.time_zone) for m in answer or [] if m.id not in known]
    return Posted(user, {}, "", cards)


async def newer_cards(user: User, other_id: int, shown: list[MessageCard], tz: str) -> list[MessageCard]:
    """The thread's messages after the last one shown (none of them twice), as cards."""
    last = shown[-1]["id"] if shown else 0
    known = {m["id"] for m in shown}
    fresh = await call(messaging.read_thread, actor=user, other_id=other_id, after_id=last)
    return [message_card(m, tz) for m in fresh if m.id not in known]


async def earlier_cards(
    user: User, other_id: int, first_shown: list[MessageCard], tz: str
) -> tuple[list[MessageCard], bool]:
    """Show earlier messages: the thread's messages before the first one shown, as cards, and
    whether there are more before those."""
    if not first_shown:
        return [], False
    views, more = await call(
        messaging.earlier_messages, actor=user, other_id=other_id, before_id=first_shown[0]["id"]
    )
    return [message_card(m, tz) for m in views], more


EARLIER_HELD = 1000  # messages read back into one tab at most; older ones are in Download my data


def hold_earlier(
    cards: list[MessageCard], earlier: list[MessageCard], more: bool
) -> tuple[list[MessageCard], bool, bool]:
    """The read-back ``cards`` put before ``earlier``: (what the tab holds, whether Show earlier
    messages stays, whether it stopped at ``EARLIER_HELD``). A tab never holds more than that
    many, whatever the thread's length."""
    held = cards + earlier
    capped = len(held) > EARLIER_HELD or (more and len(held) == EARLIER_HELD)
    return held[-EARLIER_HELD:], more and not capped, capped


def may_have_earlier(opened_with: list[MessageCard] | list[messaging.MessageView]) -> bool:
    """A thread that opened with a full page of its latest messages may have earlier ones."""
    return len(opened_with) >= messaging.LATEST


class ThreadsState(SessionState):
    threads: list[ThreadCard] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        if user is None:
            return
        await self._reload(user)

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A message or a read changed the list (state/live_tabs.py)."""
        if topics & {live.MESSAGE, live.READ, live.EVERYTHING}:
            await self._reload(user)

    async def _reload(self, user: User) -> None:
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
    # Show earlier messages: those read back from before the thread's opening page (not live).
    earlier: list[MessageCard] = []
    has_earlier: bool = False
    earlier_capped: bool = False  # read back as far as a tab holds (EARLIER_HELD)
    errors: dict[str, str] = {}
    form_key: int = 0

    def _other_from_url(self) -> int:
        return id_from_path(self.router.url.path)

    @rx.event
    async def load(self):
        self.loaded, self.found, self.messages, self.errors = False, False, [], {}
        self.earlier, self.has_earlier, self.earlier_capped = [], False, False
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
        self.has_earlier = may_have_earlier(self.messages)
        self.found = self.loaded = True
        return None

    @rx.event
    async def show_earlier(self):
        """Read back the messages before the first one shown (the member's own thread only)."""
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        if self.found and self.other_id:
            cards, more = await earlier_cards(
                user, self.other_id, self.earlier or self.messages, self.time_zone
            )
            self.earlier, self.has_earlier, self.earlier_capped = hold_earlier(cards, self.earlier, more)
        return None

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A published change concerns this member (state/live_tabs.py): append the thread's new
        messages (none twice), and re-check whether they may still write (a request answered)."""
        if not self.found or not self.other_id:
            return
        everything = live.EVERYTHING in topics
        if everything or live.REQUEST in topics:
            try:
                self.other_name, self.can_write = await call(
                    messaging.counterpart, actor=user, other_id=self.other_id
                )
            except ServiceError:
                return
        if everything or live.MESSAGE in topics:
            self.messages += await newer_cards(user, self.other_id, self.messages, self.time_zone)

    @rx.event
    async def send(self, form: FormData):
        posted = await post_message(self, self.other_id, form, self.messages)
        if posted.user is None:
            return self._login_redirect()
        self.errors = posted.errors
        if posted.refusal:
            return rx.toast.error(posted.refusal)
        if self.errors:
            return None
        self.form_key += 1  # a fresh, empty message box
        self.messages += posted.cards
        return None
