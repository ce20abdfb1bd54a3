"""The generated dataset reference page is up to date with the column description."""

from __future__ import annotations

from cancer_alliance.dataset import TABLES
from cancer_alliance.dataset.docs import DEFAULT_OUT, render
from cancer_alliance.dataset.rules import RULES


def test_committed_page_is_current():
    assert DEFAULT_OUT.read_text(encoding="utf-8") == render(), (
        "docs/reference/dataset.md is stale: run python -m cancer_alliance.dataset.docs")


def test_page_lists_every_column_and_rule():
    page = render()
    for t in TABLES:
        assert f"## {t.file_name}" in page
        for c in t.columns:
            assert f"| `{c.name}` |" in page
    for code in RULES:
        assert f"| `{code}` |" in page
