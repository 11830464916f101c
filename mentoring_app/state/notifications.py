"""The Notifications page: the member's own notifications, newest first; opening it reads them."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from mentoring_app import live, timefmt
from mentoring_app.models import User
from mentoring_app.services.conversations import notifications
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState


class NotificationCard(TypedDict):
    text: str
    link: str
    when: str
    new: bool


class NotificationsState(SessionState):
    items: list[NotificationCard] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        if user is None:
            self.loaded = False
            return
        await self._show(user)

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A new notification for this member while the page is open: shown, and so read."""
        if topics & {live.NOTIFICATION, live.EVERYTHING}:
            await self._show(user)

    async def _show(self, user: User) -> None:
        rows = await call(notifications.recent, actor=user)
        self.items = [
            NotificationCard(
                text=r.text, link=r.link, when=timefmt.show(r.created_at, self.time_zone), new=r.unread
            )
            for r in rows
        ]
        await call(notifications.mark_all_read, actor=user)
        self.unread_notifications = 0
        self.loaded = True
