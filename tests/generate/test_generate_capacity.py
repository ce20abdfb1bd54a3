"""The synthetic alliance's capacity submissions are consistent with its pathways.

One trust is short of CT (``generate/capacity.py``): its CT runs full below its demand, and
its patients who need CT wait longer. Read back from the written files, as an analyst would.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cancer_alliance.dataset import codes
from cancer_alliance.generate import generate
from cancer_alliance.generate.calendar import parse_month
from cancer_alliance.generate.capacity import CapacityPlan, short_trust
from cancer_alliance.generate.organisations import SCALES, build_alliances
from cancer_alliance.generate.pathways import simulate
from cancer_alliance.reference.diagnostic_tests import DIAGNOSTIC_MIX

# suspected cancer types whose test is always CT, and those whose test never is
CT_TYPES = [t for t in codes.CANCER_TYPE if DIAGNOSTIC_MIX.get(t, {}).get("CT", 0) == 1.0]
NO_CT_TYPES = [t for t in codes.CANCER_TYPE if t in DIAGNOSTIC_MIX and "CT" not in
               DIAGNOSTIC_MIX[t]]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("capacity")
    generate(out, scale="small", start="2024-01", months=12, seed=5)
    return out


def _latest_pathways(out) -> pd.DataFrame:
    manifest = json.loads((out / "manifest.json").read_text())
    frames = [pd.read_csv(out / s["path"] / "pathways.csv", dtype=str).assign(
        period=s["period"]) for s in manifest["submissions"]]
    rows = pd.concat(frames).sort_values("period")
    return rows.drop_duplicates(["provider_code", "pathway_id"], keep="last")


def test_the_ct_short_trusts_ct_pathways_wait_longer_than_its_others_and_other_trusts(run):
    p = _latest_pathways(run)
    p = p[(p.referral_route == "USC") & p.diagnosis_communicated_date.notna()]
    days = (pd.to_datetime(p.diagnosis_communicated_date)
            - pd.to_datetime(p.referral_received_date)).dt.days
    p = p.assign(days=days)
    assert CT_TYPES == ["LUNG", "NON_SPECIFIC_SYMPTOMS"] and "BREAST" in NO_CT_TYPES
    ratio = {}
    for trust, rows in p.groupby("provider_code"):
        ct = rows[rows.suspected_cancer_type.isin(CT_TYPES)].days
        other = rows[rows.suspected_cancer_type.isin(NO_CT_TYPES)].days
        assert len(ct) > 50 and len(other) > 200
        ratio[trust] = ct.median() / other.median()
    manifest = json.loads((run / "manifest.json").read_text())
    short = "RA2"  # small scale: trusts RA1 (tertiary) and RA2; the second is short of CT
    assert {s["provider"] for s in manifest["capacity"]} == {"RA1", "RA2"}
    # CT pathways wait relatively longer at the short trust than at the other, by a margin
    # (the queue adds 14 days on average to a wait of about three weeks)
    assert ratio[short] > ratio["RA1"] * 1.3


def test_the_ct_short_trust_runs_ct_full_below_demand_and_others_have_headroom(run):
    manifest = json.loads((run / "manifest.json").read_text())
    cap = pd.concat([pd.read_csv(run / s["path"] / "capacity.csv")
                     for s in manifest["capacity"]])
    ct = cap[cap.resource == "CT"].groupby("provider_code")[["capacity", "activity"]].sum()
    assert ct.loc["RA2", "activity"] == ct.loc["RA2", "capacity"]
    assert ct.loc["RA1", "activity"] / ct.loc["RA1", "capacity"] < 0.93
    assert (cap.cancer_activity <= cap.activity).all() and (cap.activity <= cap.capacity).all()
    wf = pd.concat([pd.read_csv(run / s["path"] / "workforce.csv")
                    for s in manifest["capacity"]])
    rad = wf[wf.staff_group == "RADIOLOGIST"].groupby("provider_code")[
        ["in_post_wte", "vacancy_wte"]].sum()
    vacancy = rad.vacancy_wte / (rad.vacancy_wte + rad.in_post_wte)
    assert vacancy["RA2"] > 0.25 > vacancy["RA1"]


def test_the_queue_changes_only_the_short_trusts_ct_patients():
    alliance = build_alliances(SCALES["small"], np.random.default_rng(1))[0]
    first = parse_month("2024-01")
    plain = simulate(alliance, first, first + 5, np.random.default_rng(2))
    plan = CapacityPlan(alliance, np.random.default_rng(3))
    queued = simulate(alliance, first, first + 5, np.random.default_rng(2),
                      after_diagnostics=plan.queue)
    delay = queued.extra["ct_queue_days"]
    moved = delay > 0
    assert moved.any()
    assert (queued.provider[moved] == short_trust(alliance)).all()
    assert (plan.tests[moved] == 0).all()  # CT is modality 0
    for name in ("start", "first_seen", "provider", "route", "ctype", "cancer"):
        assert np.array_equal(getattr(plain, name), getattr(queued, name)), name
    for name in ("told", "diagnosis", "treat"):
        a, b = getattr(plain, name), getattr(queued, name)
        assert np.array_equal(a[~moved], b[~moved]), name
    assert np.array_equal(queued.told[moved], plain.told[moved] + delay[moved])


def test_capacity_submissions_load_through_ingest_folder(run, tmp_path):
    from cancer_alliance.ingest import ingest_folder
    from cancer_alliance.store import connect

    with connect(tmp_path / "a.duckdb") as con:
        ingest_folder(con, run)
        assert con.execute("SELECT count(*), sum(rejected) FROM capacity_submissions"
                           ).fetchall() == [(24, 0)]
        assert con.execute("SELECT count(DISTINCT period) FROM workforce").fetchall() == [(12,)]
