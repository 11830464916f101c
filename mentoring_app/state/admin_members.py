"""Admin: find members, deactivate or reactivate them, make or remove admins.

Every handler re-derives the actor; the admin service refuses anyone who is not an admin.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from mentoring_app import timefmt
from mentoring_app.services import admin
from mentoring_app.services.errors import ServiceError
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_flag, as_id
from mentoring_app.state.session import SessionState


class MemberView(TypedDict):
    id: int
    name: str
    email: str
    role: str
    is_admin: bool
    is_active: bool
    joined: str
    last_active: str


def _view(row: admin.MemberRow, tz: str) -> MemberView:
    return MemberView(
        id=row.id,
        name=row.name,
        email=row.email,
        role=row.role,
        is_admin=row.is_admin,
        is_active=row.is_active,
        joined=timefmt.show(row.joined, tz, timefmt.DAY),
        last_active=timefmt.show(row.last_active, tz, timefmt.DAY, empty="Never"),
    )


class AdminMembersState(SessionState):
    """The members list an admin sees (empty for anyone else)."""

    members: list[MemberView] = []
    query: str = ""
    loaded: bool = False

    async def _reload(self) -> None:
        user = await self._current_member()
        try:
            rows = await call(admin.find_members, actor=user, query=self.query)
        except ServiceError:
            self.members = []
            self.loaded = False
            return
        self.members = [_view(row, self.time_zone) for row in rows]
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        await self._reload()

    @rx.event
    async def search(self, form: dict[str, Any]) -> None:
        value = form.get("query", "")
        self.query = value[:100] if isinstance(value, str) else ""
        await self._reload()

    async def _change(self, fn: Any, done: str, **kwargs: Any):
        user = await self._current_member()
        try:
            changed = await call(fn, actor=user, **kwargs)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        await self._reload()
        return rx.toast.success(done.format(name=changed.name))

    @rx.event
    async def set_active(self, user_id: int | str, active: bool | str):
        done = (
            "{name} can log in again."
            if as_flag(active)
            else "{name} is deactivated and logged out everywhere."
        )
        return await self._change(admin.set_active, done, user_id=as_id(user_id), active=as_flag(active))

    @rx.event
    async def set_admin(self, user_id: int | str, is_admin: bool | str):
        done = "{name} is now an admin." if as_flag(is_admin) else "{name} is no longer an admin."
        return await self._change(admin.set_admin, done, user_id=as_id(user_id), is_admin=as_flag(is_admin))
