"""Fixtures: the demo store (``ops_store_path``, ``ops_con``) comes from ``tests/conftest.py``;
``app_con`` is a dashboard app over a private copy with one account per role."""

from __future__ import annotations

from operations._web import app_con  # noqa: F401 - the fixture, for every web test
