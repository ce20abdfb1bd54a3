"""Every registered measure has a section in the reference page and a hand-worked test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cancer_alliance.metrics.measures import MEASURES

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reference" / "measures.md"
HERE = Path(__file__).parent


@pytest.mark.parametrize("code", sorted(MEASURES))
def test_measure_has_a_reference_section(code):
    headings = re.findall(r"^#+ .*`([A-Z_0-9]+)`", PAGE.read_text(), flags=re.M)
    assert code in headings, f"docs/reference/measures.md has no heading naming `{code}`"


@pytest.mark.parametrize("code", sorted(MEASURES))
def test_measure_has_a_hand_worked_test(code):
    tests = [p for p in HERE.glob("test_measures_*.py")
             if p.name not in ("test_measures_documented.py", "test_measures_engines.py")]
    called = re.compile(rf"""["']{code}["']""")
    assert any(called.search(p.read_text()) for p in tests), f"no test computes {code}"


@pytest.mark.parametrize("code", sorted(MEASURES))
def test_definition_is_complete(code):
    m = MEASURES[code]
    assert m.code == code
    for field in ("name", "description", "numerator", "denominator", "rule_text",
                  "reference_section", "period_by"):
        assert getattr(m, field).strip(), f"{code}.{field} is empty"
    assert m.reference_section.startswith("§7")
