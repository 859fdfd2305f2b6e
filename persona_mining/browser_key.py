"""A private random key per browser, kept in an HttpOnly cookie: who owns which project.

The workbench has no user accounts by default, yet several people share one server.
Each browser gets a random 192-bit key the first time it loads a page; the projects it
makes belong to the hash of that key (``projects.browser_owner``). The key is set by
this ASGI middleware on the HTML page response (``workbench.py`` wraps Streamlit's
``st.App`` with it), so it is there before the app's websocket opens and the script
reads it with ``st.context.cookies``. HttpOnly keeps it from page scripts, SameSite=Lax
from other sites' requests, Secure on HTTPS; it lives 400 days (the longest browsers keep
a cookie) and is renewed on every page load. Nothing is fetched from anywhere.

Why a cookie set by the server rather than the alternatives: a key in the URL (query
parameter) ends up in bookmarks, history and shared links, so sharing a link would share
the identity; a cookie written by JavaScript needs a component and a first run without
it. ``st.login`` (OpenID Connect) is supported on top (see ``pages/_shared``): with a
login configured, a logged-in person's projects follow them to every browser.

No streamlit import here: plain ASGI, testable on its own.
"""

from __future__ import annotations

import re
import secrets
from http.cookies import CookieError, SimpleCookie
from typing import Any, Awaitable, Callable, Mapping

COOKIE = "persona_mining_browser"
MAX_AGE = 400 * 24 * 3600
_KEY = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]


def new_key() -> str:
    return secrets.token_urlsafe(24)


def valid_key(value: str | None) -> str | None:
    """The key if it looks like one this module made (anything else is ignored)."""
    return value if isinstance(value, str) and _KEY.match(value) else None


def key_from_cookies(cookies: Mapping[str, str]) -> str | None:
    return valid_key(cookies.get(COOKIE))


def set_cookie_header(key: str, *, secure: bool) -> bytes:
    parts = [f"{COOKIE}={key}", "Path=/", f"Max-Age={MAX_AGE}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")


class BrowserKeyMiddleware:
    """Give every browser a key cookie on its first HTML page; renew it on later ones."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        key = valid_key(_cookie(headers.get("cookie", "")))
        secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto") == "https"
        # a page load, also when answered "304 Not Modified" (no content type then)
        navigation = (headers.get("sec-fetch-dest") == "document"
                      or "text/html" in headers.get("accept", ""))

        async def send_with_key(message: Message) -> None:
            if message.get("type") == "http.response.start" and (
                    _is_html(message) or (navigation and message.get("status") in (200, 304))):
                message = dict(message)
                message["headers"] = [*message.get("headers", []),
                                      (b"set-cookie", set_cookie_header(key or new_key(),
                                                                        secure=secure))]
            await send(message)

        await self.app(scope, receive, send_with_key)


def _cookie(header: str) -> str | None:
    try:
        jar = SimpleCookie()
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


def _is_html(message: Message) -> bool:
    for k, v in message.get("headers", []):
        if k.lower() == b"content-type":
            return v.lower().startswith(b"text/html")
    return False
