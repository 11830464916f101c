"""Admin: review and resolve reports. A reported message becomes readable to admins (that message
only; services/reports audits each reading)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import routes, timefmt
from mentoring_app.services.conversations import reports
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id
from mentoring_app.state.session import SessionState


class ReportRowView(TypedDict):
    id: int
    reporter: str
    subject: str
    kind: str
    reason: str
    created: str
    status: str


class ReportDetailView(TypedDict):
    id: int
    reporter: str
    reporter_url: str
    subject: str
    subject_url: str
    subject_profile_url: str
    about_message: bool
    reason: str
    created: str
    resolved: bool
    resolution: str
    message_found: bool
    message_from: str
    message_to: str
    message_sent: str
    message_body: str


def _row(r: reports.ReportRow, tz: str) -> ReportRowView:
    return ReportRowView(
        id=r.id,
        reporter=r.reporter_name,
        subject=r.subject_name,
        kind="Message" if r.about_message else "Profile",
        reason=r.reason if len(r.reason) <= 140 else r.reason[:139] + "…",
        created=timefmt.show(r.created_at, tz, timefmt.DAY),
        status="Resolved " + timefmt.show(r.resolved_at, tz, timefmt.DAY) if r.resolved_at else "Open",
    )


def _detail(d: reports.ReportDetail, tz: str) -> ReportDetailView:
    r, m = d.report, d.message
    return ReportDetailView(
        id=r.id,
        reporter=r.reporter_name,
        reporter_url=f"{routes.ADMIN_MEMBERS}/{r.reporter_id}",
        subject=r.subject_name,
        subject_url=f"{routes.ADMIN_MEMBERS}/{r.subject_user_id}",
        subject_profile_url=f"{routes.MEMBERS}/{r.subject_user_id}",
        about_message=r.about_message,
        reason=r.reason,
        created=timefmt.show(r.created_at, tz, timefmt.MOMENT),
        resolved=r.resolved_at is not None,
        resolution=(
            f"Resolved by {d.resolved_by_name or 'an admin'} on "
            f"{timefmt.show(r.resolved_at, tz, timefmt.MOMENT)}: {d.resolution_note}"
            if r.resolved_at
            else ""
        ),
        message_found=m is not None,
        message_from=m.sender_name if m else "",
        message_to=m.recipient_name if m else "",
        message_sent=timefmt.show(m.sent_at, tz, timefmt.MOMENT) if m else "",
        message_body=m.body if m else "",
    )


class AdminReportsState(SessionState):
    status: str = "open"
    rows: list[ReportRowView] = []
    loaded: bool = False
    detail: ReportDetailView | None = None
    errors: dict[str, str] = {}

    async def _reload(self) -> bool:
        user = await self._current_member()
        try:
            found = await call(reports.list_reports, actor=user, status=self.status)
        except ServiceError:
            self.rows, self.loaded, self.detail = [], False, None
            return False
        self.rows, self.loaded = [_row(r, self.time_zone) for r in found], True
        return True

    async def _open(self, report_id: int):
        user = await self._current_member()
        self.errors = {}
        try:
            found = await call(reports.report_detail, actor=user, report_id=report_id)
        except ServiceError as refusal:
            self.detail = None
            return rx.toast.error(refusal.message)
        self.detail = _detail(found, self.time_zone)
        return None

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        wanted = params.get("status", "open")
        self.status = wanted if wanted in reports.STATUSES else "open"
        self.detail, self.errors = None, {}
        if not await self._reload():
            return None
        report_id = as_id(params.get("report", ""))
        return await self._open(report_id) if report_id else None

    @rx.event
    async def filter(self, form: FormData):
        wanted = form.get("status", "open")
        status = wanted if isinstance(wanted, str) and wanted in reports.STATUSES else "open"
        return rx.redirect(f"{routes.ADMIN_REPORTS}?status={status}")

    @rx.event
    async def review(self, report_id: int | str):
        return await self._open(as_id(report_id))

    @rx.event
    def close(self) -> None:
        self.detail, self.errors = None, {}

    @rx.event
    async def resolve(self, report_id: int | str, form: FormData):
        user = await self._current_member()
        rid = as_id(report_id)
        note = form.get("note", "")
        try:
            await call(
                reports.resolve_report,
                actor=user,
                report_id=rid,
                note=note[: reports.MAX_NOTE + 1] if isinstance(note, str) else "",
            )
        except ValidationFailed as invalid:
            self.errors = dict(invalid.errors)
            return None
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        await self._reload()
        await self._open(rid)
        return rx.toast.success("The report is resolved.")
