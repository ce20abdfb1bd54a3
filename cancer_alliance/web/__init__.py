"""The Cancer Dashboard: a server-rendered FastAPI + Jinja web application and HTTP API.

``app.create_app(settings)`` builds it; ``routes.ROUTERS`` lists the page families' routers;
``deps`` holds the dependencies every route uses (``current_actor``, ``require``,
``get_con``, ``render``); ``protect.for_actor`` is the one place aggregates are made safe
for public and board users; charts are drawn by :mod:`cancer_alliance.charts` (shared with
the reports). See ``docs/how-to/run-the-dashboard.md`` and
``docs/explanation/security.md``.
"""
