"""One error path: every failure answers as HTML or JSON, in one shape, with no patient data.

API paths (``/api/...``) and requests that accept JSON get
``{"error": {"status": int, "title": str, "message": str}}``; pages get ``error.html``.
Messages are fixed words or the policy's reason, never the request path or its values,
so an identifier typed into a URL is never echoed back or logged.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cancer_alliance.errors import AllianceError, NotFound, PermissionDenied, UsageError
from cancer_alliance.web.deps import Forbidden, LoginRequired, render
from cancer_alliance.web.security import safe_next

log = logging.getLogger("cancer_alliance.web")

TITLES = {
    400: "Bad request",
    401: "Log in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Upload too large",
    422: "Invalid request",
    429: "Too many attempts",
    500: "Something went wrong",
}


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str):
    title = TITLES.get(status, "Error")
    if wants_json(request):
        return JSONResponse(
            {"error": {"status": status, "title": title, "message": message}}, status_code=status
        )
    return render(request, "error.html", status_code=status, status=status, title=title,
                  message=message)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        if wants_json(request):
            return error_response(request, 401, "Authentication is required.")
        target = safe_next(request.url.path)
        return RedirectResponse(f"/login?next={quote(target)}", status_code=302)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden):
        return error_response(request, 403, f"Your account cannot open this: {exc.reason}.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else (
            "There is no such page." if exc.status_code == 404 else TITLES.get(exc.status_code, "")
        )
        return error_response(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        return error_response(request, 422, "Check these fields: " + ", ".join(fields))

    @app.exception_handler(AllianceError)
    async def alliance_error(request: Request, exc: AllianceError):
        status = {NotFound: 404, PermissionDenied: 403, UsageError: 400}.get(type(exc), 400)
        return error_response(request, status, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        # Log the type only: messages from lower layers might quote data values.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method,
                  request.scope.get("route").path if request.scope.get("route") else "?")
        return error_response(request, 500, "The error has been logged. Please try again.")
