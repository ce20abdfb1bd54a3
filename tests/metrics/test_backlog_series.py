# ruff: noqa: E501  (drawn tables are read across)
"""The set-based backlog series equals the per-census tracking list, census by census.

The series (``backlog_counts``, ``62_DAY_BACKLOG``) runs one query over a calendar of month
ends (:func:`cancer_alliance.metrics.ptl.census_table`); the tracking list runs one census at
a time (:func:`~cancer_alliance.metrics.ptl.ptl_table`) and the oracle
(:func:`cancer_alliance.metrics.reference_impl.ptl`) in plain Python. Each month's counts of
the series must be the counts of that month's tracking list, on both engines, through the
edge cases of §5: a pathway starting, closing, being treated or ruled out *on* the census
day, a DNA reset before and after a census, an upgrade, a transfer with an adjustment, a
route the list leaves out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance import metrics
from cancer_alliance.dataset import periods
from cancer_alliance.metrics import reference_impl
from cancer_alliance.metrics.api import backend_for
from cancer_alliance.metrics.ptl import PTL_COLUMNS, census_table, ptl_table

from . import drawn

# Month ends: 2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30.
PATHS = drawn.pathways("""
    pathway_id | provider_code | referral_route | referral_received_date | upgrade_date | first_seen_date | first_seen_clock_reset_date | diagnosis_communicated_date | fds_outcome | decision_to_treat_date | first_treatment_date | pathway_closed_date | transfer_received_date | treatment_adjustment_days
    LONG       | RAA           | USC            | 2023-12-01             | -            | 2023-12-20      | -                           | 2024-01-20                  | CONFIRMED   | -                      | -                    | -                   | -                      | 0
    STARTS     | RAA           | USC            | 2024-03-31             | -            | -               | -                           | -                           | -           | -                      | -                    | -                   | -                      | 0
    CLOSES     | RBB           | USC            | 2024-01-05             | -            | 2024-01-15      | -                           | -                           | -           | -                      | -                    | 2024-03-31          | -                      | 0
    TREATED    | RAA           | BS             | 2023-11-01             | -            | 2023-11-10      | -                           | 2023-12-01                  | CONFIRMED   | 2024-01-31             | 2024-02-29           | -                   | -                      | 0
    RULED      | RBB           | USC            | 2023-12-15             | -            | 2024-01-02      | -                           | 2024-01-31                  | RULED_OUT   | -                      | -                    | -                   | -                      | 0
    RESET      | RAA           | USC            | 2023-10-01             | -            | 2024-02-10      | 2024-02-10                  | -                           | -           | -                      | -                    | -                   | -                      | 0
    UPGRADED   | RBB           | UPGRADE        | 2023-09-01             | 2024-02-29   | -               | -                           | -                           | -           | -                      | -                    | -                   | -                      | 0
    MOVED      | RBB           | SCREEN         | 2023-12-20             | -            | 2024-01-04      | -                           | 2024-02-01                  | CONFIRMED   | 2024-03-20             | -                    | -                   | 2024-02-29             | 7
    ROUTINE    | RAA           | OTHER          | 2023-12-01             | -            | -               | -                           | -                           | -           | -                      | -                    | -                   | -                      | 0
    EARLY      | RAA           | USC            | 2023-06-01             | -            | -               | -                           | -                           | -           | -                      | -                    | 2024-01-31          | -                      | 0
""")
MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
COUNTS = ["open", "backlog_62", "over_104"]


def _counts(rows: list[dict], month: str, groups: tuple[str, ...]) -> list[tuple]:
    """One census's tracking-list rows counted as the series counts them."""
    df = pd.DataFrame(rows, columns=["provider_code", "referral_route", "in_62_day_backlog",
                                     "in_104_day_subset"])
    if df.empty:
        return [] if groups else [(month, 0.0, 0.0, 0.0)]
    df = df.assign(open=1.0, backlog_62=df["in_62_day_backlog"].astype(float),
                   over_104=df["in_104_day_subset"].astype(float))
    if not groups:
        return [(month, *(float(df[c].sum()) for c in COUNTS))]
    agg = df.groupby(list(groups), as_index=False)[COUNTS].sum()
    return [(month, *r) for r in agg[[*groups, *COUNTS]].itertuples(index=False)]


def _series(df: pd.DataFrame, groups: tuple[str, ...]) -> list[tuple]:
    return [tuple(drawn.plain(v) for v in r)
            for r in df[["period", *groups, *COUNTS]].itertuples(index=False)]


