"""Page families: one module per family, each exposing ``router`` (see ``web/routes.py``)."""
