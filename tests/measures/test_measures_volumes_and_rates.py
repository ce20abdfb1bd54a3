# ruff: noqa: E501  (drawn tables are read across; wrapping them would hide the columns)
"""URGENT_REFERRALS, CONVERSION_RATE and DETECTION_RATE, worked by hand (reference §7)."""

from __future__ import annotations

import pytest

from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.metrics.measures import compute_measure

REFERRALS = """
| pathway_id | provider_code | referral_route | referral_received_date | primary_diagnosis_icd10 | diagnosis_date |
| P1         | RAA           | USC            | 2024-01-10             | C34.1                   | 2024-02-01     |
| P2         | RAA           | USC            | 2024-01-31             |                         |                |
| P3         | RAA           | BS             | 2024-01-15             | C44.3                   | 2024-02-01     |
| P4         | RAA           | SCREEN         | 2024-01-20             | C50.1                   | 2024-02-03     |
| P5         | RBB           | USC            | 2024-02-01             | C50.9                   | 2024-02-20     |
| P6         | RAA           | BS             | 2024-02-29             | D05.1                   | 2024-03-10     |
"""


def _by_key(df, *keys):
    return {tuple(r[k] for k in keys): r for r in df.to_dict("records")}


def test_urgent_referrals_count_usc_and_bs_by_receiving_provider_and_referral_month(store):
    con = store(REFERRALS)
    df = compute_measure(con, "URGENT_REFERRALS")
    assert list(df.columns) == ["measure", "period", "provider_code", "referrals"]
    got = {(r["provider_code"], r["period"]): r["referrals"] for r in df.to_dict("records")}
    # P4 is screening: not an urgent referral
    assert got == {("RAA", "2024-01"): 3, ("RAA", "2024-02"): 1, ("RBB", "2024-02"): 1}


def test_conversion_counts_invasive_cancers_except_c44_in_the_referral_month(store):
    con = store(REFERRALS)
    df = compute_measure(con, "CONVERSION_RATE")
    assert list(df.columns) == ["measure", "period", "provider_code", "numerator",
                                "denominator", "value"]
    got = _by_key(df, "provider_code", "period")
    # RAA January: P1 lung cancer converts; P2 no cancer; P3 C44 is not counted
    assert (got["RAA", "2024-01"]["numerator"], got["RAA", "2024-01"]["denominator"]) == (1, 3)
    assert got["RAA", "2024-01"]["value"] == pytest.approx(33.33)
    # D05 (in situ) is not a cancer for this measure
    assert (got["RAA", "2024-02"]["numerator"], got["RAA", "2024-02"]["denominator"]) == (0, 1)
    assert got["RAA", "2024-02"]["value"] == 0.0
    assert got["RBB", "2024-02"]["value"] == 100.0


def test_quarter_and_financial_year_labels_and_filters(store):
    con = store("""
    | provider_code | referral_route | referral_received_date |
    | RAA           | USC            | 2024-03-31             |
    | RAA           | USC            | 2024-04-01             |
    | RBB           | BS             | 2024-04-02             |
    """)
    q = compute_measure(con, "URGENT_REFERRALS", by=("quarter",))
    assert dict(zip(q["period"], q["referrals"], strict=True)) == {"2024-Q1": 1, "2024-Q2": 2}
    fy = compute_measure(con, "URGENT_REFERRALS", by="fy", filters={"provider": "RAA"})
    assert dict(zip(fy["period"], fy["referrals"], strict=True)) == {"2023/24": 1, "2024/25": 1}
    whole = compute_measure(con, "URGENT_REFERRALS", by=None)
    assert whole.to_dict("records") == [
        {"measure": "URGENT_REFERRALS", "period": "2024-03..2024-04", "referrals": 3}]
    april = compute_measure(con, "URGENT_REFERRALS", by=("referral_route",), period="2024-04")
    assert dict(zip(april["referral_route"], april["referrals"], strict=True)) == {
        "BS": 1, "USC": 1}


DIAGNOSED = """
| pathway_id | referral_route | primary_diagnosis_icd10 | diagnosis_date |
| P1         | USC            | C34                     | 2024-03-05     |
| P2         | BS             | C50                     | 2024-03-10     |
| P3         | SCREEN         | C50.2                   | 2024-03-31     |
| P4         | OTHER          | C71                     | 2024-04-01     |
| P5         | USC            | C44.9                   | 2024-03-15     |
| P6         | UPGRADE        | C34                     | 2024-04-30     |
"""


def test_detection_is_usc_share_of_cancers_by_diagnosis_month(store):
    con = store(DIAGNOSED)
    df = compute_measure(con, "DETECTION_RATE", by=("month",))
    got = {r["period"]: (r["numerator"], r["denominator"], r["value"])
           for r in df.to_dict("records")}
    # March: P1 (USC) of P1-P3; P5 is C44 and out. April: P4, P6, neither USC.
    assert got == {"2024-03": (1, 3, 33.33), "2024-04": (0, 2, 0.0)}


def test_unknown_measure_and_breakdown_are_user_errors(store):
    con = store(DIAGNOSED)
    with pytest.raises(NotFound, match="NOPE"):
        compute_measure(con, "NOPE")
    with pytest.raises(UsageError, match="shoe_size"):
        compute_measure(con, "DETECTION_RATE", by=("shoe_size",))
