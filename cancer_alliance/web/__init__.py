"""The Cancer Dashboard: a server-rendered FastAPI + Jinja web application and HTTP API.

``app.create_app(settings)`` builds it; ``routes.ROUTER_MODULES`` lists the page families;
``deps`` holds the dependencies every route uses (``current_actor``, ``require``,
``get_con``, ``render``); ``protect.for_actor`` is the one place aggregates are made safe
for public and board users; ``charts`` draws one chart definition in the page or as a
static SVG for reports. See ``docs/how-to/run-the-dashboard.md`` and
``docs/explanation/security.md``.
"""
