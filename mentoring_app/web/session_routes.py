"""HTTP routes that set and clear the HttpOnly session cookie.

``POST /_session/claim`` redeems the one-time code a log-in left (services/accounts/session_handoff.py)
and sets the cookie; ``POST /_session/logout`` ends the session and clears it. Both answer only
to a form posted from our own pages (the Origin header), so no other site can log a browser in
or out, and both end with a redirect to a local path.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mentoring_app import routes
from mentoring_app.db import session_scope
from mentoring_app.services.accounts import auth, session_handoff
from mentoring_app.settings import get_settings
from mentoring_app.web import session_cookie

CLAIM_PATH = "/_session/claim"
LOGOUT_PATH = "/_session/logout"
MAX_FORM_BYTES = 4096


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin", "")
    return origin in get_settings().allowed_origins


async def _small_form(request: Request) -> dict[str, str] | None:
    """The posted url-encoded form, or None when it is larger than any form of ours."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
    return {name: values[0] for name, values in fields.items()}


def _redeem(code: str, replacing: str) -> str | None:
    with session_scope() as db:
        return session_handoff.redeem(db, code=code, replacing=replacing)


def _close(key: str) -> None:
    with session_scope() as db:
        auth.close_session(db, key)


async def claim(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("Forbidden", status_code=403)
    form = await _small_form(request)
    if form is None:
        return PlainTextResponse("Request too large", status_code=413)
    current = session_cookie.read_key(request.headers.get("cookie", ""))
    key = await asyncio.to_thread(_redeem, form.get("code", ""), current)
    if key is None:  # used, expired or forged: log in again
        return RedirectResponse(routes.LOGIN, status_code=303)
    response = RedirectResponse(routes.safe_next(form.get("next")), status_code=303)
    session_cookie.set_key(response, key)
    response.headers["cache-control"] = "no-store"
    return response


async def logout(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("Forbidden", status_code=403)
    key = session_cookie.read_key(request.headers.get("cookie", ""))
    if key:
        await asyncio.to_thread(_close, key)
    response = RedirectResponse(routes.LANDING, status_code=303)
    session_cookie.clear(response)
    response.headers["cache-control"] = "no-store"
    return response


def session_api() -> Starlette:
    """The routes, as an app Reflex mounts its own in front of (``rx.App(api_transformer=...)``)."""
    return Starlette(
        routes=[Route(CLAIM_PATH, claim, methods=["POST"]), Route(LOGOUT_PATH, logout, methods=["POST"])]
    )
