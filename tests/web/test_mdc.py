"""Making Data Count icons on the pages follow NHSRplotthedots' naming.

High/low comes from the measure's improvement direction, not from the side of the mean the
latest point is on. Both series below end with a 7-point trend whose last point sits on the
"other" side of the mean, where the two readings disagree.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.web import analysis, mdc


def _series(values: list[float]) -> pd.DataFrame:
    periods = pd.period_range("2024-01", periods=len(values), freq="M").strftime("%Y-%m")
    return pd.DataFrame({"period": periods, "total": 100.0, "within": values,
                         "performance": values})


@pytest.mark.parametrize(("values", "expected"), [
    # rising for 7 months, still below the mean (about 80.6): improvement, shown "high"
    ([80, 90] * 6 + [70, 71, 72, 73, 74, 75, 76], "special_cause_improvement_high"),
    # falling for 7 months, still above the mean (about 89.1): concern, shown "low"
    ([80, 90] * 6 + [99, 98, 97, 96, 95, 94, 93], "special_cause_concern_low"),
])
def test_overview_icon_takes_high_or_low_from_the_improvement_direction(values, expected):
    row = analysis.headline(_series(values), "FDS")  # FDS: higher is better
    assert row["variation"] == expected
    assert expected in mdc.VARIATION


def test_common_cause_and_unknown_icons():
    assert mdc.variation_key("common_cause") == "common_cause"
    assert mdc.variation_key(None) == "common_cause"
    assert mdc.variation_key("neutral_high") == "special_cause_neutral_high"
