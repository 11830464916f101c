"""Account's Emails form (which emails, each as it happens or weekly) and the page an email's
unsubscribe link opens, which works without a log-in (the link's signature is the proof)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mentoring_app.services.errors import ValidationFailed
from mentoring_app.services.outbox import preferences
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState


class EmailSettingsState(SessionState):
    """The member's own choices only; saved (committed) before the page says so."""

    enabled: dict[str, bool] = {}
    message_frequency: str = preferences.EACH
    notification_frequency: str = preferences.EACH
    errors: dict[str, str] = {}
    settings_loaded: bool = False

    def _show(self, chosen: preferences.Choices) -> None:
        self.enabled = dict(chosen.enabled)
        self.message_frequency = chosen.message_frequency
        self.notification_frequency = chosen.notification_frequency
        self.settings_loaded = True

    @rx.event
    async def load(self) -> None:
        self.errors = {}
        user = await self._current_member()
        if user is not None:
            self._show(await call(preferences.choices, actor=user))

    @rx.event
    async def save(self, form: dict[str, Any]):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        if not isinstance(form, dict):  # a forged event: browsers send the form as an object
            return None
        try:
            chosen = await call(
                preferences.save,
                actor=user,
                enabled={t: form.get(t) == "yes" for t in preferences.TYPES},
                message_frequency=str(form.get("message_frequency", ""))[:10],
                notification_frequency=str(form.get("notification_frequency", ""))[:10],
            )
        except ValidationFailed as failure:
            self.errors = failure.errors
            return None
        self.errors = {}
        self._show(chosen)
        return rx.toast.success("Saved: your email settings are changed.")


class UnsubscribeState(SessionState):
    """Opening the link turns that type of email off; the page offers to turn it back on."""

    link_checked: bool = False
    link_ok: bool = False
    words: str = ""  # "message", "check-in", ...: which emails the link is about
    is_on: bool = False

    def _params(self) -> dict[str, str]:
        query = self.router.url.query_parameters
        return {k: str(query.get(k, ""))[:200] for k in ("m", "t", "s")}

    async def _set(self, on: bool) -> None:
        result = await call(preferences.set_by_link, params=self._params(), on=on)
        self.link_ok, self.words, self.is_on = result.ok, result.words, on and result.ok
        self.link_checked = True

    @rx.event
    async def turn_off(self) -> None:
        self.link_checked = self.link_ok = False
        await self._set(False)

    @rx.event
    async def turn_on(self) -> None:
        await self._set(True)
