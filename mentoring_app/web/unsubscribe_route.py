"""``POST /_email/unsubscribe``: RFC 8058 one-click unsubscribe, the URL of each email's
``List-Unsubscribe`` header. Mail providers post ``List-Unsubscribe=One-Click`` to it from their
own servers, with no cookie and no Origin of ours, so the signed query (member, type, HMAC) is the
only proof (services/outbox/preferences). A GET (a person opening the URL) is sent to the
unsubscribe page, which does the same and offers to turn the emails back on.
"""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mentoring_app import routes
from mentoring_app.db import session_scope
from mentoring_app.services.outbox import preferences

MAX_BODY_BYTES = 1024


def _turn_off(params: dict[str, str]) -> preferences.LinkResult:
    with session_scope() as db:
        return preferences.set_by_link(db, params=params, on=False)


async def one_click(request: Request) -> Response:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("Request too large", status_code=413)
    params = {k: request.query_params.get(k, "")[:200] for k in ("m", "t", "s")}
    result = await asyncio.to_thread(_turn_off, params)
    if not result.ok:
        return PlainTextResponse("This unsubscribe link is not valid.", status_code=400)
    return PlainTextResponse(
        f"You will no longer get {result.words} emails.", headers={"cache-control": "no-store"}
    )


async def opened(request: Request) -> Response:
    return RedirectResponse(f"{routes.UNSUBSCRIBE}?{request.url.query}", status_code=303)


def unsubscribe_api() -> Starlette:
    """The route, as an app Reflex mounts its own in front of (``rx.App(api_transformer=...)``)."""
    return Starlette(
        routes=[
            Route(preferences.ONE_CLICK_PATH, one_click, methods=["POST"]),
            Route(preferences.ONE_CLICK_PATH, opened, methods=["GET"]),
        ]
    )
