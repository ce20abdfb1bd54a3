"""ONE_YEAR_SURVIVAL_OBSERVED: Kaplan-Meier worked by hand, log-log interval by formula."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from cancer_alliance.metrics import measures
from cancer_alliance.metrics.measures.survival import censor_date, follow_up

# Censor date 2024-12-31 (latest loaded submission 2024-12). Follow-up in days:
#   P1 died day 60; P6 died day 100; P3 censored day 213 (diagnosed 2024-06-01);
#   P2 alive at 365; P4 died after the censor date -> censored at 365;
#   P5 died on day 396 -> beyond one year, censored at 365;
#   P7 is C44 (not counted); P8 died the day it was diagnosed (day 0).
PATHWAYS = """
| pathway_id | nhs_number | primary_diagnosis_icd10 | diagnosis_date | stage_group |
| P1         | 0000000001 | C34                     | 2024-01-01     | 1           |
| P2         | 0000000002 | C34                     | 2024-01-01     | 1           |
| P3         | 0000000003 | C34                     | 2024-06-01     | 3           |
| P4         | 0000000004 | C50                     | 2024-01-01     | 3           |
| P5         | 0000000005 | C50                     | 2023-01-01     | 1           |
| P6         | 0000000006 | C34                     | 2024-01-01     | 3           |
| P7         | 0000000007 | C44                     | 2024-01-01     | 1           |
"""
DEATHS = """
| nhs_number | date_of_death |
| 0000000001 | 2024-03-01    |
| 0000000004 | 2025-02-01    |
| 0000000005 | 2024-02-01    |
| 0000000006 | 2024-04-10    |
| 0000000007 | 2024-02-01    |
"""


@pytest.fixture
def con(store):
    c = store(PATHWAYS, deaths=DEATHS)
    c.execute(
        "INSERT INTO submissions VALUES (1, 'RAA', '2024-12', 'test', now(), 'loaded', NULL, 1,"
        " 0, 0, 0, NULL), (2, 'RAA', '2025-01', 'test', now(), 'rejected', 'x', 1, 0, 0, 0,"
        " NULL)"
    )
    return c


def test_censor_date_is_end_of_latest_loaded_submission(con):
    assert censor_date(con) == date(2024, 12, 31)  # the rejected 2025-01 one does not count


def test_follow_up_truncates_at_one_year_and_censor_date():
    dx = pd.Series(pd.to_datetime(["2024-01-01", "2023-01-01", "2024-01-01", "2024-01-01"]))
    died = pd.Series(pd.to_datetime(["2024-12-30", "2024-02-01", "2025-02-01", "2024-01-01"]))
    time, event = follow_up(dx, died, date(2024, 12, 31))
    assert time.tolist() == [364, 365, 365, 0]
    assert event.tolist() == [True, False, False, True]


def _loglog(s: float, greenwood_sum: float, z: float = 1.959963984540054):
    """The log-log interval written out: S ** exp(+-z * sqrt(V) / |log S|)."""
    spread = z * math.sqrt(greenwood_sum) / abs(math.log(s))
    return s ** math.exp(spread), s ** math.exp(-spread)


def test_one_year_survival_matches_hand_worked_kaplan_meier(con):
    df = measures.one_year_survival(con)
    row = df.to_dict("records")[0]
    # 6 at risk: death at 60 (6 at risk) and 100 (5 at risk): S = 5/6 * 4/5 = 2/3
    assert row["n"] == 6
    assert row["survival_1y"] == pytest.approx(2 / 3)
    lower, upper = _loglog(2 / 3, 1 / (6 * 5) + 1 / (5 * 4))
    assert row["lower"] == pytest.approx(lower, abs=1e-6)
    assert row["upper"] == pytest.approx(upper, abs=1e-6)
    assert row["label"] == "observed survival (local proxy, not net survival)"


def test_survival_curve_steps_at_each_death(con):
    curve = measures.survival(con)
    deaths = curve[curve["events"] > 0]
    assert deaths["time"].tolist() == [60.0, 100.0]
    assert deaths["at_risk"].tolist() == [6, 5]
    assert deaths["survival"].tolist() == pytest.approx([5 / 6, 2 / 3])
    assert curve["time"].max() == 365.0
    assert (curve["label"] == measures.SURVIVAL_LABEL).all()


def test_survival_by_stage(con):
    df = measures.survival_by_stage(con)
    got = {r["stage_group"]: (r["n"], round(r["survival_1y"], 6)) for r in df.to_dict("records")}
    # stage 1: P1 (died 60), P2, P5 -> 2/3; stage 3: P3, P4, P6 (died 100; P3 left at 213)
    assert got == {"1": (3, round(2 / 3, 6)), "3": (3, round(2 / 3, 6))}


def test_survival_measure_in_compute_measure_shape(con):
    df = measures.compute_measure(con, "ONE_YEAR_SURVIVAL_OBSERVED", by=("tumour_group",))
    assert list(df.columns) == ["measure", "period", "tumour_group", "n", "value", "lower",
                                "upper", "label"]
    got = {r["tumour_group"]: (r["n"], r["value"]) for r in df.to_dict("records")}
    # lung: P1 died 60 of 4 at risk (P1, P2, P3, P6), P6 died 100 of 3 -> 3/4 * 2/3 = 50%
    # breast: P4, P5 both censored at 365 -> 100%
    assert got == {"BREAST": (2, 100.0), "LUNG": (4, 50.0)}
    assert set(df["period"]) == {"2023-01..2024-06"}


def test_survival_by_diagnosis_financial_year_cohort(con):
    df = measures.compute_measure(con, "ONE_YEAR_SURVIVAL_OBSERVED", by=("financial_year",))
    got = {r["period"]: (r["n"], None if pd.isna(r["value"]) else r["value"])
           for r in df.to_dict("records")}
    # 2023/24 (diagnosed January 2024): P1 died day 60 of 4, P6 day 100 of 3 -> 3/4 * 2/3.
    # 2024/25 is P3 alone, followed 213 days: no one-year figure yet (blank, not 100%).
    assert got == {"2022/23": (1, 100.0), "2023/24": (4, 50.0), "2024/25": (1, None)}


def test_one_year_survival_is_blank_without_a_full_year_of_follow_up(store):
    # Diagnosed 2024-06-01, data to 2024-12-31: followed 213 days, no death. Carrying the
    # curve forward would claim 100% one-year survival; the data cannot show it yet.
    c = store("""
| pathway_id | nhs_number | primary_diagnosis_icd10 | diagnosis_date | stage_group |
| P3         | 0000000003 | C34                     | 2024-06-01     | 3           |
""")
    c.execute("INSERT INTO submissions VALUES (1, 'RAA', '2024-12', 'test', now(), 'loaded',"
              " NULL, 1, 0, 0, 0, NULL)")
    row = measures.one_year_survival(c).to_dict("records")[0]
    assert row["n"] == 1
    assert all(pd.isna(row[c]) for c in ("survival_1y", "lower", "upper"))


def test_an_empty_store_gives_empty_tables_not_errors(store):
    con = store()
    assert measures.one_year_survival(con).empty
    assert measures.compute_measure(con, "ONE_YEAR_SURVIVAL_OBSERVED").empty
    assert measures.compute_measure(con, "SFU_MIX", by="quarter").empty
