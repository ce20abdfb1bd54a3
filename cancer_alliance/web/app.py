"""The application factory: one FastAPI app over one store, with every router included.

``create_app(settings)`` opens the store (running migrations), sets up templates, static
files (vendored assets, long cache), security headers, the app-wide CSRF check and the one
error path, then includes the routers listed in :mod:`cancer_alliance.web.routes`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from cancer_alliance import metrics
from cancer_alliance.auth.oidc import make_oauth
from cancer_alliance.store import connect
from cancer_alliance.web import errors, filters
from cancer_alliance.web.routes import ROUTERS
from cancer_alliance.web.security import SecurityHeadersMiddleware, csrf_protect
from cancer_alliance.web.settings import WebSettings

HERE = Path(__file__).parent
log = logging.getLogger("cancer_alliance.web")


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    filters.install(templates.env)
    return templates


def ensure_materialised(con) -> None:
    """Materialise metric outcomes at start-up if stale, so pages aggregate stored rows.

    Ingest refreshes after each submission; this covers a store loaded some other way.
    """
    try:
        if not metrics.is_fresh(con):
            metrics.refresh(con)
    except Exception as exc:  # noqa: BLE001 - pages fall back to computing on demand
        log.warning("could not materialise metric outcomes: %s", type(exc).__name__)


def create_app(settings: WebSettings | None = None, *, con=None) -> FastAPI:
    """Build the Cancer Dashboard app. ``con`` reuses an open store connection (tests, demo)."""
    settings = settings or WebSettings()
    app = FastAPI(
        title="Cancer Dashboard API",
        description="The Cancer Alliance platform's HTTP API: submissions from trust systems "
        "(per-provider bearer tokens) and aggregate figures.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.con = con if con is not None else connect(settings.db)
    app.state.templates = make_templates()
    ensure_materialised(app.state.con)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    errors.install(app)
    app.state.oauth = None
    if settings.oidc is not None:
        # Authlib keeps the OIDC state and PKCE verifier in this short-lived signed cookie.
        app.add_middleware(SessionMiddleware, secret_key=settings.secret,
                           session_cookie="ca_oidc", max_age=600, same_site="lax",
                           https_only=settings.secure_cookies)
        app.state.oauth = make_oauth(settings.oidc)
    for router in ROUTERS:
        app.include_router(router)
    return app
