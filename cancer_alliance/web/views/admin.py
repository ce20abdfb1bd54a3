"""Administration: the audit log, user accounts and provider API tokens (administrators only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.auth import audit, tokens, users
from cancer_alliance.auth.model import Actor
from cancer_alliance.errors import AllianceError
from cancer_alliance.web import paging
from cancer_alliance.web.deps import get_con, render, require

router = APIRouter(prefix="/admin")


@router.get("/audit", include_in_schema=False)
def audit_log(request: Request, username: str | None = None, action: str | None = None,
              con=Depends(get_con), actor: Actor = Depends(require("admin"))):
    log = audit.read(con, username=username or None, action=action or None)
    # the filter boxes keep only a value that names a real user or action: whatever else
    # was typed into the URL (an identifier, markup) is never repeated into the page
    known = set(users.list_users(con)["username"]) | set(log["username"])
    username = username if username in known else ""
    action = action if action in set(log["action"]) else ""
    # a page of entries at a time; the links carry on only the filters checked above
    pager = paging.paginate(log, request, keep=tuple(k for k, v in (
        ("username", username), ("action", action)) if v))
    return render(request, "admin_audit.html", title="Audit log", rows=pager.rows,
                  pager=pager, username=username, action=action)


@router.get("/users", include_in_schema=False)
def users_page(request: Request, con=Depends(get_con), actor: Actor = Depends(require("admin"))):
    # no message from the URL: free text in a query string is never shown on the page
    return render(request, "admin_users.html", title="Users and API tokens",
                  users=users.list_users(con).to_dict("records"),
                  tokens=tokens.list_tokens(con).to_dict("records"), message=None,
                  new_token=None)


@router.post("/users", include_in_schema=False)
def add_user(request: Request, username: str = Form(...), role: str = Form(...),
             org_code: str = Form(""), password: str = Form(...), con=Depends(get_con),
             actor: Actor = Depends(require("admin"))):
    try:
        with audit.atomic(con, actor, "admin", "users", f"added {username} as {role}"):
            users.add_user(con, username, role, org_code.strip() or None, password)
    except AllianceError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/disable", include_in_schema=False)
def disable(request: Request, username: str = Form(...), con=Depends(get_con),
            actor: Actor = Depends(require("admin"))):
    with audit.atomic(con, actor, "admin", "users", f"disabled {username}"):
        users.disable_user(con, username)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/tokens", include_in_schema=False)
def new_token(request: Request, provider_code: str = Form(...), label: str = Form(""),
              con=Depends(get_con), actor: Actor = Depends(require("admin"))):
    with audit.atomic(con, actor, "admin", "api_tokens", f"token for {provider_code.strip()}"):
        token = tokens.create_token(con, provider_code.strip(), actor.username, label)
    return render(request, "admin_users.html", title="Users and API tokens",
                  users=users.list_users(con).to_dict("records"),
                  tokens=tokens.list_tokens(con).to_dict("records"), message=None,
                  new_token=token)
