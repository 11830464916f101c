"""Mentoring requests: sending one from a mentor's profile, and the Requests page for both sides.

Handlers take ids and text only; the relationships service checks that the member may act on
that request (a mentee cannot accept, a stranger finds nothing by guessing ids).
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import live, routes, timefmt
from mentoring_app.models import User
from mentoring_app.services import limits
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.recommendations import Candidate
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.mentoring import relationships, request_lists
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id, id_from_path
from mentoring_app.state.session import SessionState


class RequestCard(TypedDict):
    id: int
    status: str
    status_label: str
    other_name: str
    other_url: str
    message_url: str
    text: str
    sent: str
    decline_reason: str
    decline_note: str
    suggested_name: str
    suggested_url: str
    contact: list[str]


def _text(form: FormData, name: str, limit: int = 4000) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


class SendRequestState(SessionState):
    """The Send mentoring request form on a mentor's public profile."""

    open: bool = False
    template_warning: str = ""
    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    def start(self) -> None:
        self.open, self.template_warning, self.errors = True, "", {}

    @rx.event
    def close(self) -> None:
        self.open = False

    @rx.event
    async def submit(self, form: FormData):
        user = await self._current_member()
        if user is None:
            yield self._login_redirect()
            return
        if self.busy:  # a fast second click: the first one is on its way
            return
        mentor_id = id_from_path(self.router.url.path)
        if not mentor_id:
            return
        self.busy, self.errors = True, {}
        yield
        try:
            await call(
                relationships.send_request,
                actor=user,
                mentor_id=mentor_id,
                text=_text(form, "request_text"),
                confirm_template=form.get("confirm_template") == "yes",
            )
        except relationships.TemplateUnchanged as warning:
            self.template_warning, self.busy = warning.message, False
            return
        except ValidationFailed as failure:
            self.errors, self.busy = failure.errors, False
            return
        except limits.LimitReached as reached:  # under the request, which stays as typed
            self.errors, self.busy = {"request_text": reached.message}, False
            return
        except ServiceError as refusal:
            self.busy = False
            yield rx.toast.error(refusal.message)
            return
        self.busy, self.open, self.template_warning = False, False, ""
        yield rx.redirect(routes.REQUESTS)
        yield rx.toast.success("Your mentoring request has been sent. The mentor has been emailed.")


class SuggestionOption(TypedDict):
    id: str
    name: str  # as the choice reads: the name, and for a good fit why ("matches Region, Languages")


def _option(candidate: Candidate) -> SuggestionOption:
    reason = f" ({candidate.reason})" if candidate.reason else ""
    return SuggestionOption(id=str(candidate.mentor_id), name=candidate.name + reason)


class RequestsState(SessionState):
    """Requests to me (as a mentor) and my requests (as a mentee), with what I may do on each."""

    loaded: bool = False
    # Suggest another mentor: those who fit this mentee best (best first), then the others by name.
    best_fits: list[SuggestionOption] = []
    suggestions: list[SuggestionOption] = []
    incoming: list[RequestCard] = []
    outgoing: list[RequestCard] = []
    declining: int = 0
    editing: int = 0
    errors: dict[str, str] = {}

    async def _reload(self) -> None:
        user = await self._current_member()
        if user is None:
            self.loaded = False
            return
        await self._show_requests(user)

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A request of this member's was sent, answered, edited or expired (state/live_tabs.py).
        A form being filled in (decline, edit) stays open: only the lists are re-read."""
        if topics & {live.REQUEST, live.EVERYTHING}:
            await self._show_requests(user)

    async def _show_requests(self, user: User) -> None:
        incoming, outgoing = await call(request_lists.list_requests, actor=user)

        async def card(view: request_lists.RequestView, other_id: int, other_name: str) -> RequestCard:
            contact: list[str] = []
            if view.status == "accepted":
                details = await call(profiles.contact_details, viewer=user, user_id=other_id)
                how = profiles.CONTACT_METHODS.get(details.preferred, details.preferred)
                contact = [
                    f"Email: {details.email}",
                    f"Phone: {details.phone or 'not given'}",
                    f"Prefers: {how}",
                ]
            return RequestCard(
                id=view.id,
                status=view.status,
                status_label=view.status_label,
                other_name=other_name,
                other_url=f"{routes.MEMBERS}/{other_id}",
                message_url=f"{routes.MESSAGES}/{other_id}",
                text=view.text,
                sent=timefmt.show(view.created_at, self.time_zone, timefmt.DAY),
                decline_reason=view.decline_reason,
                decline_note=view.decline_note,
                suggested_name=view.suggested_mentor_name,
                suggested_url=f"{routes.MEMBERS}/{view.suggested_mentor_id}"
                if view.suggested_mentor_id
                else "",
                contact=contact,
            )

        self.incoming = [await card(v, v.mentee_id, v.mentee_name) for v in incoming]
        self.outgoing = [await card(v, v.mentor_id, v.mentor_name) for v in outgoing]
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.declining, self.editing, self.errors = 0, 0, {}
        await self._reload()

    async def _act(self, fn, done: str, **kwargs):  # type: ignore[no-untyped-def]
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        try:
            await call(fn, actor=user, **kwargs)
        except ValidationFailed as failure:
            self.errors = failure.errors
            return None
        except ServiceError as refusal:
            await self._reload()
            return rx.toast.error(refusal.message)
        self.declining, self.editing, self.errors = 0, 0, {}
        await self._reload()
        return rx.toast.success(done)

    @rx.event
    async def accept(self, request_id: int | str):
        return await self._act(
            relationships.accept_request,
            "Accepted. Your new mentee has been told, and you can now see each other's contact details.",
            request_id=as_id(request_id),
        )

    @rx.event
    async def start_decline(self, request_id: int | str):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        try:
            options = await call(
                relationships.suggestion_candidates, actor=user, request_id=as_id(request_id)
            )
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.best_fits = [_option(c) for c in options if c.reason]
        self.suggestions = [_option(c) for c in options if not c.reason]
        self.declining, self.errors = as_id(request_id), {}
        return None

    @rx.event
    def start_edit(self, request_id: int | str) -> None:
        self.editing, self.errors = as_id(request_id), {}

    @rx.event
    def stop(self) -> None:
        self.declining, self.editing, self.errors = 0, 0, {}

    @rx.event
    async def decline(self, form: FormData):
        return await self._act(
            relationships.decline_request,
            "Declined. The mentee has been told, kindly.",
            request_id=self.declining,
            reason=_text(form, "reason", 30),
            note=_text(form, "note", 2000),
            suggested_mentor_id=as_id(form.get("suggested", "")) or None,
        )

    @rx.event
    async def save_edit(self, form: FormData):
        return await self._act(
            relationships.edit_request,
            "Your request has been updated.",
            request_id=self.editing,
            text=_text(form, "request_text"),
        )

    @rx.event
    async def cancel(self, request_id: int | str):
        return await self._act(
            relationships.cancel_request, "Your request has been cancelled.", request_id=as_id(request_id)
        )

    @rx.event
    async def withdraw(self, form: FormData):
        raw = form.get("relationship_id", "")
        return await self._act(
            relationships.withdraw,
            "You have withdrawn from the relationship. The other member has been told.",
            relationship_id=as_id(raw),
            reason=_text(form, "reason", 1000),
        )
