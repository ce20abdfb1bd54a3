"""The backlog page's figures summed from one census query by all its breakdowns equal the
figures asked of the metrics one by one (``web.data.backlog`` against ``backlog_counts``)."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance import metrics
from cancer_alliance.web import data

CASES = [
    (("month",), None, None),
    (("provider_code", "month"), None, None),
    (("tumour_group", "month"), None, None),
    (("commissioner_code", "month"), "2024-05", None),
    (("referral_route", "month"), ("2024-03", "2024-05"), None),
    (("month",), None, {"provider_code": "RAA"}),
    (("tumour_group", "month"), "2024-05", {"provider_code": "RBB"}),
    (("month",), None, {"provider_code": "NOPE"}),  # a trust with nobody: zeros, every month
]


@pytest.mark.parametrize(("by", "period", "filters"), CASES)
def test_summed_from_the_cube_equals_asked_directly(store, by, period, filters):
    cur = store.cursor()
    try:
        got = data.backlog(cur, by, period=period, filters=filters)
        want = metrics.backlog_counts(cur, by=by, period=period, filters=filters)
    finally:
        cur.close()
    assert not want.empty or filters
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False)


def test_other_breakdowns_are_asked_directly(store):
    cur = store.cursor()
    try:
        got = data.backlog(cur, ("age_band", "month"))
        want = metrics.backlog_counts(cur, by=("age_band", "month"))
    finally:
        cur.close()
    pd.testing.assert_frame_equal(got, want)
