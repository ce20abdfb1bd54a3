"""Security headers on every response, and CSRF tokens for every form.

CSRF: each browser gets a random ``ca_csrf`` cookie (HttpOnly, SameSite=Strict); forms
carry a signed copy of it as ``csrf_token`` (or the ``X-CSRF-Token`` header for scripts).
:func:`csrf_protect` runs as an app-wide dependency, so every unsafe request to a page is
checked in one place and no form can forget. API calls authenticated with a bearer token
carry no cookies and are exempt (an API request that does carry the session cookie is
checked like a form).
"""

from __future__ import annotations

import hmac
import re
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeSerializer

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
}


def csp_with_style_hashes(html: str) -> str:
    """The strict policy plus the hash of each ``<style>`` block of ``html``.

    Report packs carry their own stylesheet inline (so the PDF and the archived HTML are
    one self-contained file); allowing exactly those blocks by hash keeps the policy strict:
    no other inline style, and still no inline script.
    """
    import base64
    import hashlib
    import re

    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode("utf-8")).digest()).decode() + "'"
        for m in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S)
    ]
    return CSP.replace("style-src 'self'", " ".join(["style-src 'self'", *hashes]))


CSRF_COOKIE = "ca_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the headers above; pages are never cached, static files are."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])]
                have = {k.lower() for k, _ in headers}
                for k, v in HEADERS.items():
                    if k.encode() not in have:
                        headers.append((k.encode(), v.encode()))
                if b"cache-control" not in have:
                    cache = "public, max-age=31536000, immutable" if static else "no-store"
                    headers.append((b"cache-control", cache.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret, salt="csrf")


def ensure_csrf_cookie(request: Request) -> str:
    """This browser's CSRF secret, minting one (set on the response by the app) if new."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not value:
        value = secrets.token_urlsafe(24)
        request.state.new_csrf = value
    return value


def csrf_token(request: Request) -> str:
    """The token to put in a form's hidden ``csrf_token`` field."""
    return _serializer(request).dumps(ensure_csrf_cookie(request))


def _valid(request: Request, token: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not token or not cookie:
        return False
    try:
        value = _serializer(request).loads(token)
    except BadSignature:
        return False
    return hmac.compare_digest(str(value), cookie)


def _same_origin(request: Request) -> bool:
    """Whether the browser says the request came from this site's own pages.

    Defence in depth beside the token (OWASP CSRF cheat sheet, "verifying origin with
    standard headers"): a browser's ``Sec-Fetch-Site`` other than ``same-origin``/``none``
    is refused even with a valid token; without fetch metadata, an ``Origin`` naming
    another host (or ``null``, sent by sandboxed frames and some redirects) is refused.
    A request with neither header (a script, an old browser) is left to the token. Behind
    a proxy that rewrites ``Host``, the proxy's ``X-Forwarded-Host`` names this site too.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        # A browser that sends fetch metadata says exactly where the form came from. It is
        # trusted over ``Origin``: this site's ``Referrer-Policy: no-referrer`` makes
        # Chromium send ``Origin: null`` on its own same-origin form posts.
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    hosts = {request.headers.get("host"), request.headers.get("x-forwarded-host")} - {None}
    return urlsplit(origin).netloc in hosts and origin != "null"


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: refuse an unsafe request without a valid CSRF token, or sent
    from another site's page."""
    if request.method in SAFE_METHODS:
        return
    if request.url.path.startswith("/api/") and "ca_session" not in request.cookies:
        return  # no cookie, no ambient authority to abuse: bearer tokens or nothing
    if not _same_origin(request):
        raise HTTPException(status_code=403, detail="The form was not sent by this site "
                            "(CSRF check failed: another origin). Open the page on this "
                            "site and try again.")
    token = request.headers.get(CSRF_HEADER)
    if not token:
        ctype = request.headers.get("content-type", "")
        if "form" in ctype:
            form = await request.form()
            token = form.get(CSRF_FIELD)  # type: ignore[assignment]
    if not _valid(request, token if isinstance(token, str) else None):
        raise HTTPException(status_code=403, detail="The form has expired or was not sent by "
                            "this site (CSRF check failed). Reload the page and try again.")


_NEXT = re.compile(r"^/(?!/)[A-Za-z0-9/_.-]{0,100}$")
_LONG_NUMBER = re.compile(r"\d{6,}")


def safe_next(target: str | None) -> str:
    """Only plain same-site paths: never another site, and nothing that could be an
    identifier typed into a URL (it would be echoed into the login form)."""
    if target and _NEXT.match(target) and not _LONG_NUMBER.search(target):
        return target
    return "/"
