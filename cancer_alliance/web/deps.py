"""FastAPI dependencies every page and API route uses: who is asking, may they, the store.

* :func:`current_actor`: the logged-in user (session cookie), else the anonymous public.
* :func:`require`: the ONE path to a 401/403: asks :func:`cancer_alliance.auth.policy.decide`
  and, when the decision says so, writes the audit row before the page is built.
* :func:`get_con`: a DuckDB cursor on the app's store for the length of one request.
* :func:`render`: a page in the base layout, with the CSRF token and the navigation for
  the actor's role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import duckdb
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, URLSafeSerializer

from cancer_alliance.auth import audit, policy, sessions, tokens
from cancer_alliance.auth.model import Actor
from cancer_alliance.dataset.periods import WINDOW_WORDS
from cancer_alliance.web import downloads, selection
from cancer_alliance.web.security import CSRF_COOKIE, csrf_token

SESSION_COOKIE = "ca_session"


class LoginRequired(Exception):
    """The anonymous public asked for something that needs an account."""


class Forbidden(Exception):
    """A logged-in actor asked for something their role or scope does not allow."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def get_con(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the app's one store connection, closed when the request ends."""
    cur = request.app.state.con.cursor()
    try:
        yield cur
    finally:
        cur.close()


def _session_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret, salt="session")


def sign_session(request: Request, session_id: str) -> str:
    """The cookie value for a session id (signed, so a forged cookie is never looked up)."""
    return _session_serializer(request).dumps(session_id)


def session_id(request: Request) -> str | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return str(_session_serializer(request).loads(raw))
    except BadSignature:
        return None


def current_actor(request: Request) -> Actor:
    """Who is asking: a live session's user, a provider API token, else the public."""
    cached = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    cur = request.app.state.con.cursor()
    try:
        actor = None
        auth = request.headers.get("authorization", "")
        if request.url.path.startswith("/api/") and auth.lower().startswith("bearer "):
            actor = tokens.actor_for_token(cur, auth[7:].strip())
        if actor is None:
            actor = sessions.resolve(cur, session_id(request))
    finally:
        cur.close()
    actor = actor or Actor.anonymous()
    request.state.actor = actor
    return actor


def _org_from(request: Request, org_param: str | None) -> str | None:
    if not org_param:
        return None
    return request.path_params.get(org_param) or request.query_params.get(org_param) or None


_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_<>.\-]{0,20}$")
_LONG_NUMBER = re.compile(r"\d{6,}")


def audit_resource(request: Request) -> str:
    """The request for the audit row: method and path, with any path segment that could be
    free text or an identifier typed into a URL replaced by ``?`` (the audit log refuses
    ten-digit text, and would otherwise fail after the decision was made)."""
    segments = [s if _SAFE_VALUE.match(s) and not _LONG_NUMBER.search(s) else "?"
                for s in request.url.path.split("/")]
    return f"{request.method} {'/'.join(segments)}"


def audit_detail(request: Request) -> str:
    """The request's filters for the audit row: codes and options kept, anything that could
    be free text (or an identifier typed into a URL) replaced by ``?``."""
    parts = []
    for key, value in sorted(request.query_params.items()):
        ok = _SAFE_VALUE.match(key) and _SAFE_VALUE.match(value) and not _LONG_NUMBER.search(value)
        parts.append(f"{key}={value}" if ok else f"{key[:20] if _SAFE_VALUE.match(key) else '?'}=?")
    return " ".join(parts)


def check(request: Request, actor: Actor, action: str, org_code: str | None = None, *,
          audit_view: bool = True):
    """Decide, raise the one 401/403, and audit when the decision says so.

    ``audit_view=False`` is for a second, narrower check within a request already audited.
    """
    decision = policy.decide(actor, action, org_code)
    if not decision.allowed:
        if actor.is_anonymous:
            raise LoginRequired()
        raise Forbidden(decision.reason)
    if decision.audit and audit_view:
        detail = audit_detail(request)
        cur = request.app.state.con.cursor()
        try:
            audit.record(
                cur, actor, action, resource=audit_resource(request),
                detail=detail or None,
            )
        finally:
            cur.close()
    return decision


def require(action: str, org_param: str | None = None,
            org_roles: tuple[str, ...] = ("provider", "commissioner")):
    """A dependency allowing ``action`` (on the organisation named by ``org_param``) or refusing.

    Returns the Actor. ``org_param`` names a path or query parameter holding an
    organisation code, checked against the own organisation of actors whose role is in
    ``org_roles`` (e.g. only providers, when the parameter holds a provider code).
    """

    def dependency(request: Request, actor: Actor = Depends(current_actor)) -> Actor:
        org = _org_from(request, org_param) if actor.role in org_roles else None
        check(request, actor, action, org)
        return actor

    dependency.__name__ = f"require_{action}"
    return dependency


NAV = [
    ("Overview", "/", "view_operations"),
    ("Standards", "/standards", "view_operations"),
    ("Providers", "/providers", "view_operations"),
    ("Tumour groups", "/tumour-groups", "view_operations"),
    ("Equity", "/equity", "view_operations"),
    ("Outcomes", "/outcomes", "view_operations"),
    ("Looking ahead", "/looking-ahead", "view_operations"),
    ("Patient tracking list", "/ptl", "view_patient"),
    ("104-day waits", "/harm-review", "view_patient"),
    ("Submissions", "/submissions", "submit_data"),
    ("Completeness", "/completeness", "submit_data"),
    # the reconciliation is for exactly the roles view_patient admits (policy.
    # reconciliation_scope: exact counts, so not for board members or the public)
    ("Reconciliation", "/reconciliation", "view_patient"),
    ("Operations", "/operations", "view_operations"),
    ("Public view", "/public", "view_aggregate"),
    ("Definitions", "/definitions", "view_aggregate"),
    ("Help", "/help", "view_aggregate"),
    ("Audit log", "/admin/audit", "admin"),
    ("Users", "/admin/users", "admin"),
]


def nav_for(actor: Actor) -> list[tuple[str, str]]:
    """The menu: only the pages the actor may open."""
    return [(label, href) for label, href, action in NAV if policy.decide(actor, action).allowed]


def render(request: Request, template: str, status_code: int = 200, **ctx) -> HTMLResponse:
    """Render ``template`` in the base layout with actor, nav and CSRF token in the context."""
    actor = current_actor(request)
    context = {
        "request": request,
        "actor": actor,
        "nav": nav_for(actor),
        "csrf_token": csrf_token(request),
        "protected": policy.aggregates_protected(actor),
        "oidc": request.app.state.settings.oidc,
        # the period chooser (web/selection.py), on pages that read a span
        "selection": getattr(request.state, "selection", None),
        # a value the page itself has checked (the same key in its context) is kept only
        # as the page accepted it: an unknown value from the URL is never written back
        "selection_kept": [(k, v) for k, v in selection.kept(request)
                           if k not in ctx or str(ctx[k]) == v],
        "window_words": WINDOW_WORDS,
        **ctx,
    }
    response = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code
    )
    fmt = request.query_params.get("download")
    if fmt is not None and status_code == 200:  # one of the page's tables, as it shows it
        return downloads.table_response(response.body.decode(), fmt,
                                        request.query_params.get("table"))
    set_csrf_cookie(request, response)
    selection.remember(request, response)
    return response


def set_csrf_cookie(request: Request, response) -> None:
    """Send a newly minted CSRF secret to the browser."""
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(
            CSRF_COOKIE, new, httponly=True, samesite="strict",
            secure=request.app.state.settings.secure_cookies, path="/",
        )
