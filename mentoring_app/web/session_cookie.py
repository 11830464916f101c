"""The session cookie: HttpOnly, SameSite=Strict, set and cleared only by HTTP responses.

The browser's scripts never see it; the server reads it from the websocket's handshake (Reflex
keeps the handshake's headers server-side and strips ``cookie`` from what it sends the browser).
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.responses import Response

from mentoring_app.settings import get_settings
from mentoring_app.web.cookies import SESSION_COOKIE

NAME = SESSION_COOKIE
MAX_KEY_LENGTH = 100


def read_key(cookie_header: str) -> str:
    """The session key in a ``Cookie`` header, or "" when there is none (or it is malformed)."""
    if not cookie_header or NAME not in cookie_header:
        return ""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return ""
    morsel = jar.get(NAME)
    value = morsel.value if morsel else ""
    return value if 0 < len(value) <= MAX_KEY_LENGTH else ""


def set_key(response: Response, key: str) -> None:
    settings = get_settings()
    response.set_cookie(
        NAME,
        key,
        max_age=settings.session_absolute_days * 24 * 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )


def clear(response: Response) -> None:
    settings = get_settings()
    response.delete_cookie(NAME, path="/", httponly=True, samesite="strict", secure=settings.secure_cookies)
