"""The one list of routers the app includes, in order.

Each page family is a module of :mod:`cancer_alliance.web.views` exposing ``router`` (a
FastAPI ``APIRouter``). Every one is imported plainly: a module that fails to import fails
the app, never silently drops its pages. A new family adds one line here and its paths to
the permission matrix (``tests/web/test_permissions.py``).
"""

from __future__ import annotations

from fastapi import APIRouter

from cancer_alliance.web.views import (
    admin,
    api,
    auth_pages,
    backlog,
    capacity_returns,
    completeness,
    definitions,
    jobs,
    landing,
    operations,
    operations_forms,
    organisations,
    outcomes,
    outlook_capacity,
    outlook_forecast,
    outlook_scenarios,
    overview,
    population,
    ptl,
    public,
    reconciliation,
    standards,
    submissions,
)
from cancer_alliance.web.views import help as help_page

#: In order: the first route matching a path wins, so fixed paths come before patterns.
ROUTERS: tuple[APIRouter, ...] = (
    auth_pages.router,
    overview.router,
    landing.router,
    backlog.router,
    standards.router,
    organisations.router,
    population.router,
    outcomes.router,
    ptl.router,
    submissions.router,
    capacity_returns.router,
    completeness.router,
    jobs.router,
    public.router,
    reconciliation.router,
    outlook_capacity.router,
    outlook_forecast.router,
    outlook_scenarios.router,
    definitions.router,
    help_page.router,
    admin.router,
    api.router,
    operations.router,
    operations_forms.router,
)
