"""Account: download all my data, or delete my account (with my password)."""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app.services.accounts import privacy
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState


class MyDataState(SessionState):
    delete_errors: dict[str, str] = {}
    deleting: bool = False

    @rx.event
    async def download(self):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        data = await call(privacy.export_my_data, actor=user)
        return rx.download(data=data, filename=privacy.export_filename(), mime_type="application/json")

    @rx.event
    async def delete_account(self, form: FormData):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        password = form.get("password", "")
        self.deleting, self.delete_errors = True, {}
        try:
            await call(
                privacy.delete_account,
                actor=user,
                password=password[:200] if isinstance(password, str) else "",
            )
        except ValidationFailed as invalid:
            self.delete_errors, self.deleting = invalid.errors, False
            return None
        except ServiceError as refusal:
            self.deleting = False
            return rx.toast.error(refusal.message)
        # The service has ended every session: forget the member here, and clear the cookie.
        await self._end_session(notice="Your account has been deleted. Thank you for mentoring with us.")
        return None
