"""The browser key cookie: set once on the first HTML page, kept and renewed afterwards,
never on other responses, Secure over HTTPS."""

from __future__ import annotations

import asyncio
import threading

from persona_mining import browser_key


def call(headers=(), *, path="/", content_type=b"text/html", scheme="http", method="GET",
         status=200):
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type)] if content_type else []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "scheme": scheme,
             "headers": [(k.encode(), v.encode()) for k, v in headers]}
    # in a thread of its own: another test may have left an event loop in this one
    worker = threading.Thread(target=lambda: asyncio.run(
        browser_key.BrowserKeyMiddleware(app)(scope, None, send)))
    worker.start()
    worker.join(10)
    return [v.decode() for k, v in sent[0]["headers"] if k == b"set-cookie"]


def test_first_page_gets_a_key_and_later_pages_keep_it():
    first = call()
    assert len(first) == 1
    cookie = first[0]
    assert cookie.startswith(browser_key.COOKIE + "=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Secure" not in cookie and "Max-Age=" in cookie
    key = cookie.split(";")[0].split("=", 1)[1]
    assert browser_key.valid_key(key) == key
    again = call([("cookie", f"other=1; {browser_key.COOKIE}={key}")])
    assert again == [cookie]                                  # the same key, renewed
    assert call() != first                                    # another browser, another key


def test_no_cookie_on_assets_or_posts_and_secure_over_https():
    assert call(content_type=b"application/javascript") == []
    assert call(content_type=None, status=304) == []               # a cached script or style
    assert call(method="POST") == []
    assert "Secure" in call(scheme="https")[0]
    assert "Secure" in call([("x-forwarded-proto", "https")])[0]


def test_a_forged_or_malformed_key_is_replaced():
    for bad in ("short", "../../etc", "x" * 200, '"quoted"'):
        cookie = call([("cookie", f"{browser_key.COOKIE}={bad}")])[0]
        assert bad not in cookie
    assert browser_key.key_from_cookies({browser_key.COOKIE: "x" * 10}) is None
    assert browser_key.key_from_cookies({}) is None


def test_a_page_answered_from_the_browser_cache_still_gets_a_key():
    """A browser without the cookie (cleared) but with the page cached gets "304 Not
    Modified", which has no content type: the key must come with it all the same."""
    for headers in ([("sec-fetch-dest", "document")], [("accept", "text/html,*/*;q=0.8")]):
        assert len(call(headers, content_type=None, status=304)) == 1
