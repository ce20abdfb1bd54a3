"""Logging in and out: local accounts (argon2, throttled) and optional OpenID Connect."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.auth import audit, sessions, throttle, users
from cancer_alliance.auth.model import Actor
from cancer_alliance.web.deps import (
    SESSION_COOKIE,
    current_actor,
    get_con,
    render,
    session_id,
    sign_session,
)
from cancer_alliance.web.security import safe_next
from cancer_alliance.web.views.landing import landing_path

router = APIRouter()


def start_session(request: Request, con, actor: Actor, target: str) -> RedirectResponse:
    """Open a fresh session (a new id at each login: no session fixation) and redirect."""
    sid = sessions.create(con, actor)
    audit.record(con, actor, "login", resource="session")
    if safe_next(target) == "/":  # no page asked for: the role's own landing page
        target = landing_path(actor)
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, sign_session(request, sid), httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies, path="/",
        max_age=int(sessions.LIFETIME.total_seconds()),
    )
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", title="Log in", next=safe_next(next), error=None)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    next: str = Form("/"),
    con=Depends(get_con),
):
    client = request.client.host if request.client else ""
    try:
        actor = users.authenticate(con, username, password, client)
    except throttle.Throttled as exc:
        return render(request, "login.html", status_code=429, title="Log in",
                      next=safe_next(next), error=str(exc).capitalize() + ".")
    except PermissionError:
        return render(request, "login.html", status_code=401, title="Log in",
                      next=safe_next(next), error="Wrong username or password.")
    return start_session(request, con, actor, next)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, con=Depends(get_con), actor: Actor = Depends(current_actor)):
    sessions.revoke(con, session_id(request))
    if not actor.is_anonymous:
        audit.record(con, actor, "logout", resource="session")
    response = RedirectResponse("/public", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _oauth(request: Request):
    oauth = getattr(request.app.state, "oauth", None)
    if oauth is None:
        raise HTTPException(404)
    return oauth


@router.get("/login/sso", include_in_schema=False)
async def sso_start(request: Request):
    """Send the browser to the identity provider (state and PKCE handled by Authlib)."""
    oauth = _oauth(request)
    return await oauth.sso.authorize_redirect(request, str(request.url_for("sso_callback")))


@router.get("/login/sso/callback", name="sso_callback", include_in_schema=False)
async def sso_callback(request: Request):
    """Back from the identity provider: its subject must be linked to an active account."""
    oauth = _oauth(request)
    try:
        token = await oauth.sso.authorize_access_token(request)
    except Exception:  # noqa: BLE001 - any failure at the provider is a failed login
        return render(request, "login.html", status_code=401, title="Log in", next="/",
                      error="Single sign-on did not complete. Try again.")
    subject = (token.get("userinfo") or {}).get("sub")
    cur = request.app.state.con.cursor()
    try:
        actor = users.actor_by_oidc_subject(cur, subject) if subject else None
        if actor is None:
            return render(request, "login.html", status_code=403, title="Log in", next="/",
                          error="Your single sign-on identity is not linked to an account "
                          "here. Ask an alliance administrator.")
        return start_session(request, cur, actor, "/")
    finally:
        cur.close()
