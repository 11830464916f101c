"""Report a problem (a profile, or a message sent to you): stored for admins."""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app.services.conversations import reports
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id
from mentoring_app.state.session import SessionState


class ReportState(SessionState):
    errors: dict[str, str] = {}

    @rx.event
    async def submit(self, form: FormData):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        reason = form.get("reason", "")
        message_id = as_id(form.get("message", ""))
        try:
            await call(
                reports.report,
                actor=user,
                subject_user_id=as_id(form.get("subject", "")),
                reason=reason[:3000] if isinstance(reason, str) else "",
                message_id=message_id or None,
            )
        except ValidationFailed as failure:
            self.errors = failure.errors
            return None
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.errors = {}
        return rx.toast.success("Thank you. An admin will look at your report.")
