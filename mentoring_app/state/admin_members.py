"""Admin: find members, deactivate or reactivate them, make or remove admins, import members from
CSV, export CSVs; and one member's page (``/admin/members/<id>``).

Every handler re-derives the actor; the admin service refuses anyone who is not an admin.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

import reflex as rx

from mentoring_app import routes, timefmt
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import NotAllowed, ServiceError, ValidationFailed
from mentoring_app.services.staff import admin, exports
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_flag, as_id, id_from_path
from mentoring_app.state.session import SessionState
from mentoring_app.state.uploads import megabytes, read_capped


class MemberView(TypedDict):
    id: int
    name: str
    email: str
    role: str
    is_admin: bool
    is_active: bool
    joined: str
    last_active: str
    url: str


class ImportLineView(TypedDict):
    line: int
    problem: str


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
        url=f"{routes.ADMIN_MEMBERS}/{row.id}",
    )


MAX_IMPORT_ERRORS_SHOWN = 200
CSV_TOO_BIG = f"Choose a CSV file (UTF-8) of at most {megabytes(admin.MAX_IMPORT_BYTES)}."


class AdminMembersState(SessionState):
    """The members list an admin sees (empty for anyone else)."""

    members: list[MemberView] = []
    query: str = ""
    loaded: bool = False
    import_summary: str = ""
    import_error: str = ""
    import_lines: list[ImportLineView] = []

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

    @rx.event
    async def import_csv(self, files: list[rx.UploadFile]):
        """Import members from an uploaded CSV file (the CLI's format): counts and refused lines.
        The admin is checked before a byte is read; the file is read in chunks up to the cap."""
        user = await self._current_member()
        try:
            require_admin(user)
        except NotAllowed as refusal:
            return rx.toast.error(refusal.message)
        self.import_summary, self.import_error, self.import_lines = "", "", []
        if not files:
            self.import_error = "Choose a CSV file first."
            return None
        data = await read_capped(files[0], admin.MAX_IMPORT_BYTES)
        if data is None:
            self.import_error = CSV_TOO_BIG
            return None
        try:
            result = await call(admin.import_members_csv, actor=user, data=data)
        except ValidationFailed as invalid:
            self.import_error = invalid.errors.get("file", invalid.message)
            return None
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.import_summary = (
            f"Import finished: {result.created} created, {result.updated} updated, "
            f"{len(result.errors)} line(s) refused."
        )
        self.import_lines = [
            ImportLineView(line=line, problem=problem)
            for line, problem in result.errors[:MAX_IMPORT_ERRORS_SHOWN]
        ]
        await self._reload()
        return rx.toast.success(self.import_summary)

    @rx.event
    def csv_rejected(self, _rejections: list) -> None:
        """The browser refused the file before sending it (too large or not CSV)."""
        self.import_summary, self.import_lines = "", []
        self.import_error = CSV_TOO_BIG

    async def _download(self, fn: Any, filename: str, **kwargs: Any):
        user = await self._current_member()
        try:
            data = await call(fn, actor=user, **kwargs)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        return rx.download(data=data, filename=filename, mime_type="text/csv")

    @rx.event
    async def export_members(self):
        return await self._download(exports.members_csv, f"members-{utcnow():%Y-%m-%d}.csv")

    @rx.event
    async def export_relationships(self):
        return await self._download(exports.relationships_csv, f"relationships-{utcnow():%Y-%m-%d}.csv")

    @rx.event
    async def export_visits(self):
        """Visits by month over the last 12 months."""
        today = utcnow().date()
        total = today.year * 12 + today.month - 1 - 11
        start = date(total // 12, total % 12 + 1, 1)
        return await self._download(
            exports.visits_by_month_csv, f"visits-by-month-{today:%Y-%m}.csv", start=start, end=today
        )


class MemberDetailView(TypedDict):
    id: int
    name: str
    email: str
    role: str
    is_admin: bool
    is_active: bool
    joined: str
    last_active: str
    headline: str
    completeness: int
    mentor_line: str
    contact_email: str
    contact_phone: str
    relationships: str
    open_reports_about: int
    invitation: str
    can_resend: bool
    public_url: str


def _detail_view(d: admin.MemberDetail, tz: str) -> MemberDetailView:
    if d.has_password:
        invitation = "Has chosen a password."
    elif d.invitation_pending:
        invitation = "Invited " + timefmt.show(d.invitation_sent_at, tz, timefmt.DAY) + "; not accepted yet."
    elif d.invitation_sent_at:
        invitation = "The invitation of " + timefmt.show(d.invitation_sent_at, tz, timefmt.DAY) + " expired."
    else:
        invitation = "Imported; never invited."
    mentor_line = ""
    if d.is_mentor:
        mentor_line = (
            f"{'Offered' if d.mentor_matchable else 'Not offered'} to mentees; "
            f"{'available' if d.available else 'not available'}; capacity {d.capacity}."
        )
    return MemberDetailView(
        id=d.id,
        name=d.name,
        email=d.email,
        role=d.role,
        is_admin=d.is_admin,
        is_active=d.is_active,
        joined=timefmt.show(d.joined, tz, timefmt.DAY),
        last_active=timefmt.show(d.last_active, tz, timefmt.DAY, empty="Never"),
        headline=d.headline,
        completeness=d.completeness,
        mentor_line=mentor_line,
        contact_email=d.contact_email,
        contact_phone=d.contact_phone,
        relationships=(
            f"Mentoring {d.active_as_mentor}, mentored in {d.active_as_mentee}; "
            f"{d.pending_sent} request(s) sent and {d.pending_received} received waiting; "
            f"{d.relationships_total} in all."
        ),
        open_reports_about=d.open_reports_about,
        invitation=invitation,
        can_resend=not d.has_password and d.is_active,
        public_url=f"{routes.MEMBERS}/{d.id}",
    )


class AdminMemberState(SessionState):
    """One member as an admin sees them (nothing for anyone else)."""

    found: bool = False
    checked: bool = False
    member: MemberDetailView | None = None

    def _member_id(self) -> int:
        return id_from_path(self.router.url.path)

    async def _load(self, user_id: int) -> None:
        user = await self._current_member()
        try:
            detail = await call(admin.member_detail, actor=user, user_id=user_id)
        except ServiceError:
            self.member, self.found, self.checked = None, False, True
            return
        self.member, self.found, self.checked = _detail_view(detail, self.time_zone), True, True

    @rx.event
    async def load(self) -> None:
        self.member, self.found, self.checked = None, False, False
        await self._load(self._member_id())

    async def _change(self, fn: Any, done: str, user_id: int, **kwargs: Any):
        user = await self._current_member()
        try:
            changed = await call(fn, actor=user, user_id=user_id, **kwargs)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        await self._load(user_id)
        name = self.member["name"] if self.member else getattr(changed, "name", "")
        return rx.toast.success(done.format(name=name))

    @rx.event
    async def set_active(self, user_id: int | str, active: bool | str):
        done = (
            "{name} can log in again."
            if as_flag(active)
            else "{name} is deactivated and logged out everywhere."
        )
        return await self._change(admin.set_active, done, as_id(user_id), active=as_flag(active))

    @rx.event
    async def set_admin(self, user_id: int | str, is_admin: bool | str):
        done = "{name} is now an admin." if as_flag(is_admin) else "{name} is no longer an admin."
        return await self._change(admin.set_admin, done, as_id(user_id), is_admin=as_flag(is_admin))

    @rx.event
    async def resend_invitation(self, user_id: int | str):
        return await self._change(
            admin.resend_invitation, "A new invitation is on its way to {name}.", as_id(user_id)
        )
