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
from cancer_alliance.jobs import JobRunner
from cancer_alliance.store import connect
from cancer_alliance.store.served import ServedStore
from cancer_alliance.web import data, errors, filters
from cancer_alliance.web.gate import StoreGate
from cancer_alliance.web.routes import ROUTERS
from cancer_alliance.web.security import SecurityHeadersMiddleware, csrf_protect
from cancer_alliance.web.settings import WebSettings
from cancer_alliance.web.warm import Warmer

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


def _forget_figures(app: FastAPI) -> None:
    """Drop the app's cached results (from the job worker's thread too, so the app's cache
    itself, not the per-request current one)."""
    app.state.results.clear()


def _reopened(app: FastAPI, con) -> None:
    """After a command borrowed the store: use the new connection, forget cached figures
    (the command may have loaded a submission) and prepare the pages again."""
    app.state.con = con
    _forget_figures(app)
    app.state.warmer.request()


def _prepare_pages(app: FastAPI) -> None:
    """A visitor found a page older than the data (given the previous one meanwhile): ask
    the warm-up for it, unless a job is running (its end asks for the warm-up anyway, and
    preparing pages during an ingest would slow both)."""
    if not app.state.jobs.busy:
        app.state.warmer.ensure()


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
    app.state.store = ServedStore(app.state.con)
    app.state.store.on_reopen.append(lambda new: _reopened(app, new))
    app.state.jobs = JobRunner(app.state.store)
    app.state.jobs.after_change.append(lambda: _forget_figures(app))
    # a job that changed the data (an ingest) leaves the pages prepared for the next visitor
    app.state.warmer = Warmer(app, enabled=settings.warm_pages)
    app.state.jobs.after_change.append(app.state.warmer.request)
    app.state.templates = make_templates()
    # Results are cached per app, so per store: never served from another store's cache.
    app.state.results = data.ResultCache()
    if settings.warm_pages:
        app.state.results.refresher = lambda: _prepare_pages(app)
    app.add_middleware(data.ResultCacheScope, cache=app.state.results)
    ensure_materialised(app.state.con)
    app.add_middleware(StoreGate)
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
