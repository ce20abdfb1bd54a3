"""Kaplan-Meier with Greenwood variance and log-log limits; the log-rank test."""

from __future__ import annotations

import math

import pytest
from scipy.stats import chi2, norm

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import kaplan_meier
from cancer_alliance.stats.survival import log_rank

# Months to death (event 1) or last contact (event 0) for nine patients.
TIMES = [2, 3, 3, 5, 6, 6, 8, 10, 12]
EVENTS = [1, 1, 0, 1, 1, 1, 0, 1, 0]


def by_hand(times, events, confidence=0.95):
    """Product-limit, Greenwood and log(-log) limits written out row by row."""
    z = norm.ppf(confidence + (1 - confidence) / 2)
    rows, s, greenwood = [], 1.0, 0.0
    for t in sorted(set(times)):
        at_risk = sum(1 for u in times if u >= t)
        d = sum(e for u, e in zip(times, events, strict=True) if u == t)
        c = sum(1 - e for u, e in zip(times, events, strict=True) if u == t)
        s *= 1 - d / at_risk
        greenwood += d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
        if 0 < s < 1:
            se = math.sqrt(greenwood) / abs(math.log(s))
            lower, upper = s ** math.exp(z * se), s ** math.exp(-z * se)
        else:
            lower = upper = s
        rows.append((t, at_risk, d, c, s, lower, upper, s * s * greenwood))
    return rows


def test_table_matches_the_product_limit_greenwood_and_log_log_limits():
    table = kaplan_meier(TIMES, EVENTS)
    assert list(table.columns[:7]) == ["time", "at_risk", "events", "censored", "survival",
                                       "lower", "upper"]
    expected = by_hand(TIMES, EVENTS)
    assert len(table) == len(expected)  # one row per distinct time, no padding row at 0
    for row, exp in zip(table.itertuples(index=False), expected, strict=True):
        assert (row.time, row.at_risk, row.events, row.censored) == exp[:4]
        assert row.survival == pytest.approx(exp[4])
        assert row.lower == pytest.approx(exp[5], abs=1e-9)
        assert row.upper == pytest.approx(exp[6], abs=1e-9)
        assert row.greenwood_variance == pytest.approx(exp[7])


def test_median_is_the_first_time_survival_reaches_a_half():
    table = kaplan_meier(TIMES, EVENTS)
    first = table.loc[table["survival"] <= 0.5, "time"].iloc[0]
    assert table.attrs["median"] == first == 6


def test_wider_confidence_gives_wider_limits():
    narrow = kaplan_meier(TIMES, EVENTS, confidence=0.9)
    wide = kaplan_meier(TIMES, EVENTS, confidence=0.99)
    inner = narrow["survival"].between(0, 1, inclusive="neither")
    assert (wide["lower"][inner] < narrow["lower"][inner]).all()
    assert (wide["upper"][inner] > narrow["upper"][inner]).all()


def test_events_must_be_zero_or_one():
    with pytest.raises(UsageError, match="events"):
        kaplan_meier([1, 2], [1, 2])


def test_log_rank_matches_the_observed_minus_expected_statistic():
    times = [1, 2, 3, 4, 5, 6, 3, 5, 7, 8, 9, 10]
    events = [1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1]
    groups = ["Q1"] * 6 + ["Q5"] * 6
    o_minus_e = var = 0.0
    for t in sorted({u for u, e in zip(times, events, strict=True) if e}):
        n = sum(u >= t for u in times)
        n1 = sum(u >= t for u, g in zip(times, groups, strict=True) if g == "Q1")
        d = sum(e for u, e in zip(times, events, strict=True) if u == t)
        d1 = sum(e for u, e, g in zip(times, events, groups, strict=True) if u == t and g == "Q1")
        o_minus_e += d1 - d * n1 / n
        if n > 1:
            var += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    statistic = o_minus_e**2 / var
    result = log_rank(times, events, groups)
    assert result["statistic"] == pytest.approx(statistic)
    assert result["p_value"] == pytest.approx(chi2.sf(statistic, 1))
    assert result["degrees_of_freedom"] == 1 and result["groups"] == ["Q1", "Q5"]


def test_log_rank_needs_two_groups():
    with pytest.raises(UsageError, match="two groups"):
        log_rank([1, 2], [1, 1], ["a", "a"])


def test_a_median_where_survival_is_exactly_one_half_is_the_first_such_time():
    # Four deaths at months 1-4: survival is 0.75, 0.5, 0.25, 0. lifelines (and so this
    # platform) takes the first time survival is at or below 0.5, month 2; R's
    # survfit would report the midpoint of the flat stretch at 0.5, month 2.5.
    table = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    assert table["survival"].tolist() == pytest.approx([0.75, 0.5, 0.25, 0.0])
    assert table.attrs["median"] == 2


def test_survival_that_never_reaches_one_half_has_no_median():
    table = kaplan_meier([1, 2, 3, 4], [0, 1, 0, 0])  # survival falls only to 2/3
    assert table["survival"].min() > 0.5
    assert table.attrs["median"] == math.inf