def test_hand_worked_census_counts():
    # Worked by hand (day counts from each clock start to the month end):
    # 31 Jan: LONG 61, CLOSES 26, TREATED 91, RESET 122 (reset not yet made), MOVED 42;
    #   UPGRADED not yet upgraded (its clock starts at the upgrade), EARLY closed that day,
    #   RULED told that day, ROUTINE not on the list -> open 5, backlog 2, over 104 1.
    # 29 Feb: TREATED treated that day; RESET restarts on 10 Feb (19 days); UPGRADED starts
    #   that day (0 days) -> LONG 90, CLOSES 55, RESET 19, UPGRADED 0, MOVED 71: open 5, backlog 2.
    # 31 Mar: CLOSES closed that day, STARTS referred that day (0 days) -> LONG 121,
    #   RESET 50, UPGRADED 31, MOVED 102, STARTS 0: open 5, backlog 2, over 104 1.
    # 30 Apr: LONG 151, RESET 80, UPGRADED 61, MOVED 132, STARTS 30: open 5, backlog 3, over 104 2.
    con = drawn.store(PATHS, [])
    got = _series(metrics.backlog_counts(con, by="month", period=("2024-01", "2024-04")), ())
    assert got == [("2024-01", 5.0, 2.0, 1.0), ("2024-02", 5.0, 2.0, 0.0),
                   ("2024-03", 5.0, 2.0, 1.0), ("2024-04", 5.0, 3.0, 2.0)]


@pytest.mark.parametrize("groups", [(), ("provider_code",), ("referral_route",)])
def test_series_equals_each_census_tracking_list(groups):
    con = drawn.store(PATHS, [])
    by = (*groups, "month")
    got = _series(metrics.backlog_counts(con, by=by, period=("2024-01", "2024-04")), groups)
    want, oracle = [], []
    for month in MONTHS:
        census = periods.month_end(month)
        want += _counts(drawn.frame_rows(metrics.ptl(con, census)), month, groups)
        oracle += _counts(reference_impl.ptl(PATHS, census), month, groups)
    assert sorted(got, key=str) == sorted(want, key=str)
    assert sorted(got, key=str) == sorted(oracle, key=str)


def test_census_rows_equal_the_one_census_rows():
    """Not only the counts: every derived column of every open pathway on every census."""
    con = drawn.store(PATHS, [])
    censuses = {m: periods.month_end(m) for m in MONTHS}
    with backend_for(con) as backend:
        many = census_table(backend, censuses).select(
            "reporting_period", *PTL_COLUMNS).to_pandas()
        for month, census in censuses.items():
            one = ptl_table(backend, census).select(*PTL_COLUMNS).to_pandas()
            part = many[many["reporting_period"] == month].drop(columns="reporting_period")
            key = ["provider_code", "pathway_id"]
            assert drawn.frame_rows(part.sort_values(key).reset_index(drop=True)) == \
                drawn.frame_rows(one.sort_values(key).reset_index(drop=True)), month


def test_a_census_with_nobody_open_counts_zero():
    # The only pathway is treated on 2024-01-20: January's and February's censuses are empty.
    paths = drawn.pathways("""
        pathway_id | referral_received_date | first_treatment_date | decision_to_treat_date
        A          | 2023-12-01             | 2024-01-20           | 2024-01-10
    """)
    con = drawn.store(paths, [])
    got = _series(metrics.backlog_counts(con, by="month", period=("2023-12", "2024-02")), ())
    assert got == [("2023-12", 1.0, 0.0, 0.0), ("2024-01", 0.0, 0.0, 0.0),
                   ("2024-02", 0.0, 0.0, 0.0)]
    by_provider = metrics.backlog_counts(con, by="provider,month", period=("2023-12", "2024-02"))
    assert _series(by_provider, ("provider_code",)) == [("2023-12", "RAA", 1.0, 0.0, 0.0)]


def test_quarter_takes_its_last_census():
    con = drawn.store(PATHS, [])
    df = metrics.compute_metrics(con, "62_DAY_BACKLOG", by="quarter",
                                 period=("2024-01", "2024-04"))
    q1 = df[df["period"] == "2024-Q1"].iloc[0]
    assert (q1.total, q1.breaches) == (5.0, 2.0)  # 31 March's census
    q2 = df[df["period"] == "2024-Q2"].iloc[0]
    assert (q2.total, q2.breaches) == (5.0, 3.0)  # 30 April's census


@pytest.mark.spark
def test_spark_series_equals_duckdb(spark_session):
    con = drawn.store(PATHS, [])
    for by in ("month", "provider,month"):
        duck = metrics.backlog_counts(con, by=by, period=("2024-01", "2024-04"))
        spark = metrics.backlog_counts(con, by=by, period=("2024-01", "2024-04"),
                                       engine="spark", spark=spark_session)
        groups = ("provider_code",) if "provider" in by else ()
        assert sorted(_series(spark, groups), key=str) == sorted(_series(duck, groups), key=str)
