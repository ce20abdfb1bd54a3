"""The one list of router modules the app includes, in order.

Each module exposes ``router`` (a FastAPI ``APIRouter``). A module that cannot be imported
(an optional area not installed yet) is skipped with a warning, so the dashboard still runs.
Other areas add one line here.
"""

from __future__ import annotations

ROUTER_MODULES: list[str] = [
    "cancer_alliance.web.views.auth_pages",
    "cancer_alliance.web.views.overview",
    "cancer_alliance.web.views.standards",
    "cancer_alliance.web.views.organisations",
    "cancer_alliance.web.views.population",
    "cancer_alliance.web.views.ptl",
    "cancer_alliance.web.views.submissions",
    "cancer_alliance.web.views.jobs",
    "cancer_alliance.web.views.public",
    "cancer_alliance.web.views.definitions",
    "cancer_alliance.web.views.admin",
    "cancer_alliance.web.views.api",
    "cancer_alliance.operations.web_routes",
]
OPTIONAL_PREFIXES: tuple[str, ...] = ("cancer_alliance.operations.",)
"""Modules owned by other areas: skipped if not importable yet, never fatal."""
