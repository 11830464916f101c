"""Admin: the audit log of admin actions, newest first, a page at a time, by kind of action."""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import urlencode

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import routes, timefmt
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.staff import audit
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id
from mentoring_app.state.session import SessionState

PAGE_SIZE = 50


class AuditRowView(TypedDict):
    id: int
    at: str
    who: str
    action: str
    summary: str


class AdminAuditState(SessionState):
    rows: list[AuditRowView] = []
    actions: list[str] = []
    action: str = ""
    page: int = 1
    has_more: bool = False
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        params = self.router.url.query_parameters
        self.page = max(1, min(as_id(params.get("page", "1")) or 1, 10_000))
        wanted = params.get("action", "")
        try:
            kinds = await call(audit.actions, actor=user)
            self.action = wanted if wanted in kinds else ""
            found = await call(
                audit.recent,
                actor=user,
                limit=PAGE_SIZE + 1,
                offset=(self.page - 1) * PAGE_SIZE,
                action=self.action or None,
            )
        except ServiceError:
            self.rows, self.actions, self.loaded = [], [], False
            return
        self.actions = kinds
        self.has_more = len(found) > PAGE_SIZE
        self.rows = [
            AuditRowView(
                id=e.id,
                at=timefmt.show(e.at, self.time_zone, timefmt.MOMENT),
                who=e.actor_name,
                action=e.action,
                summary=e.summary,
            )
            for e in found[:PAGE_SIZE]
        ]
        self.loaded = True

    def _url(self, action: str, page: int) -> str:
        query = {k: v for k, v in (("action", action), ("page", str(page))) if v and v != "1"}
        return routes.ADMIN_AUDIT + (f"?{urlencode(query)}" if query else "")

    @rx.event
    async def filter(self, form: FormData):
        wanted = form.get("action", "")
        action = wanted if isinstance(wanted, str) and wanted in self.actions else ""
        return rx.redirect(self._url(action, 1))

    @rx.event
    async def go_to_page(self, page: int | str):
        return rx.redirect(self._url(self.action, max(1, as_id(page) or 1)))
