"""The account forms: Register, Log in, Forgot password, reset and change password.

Passwords arrive in the submitted form data, go straight to the service (in a thread, because
bcrypt is slow on purpose) and are never kept in state.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mentoring_app import routes
from mentoring_app.client_address import client_address
from mentoring_app.services import limits
from mentoring_app.services.accounts import auth
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.settings import get_settings
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState


def _text(form: dict[str, Any], name: str, limit: int = 500) -> str:
    """A submitted text field, as a string of bounded length (browsers can send anything)."""
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


class RegisterState(SessionState):
    """Register: name, email, password and role. The answer is the same for every email (a new
    one or one with an account), so the form tells nobody who is a member."""

    errors: dict[str, str] = {}
    sent_to: str = ""  # what this visitor typed, shown back to them
    busy: bool = False

    @rx.event
    async def submit(self, form: dict[str, Any]):
        if self.busy:
            return
        self.busy = True
        self.errors = {}
        yield
        email = _text(form, "email", 254)
        try:
            await call(
                auth.sign_up,
                name=_text(form, "name"),
                email=email,
                password=_text(form, "password", 1000),
                role=_text(form, "role"),
            )
        except ValidationFailed as failure:
            self.errors = failure.errors
            self.busy = False
            return
        self.sent_to = email.strip()
        self.busy = False

    @rx.event
    def start_again(self) -> None:
        """A fresh form (also on every visit, so a past answer never greets the next person)."""
        self.sent_to = ""
        self.errors = {}
        self.busy = False


class ConfirmEmailState(SessionState):
    """The link from the confirmation email: confirms the address and logs this browser in."""

    link_checked: bool = False
    link_ok: bool = False

    @rx.event
    async def confirm(self):
        self.link_checked = self.link_ok = False
        key = self.router.url.query_parameters.get("key", "")[:200]
        try:
            user = await call(auth.confirm_email, key=key)
        except ServiceError:
            self.link_checked = True
            return None
        self.link_ok = self.link_checked = True
        await self._start_session(
            user,
            then=routes.MY_PROFILE,
            notice=f"Your email address is confirmed. Welcome, {user.name}! Now complete your profile.",
        )
        return None


class LoginState(SessionState):
    """Log in, throttled on the server, returning to the page that asked for it."""

    errors: dict[str, str] = {}
    form_error: str = ""
    busy: bool = False

    @rx.event
    async def submit(self, form: dict[str, Any]):
        if self.busy:
            return
        email = _text(form, "email", 254)
        password = _text(form, "password", 1000)
        self.errors = {}
        self.form_error = ""
        if not email.strip():
            self.errors["email"] = "Enter your email address."
        if not password:
            self.errors["password"] = "Enter your password."  # noqa: S105 - a message
        if self.errors:
            return
        self.busy = True
        yield
        try:
            user = await call(
                auth.authenticate,
                email=email,
                password=password,
                address=self._client_address(),
            )
        except ServiceError as refusal:
            self.form_error = refusal.message
            self.busy = False
            return
        self.busy = False
        await self._start_session(user, then=routes.safe_next(self.router.url.query_parameters.get("next")))

    def _client_address(self) -> str:
        """Who is knocking, for throttling: the socket's peer, or the client a trusted proxy names."""
        return client_address(
            self.router.session.client_ip,
            self.router.headers.raw_headers.get("x-forwarded-for", ""),
            get_settings().trusted_proxies,
        )


class ForgotPasswordState(SessionState):
    """Forgot password: always the same answer, so it tells nobody who has an account."""

    errors: dict[str, str] = {}
    sent_to: str = ""
    # Set when this address asked too often: the same words whether or not it has an account.
    ask_again_in: str = ""
    busy: bool = False

    @rx.event
    async def submit(self, form: dict[str, Any]):
        email = _text(form, "email", 254).strip()
        self.errors = {}
        if not email or "@" not in email:
            self.errors = {"email": "Enter the email address of your account."}
            return
        self.busy = True
        yield
        wait = await call(auth.request_password_reset, email=email)
        self.ask_again_in = limits.wait_text(wait) if wait else ""
        self.sent_to = email
        self.busy = False

    @rx.event
    def start_again(self) -> None:
        self.sent_to = ""
        self.ask_again_in = ""
        self.errors = {}


class ResetPasswordState(SessionState):
    """Choose a new password through an emailed link."""

    errors: dict[str, str] = {}
    link_ok: bool = False
    link_checked: bool = False
    is_invitation: bool = False
    busy: bool = False

    def _key(self) -> str:
        return self.router.url.query_parameters.get("key", "")[:200]

    @rx.event
    async def check_link(self) -> None:
        self.errors = {}
        purpose = await call(auth.reset_link_purpose, key=self._key())
        self.link_ok = purpose is not None
        self.is_invitation = purpose == "invite"
        self.link_checked = True

    @rx.event
    async def submit(self, form: dict[str, Any]):
        password = _text(form, "password", 1000)
        confirm = _text(form, "confirm_password", 1000)
        self.errors = {}
        if password != confirm:
            self.errors = {"confirm_password": "The two passwords are not the same."}
            return
        self.busy = True
        yield
        try:
            user = await call(auth.reset_password, key=self._key(), new_password=password)
        except ValidationFailed as failure:
            self.errors = failure.errors
            self.busy = False
            return
        except ServiceError:
            self.link_ok = False
            self.busy = False
            return
        self.busy = False
        await self._start_session(
            user,
            then=routes.HOME,
            notice="Your password has been changed. Every other session was logged out.",
        )


class ChangePasswordState(SessionState):
    """Change password while logged in; other sessions end, this one continues with a new key."""

    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    async def submit(self, form: dict[str, Any]):
        user = await self._current_member()
        if user is None:
            yield self._login_redirect()
            return
        new_password = _text(form, "new_password", 1000)
        self.errors = {}
        if new_password != _text(form, "confirm_password", 1000):
            self.errors = {"confirm_password": "The two passwords are not the same."}
            return
        self.busy = True
        yield
        try:
            await call(
                auth.change_password,
                user_id=user.id,
                current_password=_text(form, "current_password", 1000),
                new_password=new_password,
            )
        except ValidationFailed as failure:
            self.errors = failure.errors
            self.busy = False
            return
        self.busy = False
        await self._start_session(
            user,
            then=routes.ACCOUNT,
            notice="Your password has been changed. Every other session was logged out.",
        )
