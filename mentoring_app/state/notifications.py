"""The Notifications page: the member's own notifications grouped by the member they are about
(one group per relationship or conversation). Opening what a notification is about reads it
(state/session.py, on every member page); **Mark all as read** reads the rest."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

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


class NotificationGroupCard(TypedDict):
    title: str
    unread: int
    items: list[NotificationCard]


def _mark_all_read(session: Session, user: User) -> int:
    return notifications.mark_all_read(session, actor=user)


class NotificationsState(SessionState):
    groups: list[NotificationGroupCard] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        if user is None:
            self.loaded = False
            return
        await self._show(user)

    @rx.event
    async def mark_all_read(self):
        """Mark every notification of the member read (the member is checked on the server)."""
        user, marked = await self._as_member(_mark_all_read)
        if user is None:
            return self._login_redirect()
        self.unread_notifications = 0
        await self._show(user)
        return rx.toast.success("All notifications marked as read.") if marked else None

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A new notification, or some read elsewhere, while the page is open: re-read the list."""
        if topics & {live.NOTIFICATION, live.READ, live.EVERYTHING}:
            await self._show(user)

    async def _show(self, user: User) -> None:
        found = await call(notifications.grouped, actor=user)
        self.groups = [
            NotificationGroupCard(
                title=g.title,
                unread=g.unread,
                items=[
                    NotificationCard(
                        text=r.text,
                        link=r.link,
                        when=timefmt.show(r.created_at, self.time_zone),
                        new=r.unread,
                    )
                    for r in g.items
                ],
            )
            for g in found
        ]
        self.loaded = True
