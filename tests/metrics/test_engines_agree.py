"""Property tests: the reference implementation, DuckDB and Spark agree on random pathways.

Pathways are drawn with same-day events, leap days (2024-02-29 is in range), missing dates,
every referral route, DNA resets (for upgrades also before the upgrade), treatment
adjustments, inter-provider transfers (with and without a transfer date) and subsequent
treatments. Each example is a small batch of
pathways, so one engine run checks many at once. ``HYPOTHESIS_PROFILE=thorough`` runs many
more examples than the default few (or set METRICS_EXAMPLES=N).
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cancer_alliance import metrics
from cancer_alliance.dataset import codes
from cancer_alliance.dataset.columns import PATHWAYS, SUBSEQUENT_TREATMENTS

from . import drawn

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE", "") in ("thorough", "nightly", "ci-long")
EXAMPLES = int(os.environ.get("METRICS_EXAMPLES", 60 if THOROUGH else 3))
PROVIDERS = ("RAA", "RBB", "RCC")
FIRST = date(2023, 6, 1)
LAST = date(2024, 6, 30)


def maybe(strategy, p_missing: float = 0.3):
    return st.one_of(st.none(), strategy) if p_missing else strategy


def after(d: date | None, draw, most: int = 70) -> date | None:
    """A date on or after ``d`` (same day allowed), or None ~30% of the time."""
    if d is None or draw(st.integers(0, 9)) < 3:
        return None
    return d + timedelta(days=draw(st.integers(0, most)))


@st.composite
def pathway(draw, number: int) -> dict:
    route = draw(st.sampled_from(codes.REFERRAL_ROUTE))
    start = draw(st.dates(FIRST, LAST))
    referral = None if route == "UPGRADE" else start
    upgrade = start if route == "UPGRADE" else None
    seen = after(start, draw, 20)
    reset = after(start, draw, 10) if draw(st.booleans()) else None
    if reset is not None and route == "UPGRADE" and draw(st.booleans()):
        # An upgrade's DNA may have happened on the routine pathway, before the upgrade.
        reset = start - timedelta(days=draw(st.integers(1, 10)))
    told = after(seen or start, draw, 40)
    dtt = after(seen or start, draw, 50)
    treated = after(dtt, draw, 40)
    closed = None
    if treated is None and draw(st.booleans()):
        closed = after(start, draw, 120)
    owner = draw(st.sampled_from(PROVIDERS))
    transfer = after(seen, draw, 40) if treated and draw(st.booleans()) else None
    row = {
        "provider_code": owner,
        "pathway_id": f"P{number}",
        "referral_route": route,
        "suspected_cancer_type": draw(st.sampled_from(codes.CANCER_TYPE)),
        "referral_received_date": referral,
        "upgrade_date": upgrade,
        "first_seen_date": seen,
        "first_seen_provider_code": draw(st.sampled_from(PROVIDERS)) if seen else None,
        "first_seen_clock_reset_date": reset,
        "diagnosis_communicated_date": told,
        "fds_outcome": draw(st.sampled_from(codes.FDS_OUTCOME)) if told else None,
        "fds_exclusion": draw(st.one_of(st.none(), st.none(),
                                        st.sampled_from(codes.FDS_EXCLUSION))),
        "primary_diagnosis_icd10": draw(st.sampled_from([None, "C34.1", "C50.9"])),
        "decision_to_treat_date": dtt,
        "first_treatment_date": treated,
        "first_treatment_provider_code": draw(st.sampled_from(PROVIDERS)) if treated
        else None,
        "first_treatment_modality": draw(st.sampled_from(codes.MODALITY)) if treated
        else None,
        "treatment_adjustment_days": draw(st.integers(0, 12)),
        "transfer_received_date": transfer,
        "transfer_from_provider_code": draw(st.sampled_from(PROVIDERS)) if transfer else None,
        "pathway_closed_reason": draw(st.sampled_from(codes.CLOSED_REASON)) if closed
        else None,
        "pathway_closed_date": closed,
    }
    base = drawn.pathways(f"pathway_id\n{row['pathway_id']}")[0]
    base.update(row)
    return {c: base.get(c) for c in PATHWAYS.column_names}


@st.composite
def batch(draw) -> tuple[list[dict], list[dict]]:
    n = draw(st.integers(1, 25))
    paths = [draw(pathway(i)) for i in range(n)]
    subs = []
    for p in paths:
        if p["first_treatment_date"] is None:
            continue
        for number in range(2, 2 + draw(st.integers(0, 2))):
            dtt = p["first_treatment_date"] + timedelta(days=draw(st.integers(0, 60)))
            subs.append({
                "provider_code": p["provider_code"], "pathway_id": p["pathway_id"],
                "treatment_number": number, "decision_to_treat_date": dtt,
                "treatment_date": after(dtt, draw, 45),
                "treatment_provider_code": draw(st.sampled_from(PROVIDERS)),
                "modality": draw(st.sampled_from(codes.MODALITY)),
                "adjustment_days": draw(st.integers(0, 5)),
            })
    subs = [{c: s.get(c) for c in SUBSEQUENT_TREATMENTS.column_names} for s in subs]
    return paths, subs


def _check_agree(paths, subs, census, engine, spark=None) -> None:
    codes_ = metrics.COMPLETED
    expected = drawn.run_outcomes("reference", paths, subs, codes_)
    con = drawn.store(paths, subs)
    got = drawn.frame_rows(metrics.outcomes(con, engine=engine, spark=spark))
    columns = metrics.OUTCOME_COLUMNS
    assert drawn.project(got, columns) == drawn.project(expected, columns)
    expected_ptl = drawn.run_ptl("reference", paths, census)
    got_ptl = drawn.frame_rows(metrics.ptl(con, census, engine=engine, spark=spark))
    ptl_columns = list(expected_ptl[0]) if expected_ptl else ["pathway_id"]
    assert drawn.project(got_ptl, ptl_columns) == drawn.project(expected_ptl, ptl_columns)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not THOROUGH,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=batch(), census=st.dates(FIRST, LAST))
def test_duckdb_agrees_with_reference(data, census):
    _check_agree(*data, census, "duckdb")


@pytest.mark.spark
@settings(max_examples=1 if not THOROUGH else 10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=batch(), census=st.dates(FIRST, LAST))
def test_spark_agrees_with_reference(spark_session, data, census):
    _check_agree(*data, census, "spark", spark_session)
