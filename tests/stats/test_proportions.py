"""Wilson intervals: PHEindicatormethods' formula, Newcombe's published values, edges."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import norm

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import proportion_table, wilson_interval


def phe_wilson(x: float, n: float, confidence: float) -> tuple[float, float]:
    """PHEindicatormethods' wilson_lower/wilson_upper, written out independently."""
    z = norm.ppf(confidence + (1 - confidence) / 2)
    root = z * math.sqrt(z**2 + 4 * x * (1 - x / n))
    return (2 * x + z**2 - root) / 2 / (n + z**2), (2 * x + z**2 + root) / 2 / (n + z**2)


@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, Wilson score method, 95%.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_matches_published_wilson_values(x, n, lower, upper):
    lo, hi = wilson_interval(x, n)
    assert lo == pytest.approx(lower, abs=5e-5)
    assert hi == pytest.approx(upper, abs=5e-5)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize(("x", "n"), [(0, 1), (1, 1), (0, 7), (7, 7), (3, 11), (65, 100),
                                      (2.5, 9), (9999, 10000)])
def test_matches_phe_formula_including_edges(x, n, confidence):
    assert wilson_interval(x, n, confidence) == pytest.approx(phe_wilson(x, n, confidence),
                                                              abs=1e-12)


def test_zero_events_lower_is_zero_and_all_events_upper_is_one():
    assert wilson_interval(0, 12)[0] == 0.0
    assert wilson_interval(12, 12)[1] == 1.0


def test_998_interval_is_wider_than_95():
    lo95, hi95 = wilson_interval(30, 80, 0.95)
    lo998, hi998 = wilson_interval(30, 80, 0.998)
    assert lo998 < lo95 and hi998 > hi95


@pytest.mark.parametrize(
    ("args", "words"),
    [((1, 0), "greater than 0"), ((5, 4), "must not exceed"), ((-1, 4), "0 or more"),
     ((1, 4, 95), "fraction"), ((1, 4, 0), "fraction")],
)
def test_bad_arguments_say_what_is_wrong(args, words):
    with pytest.raises(UsageError, match=words):
        wilson_interval(*args)


def test_proportion_table_adds_both_levels_and_blanks_empty_rows():
    df = pd.DataFrame({"provider": ["RAA", "RBB", "RCC"], "met": [65, 0, 0],
                       "total": [100, 4, 0]})
    out = proportion_table(df, "met", "total")
    assert list(out.columns[-5:]) == ["proportion", "lower_95", "upper_95", "lower_99_8",
                                      "upper_99_8"]
    assert out.loc[0, "proportion"] == 0.65
    assert (out.loc[0, "lower_95"], out.loc[0, "upper_95"]) == pytest.approx(
        phe_wilson(65, 100, 0.95))
    assert (out.loc[1, "lower_99_8"], out.loc[1, "upper_99_8"]) == pytest.approx(
        phe_wilson(0, 4, 0.998))
    assert out.loc[2, ["proportion", "lower_95", "upper_95"]].isna().all()
    assert "proportion" not in df.columns  # the caller's table is left alone


def test_proportion_table_names_a_missing_column():
    with pytest.raises(UsageError, match="'denom'"):
        proportion_table(pd.DataFrame({"met": [1]}), "met", "denom")


def test_proportion_table_leaves_suppressed_figures_empty():
    df = pd.DataFrame({"met": pd.array([None, 40], dtype="Int64"),
                       "total": pd.array([10, 50], dtype="Int64")})
    out = proportion_table(df, "met", "total")
    assert out.loc[0, ["proportion", "lower_95", "upper_95"]].isna().all()
    assert out.loc[1, "proportion"] == 0.8
    assert (out.loc[1, "lower_95"], out.loc[1, "upper_95"]) == pytest.approx(
        phe_wilson(40, 50, 0.95))


@pytest.mark.parametrize(
    ("confidence", "z_squared"),
    [(0.95, 1.959964**2), (0.998, 3.090232**2)],
)
def test_a_denominator_of_one_worked_by_hand(confidence, z_squared):
    # With n = 1 the square root in Wilson's formula is z·√(z²) = z², so 0 of 1 gives
    # (0, z²/(1+z²)) and 1 of 1 gives (1/(1+z²), 1): 0.7935 and 0.2065 at 95%,
    # 0.9052 and 0.0948 at 99.8%.
    assert wilson_interval(0, 1, confidence) == pytest.approx(
        (0.0, z_squared / (1 + z_squared)), abs=1e-6)
    assert wilson_interval(1, 1, confidence) == pytest.approx(
        (1 / (1 + z_squared), 1.0), abs=1e-6)
