"""The synthetic alliance looks like England: checks with tolerances on a small run.

Waiting-time performance is held to NHS England's real published figures, with computed
tolerances, in ``test_generate_national_calibration.py``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cancer_alliance.dataset.codes import CANCER_TYPE
from cancer_alliance.generate import parameters as P
from cancer_alliance.generate.calendar import NA, parse_month
from cancer_alliance.generate.calibration import measure, variation
from cancer_alliance.generate.events import subsequent_treatments
from cancer_alliance.generate.organisations import SCALES, build_alliances
from cancer_alliance.generate.pathways import simulate


@pytest.fixture(scope="module")
def figures(clean_run):
    out, _ = clean_run
    return measure(out)


def _all_pathways(out) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in sorted((out / "submissions").glob("*/*/pathways.csv"))]
    return pd.concat(frames).drop_duplicates(["provider_code", "pathway_id"], keep="last")


def test_conversion_near_six_in_a_hundred(figures):
    assert 0.04 <= figures["conversion_rate"] <= 0.08


def test_dnas(figures):
    assert 0.01 <= figures["dna_share"] <= 0.045


@pytest.fixture(scope="module")
def truth():
    """Three months of one alliance's simulated truth (no files): enough cancers to count."""
    rng = np.random.default_rng(4)
    alliance = build_alliances(SCALES["alliance"], rng)[0]
    pw = simulate(alliance, parse_month("2024-01"), parse_month("2024-03"), rng)
    return pw, subsequent_treatments(pw, rng)


def test_subsequent_treatments_for_about_four_in_ten_treated(truth):
    pw, sub = truth
    treated = np.flatnonzero(pw.treat != NA)
    share = np.isin(treated, sub.pathway).mean()
    assert 0.32 <= share <= 0.48
    assert (sub.number >= 2).all()
    done = sub.treat != NA
    assert (sub.treat[done] >= sub.dtt[done]).all()


def test_transfers_for_about_one_in_five_treated(truth):
    pw, _ = truth
    routed = (pw.treat != NA) & (pw.start != NA)
    transferred = routed & (pw.transfer != NA)
    assert 0.15 <= transferred.sum() / routed.sum() <= 0.25
    assert (pw.treat_provider[transferred] != pw.provider[transferred]).all()
    days_38 = pw.transfer[transferred] - pw.start[transferred]
    assert 0.3 <= np.mean(days_38 <= 38) <= 0.95  # some handovers by day 38, some late


def test_one_year_survival_by_stage(truth):
    pw, _ = truth
    diagnosed = pw.diagnosis != NA
    alive = ~((pw.death != NA) & (pw.death - pw.diagnosis <= 365))
    assert 0.65 <= alive[diagnosed].mean() <= 0.85
    lung = diagnosed & (pw.site == P.SITE_NAMES.index("lung"))
    stage4, stage1 = lung & (pw.stage == 4), lung & (pw.stage == 1)
    assert alive[stage1].mean() > alive[stage4].mean() + 0.3


def test_lung_is_diagnosed_later_than_breast(truth):

    pw, _ = truth
    staged = (pw.stage >= 1) & (pw.stage <= 4)
    early = (pw.stage == 1) | (pw.stage == 2)
    lung = staged & (pw.site == P.SITE_NAMES.index("lung"))
    breast = staged & (pw.site == P.SITE_NAMES.index("breast"))
    assert early[breast].mean() > early[lung].mean() + 0.3


def test_route_and_cancer_type_mix(clean_run):
    out, _ = clean_run
    p = _all_pathways(out)
    start = p["referral_received_date"].where(p["referral_received_date"] != "", p["upgrade_date"])
    p = p[start >= "2024-01-01"]
    routes = p["referral_route"].value_counts(normalize=True)
    assert 0.80 <= routes["USC"] <= 0.91
    assert set(routes.index) == {"USC", "BS", "SCREEN", "UPGRADE"}  # OTHER has no referral
    assert 0.02 <= routes["BS"] <= 0.08 and 0.03 <= routes["SCREEN"] <= 0.09
    top3 = set(p.loc[p["referral_route"] == "USC", "suspected_cancer_type"]
               .value_counts().index[:3])
    assert top3 == {"SKIN", "LOWER_GI", "BREAST"}


def test_cancer_ages_peak_in_older_people(clean_run):
    out, _ = clean_run
    p = _all_pathways(out)
    cancers = p[p["diagnosis_date"] != ""]
    age = (pd.to_datetime(cancers["diagnosis_date"]) - pd.to_datetime(cancers["date_of_birth"])
           ).dt.days / 365.25
    bands = pd.cut(age, [0, 50, 65, 80, 120]).value_counts(normalize=True)
    assert bands.idxmax().left == 65


def test_trusts_differ_in_waiting_times(clean_run):
    out, _ = clean_run
    by_trust = {code: fds for code, _, fds in variation(out)}
    assert abs(by_trust["RA1"] - by_trust["RA2"]) > 0.05


def test_backlog_includes_long_waiters(clean_run):
    out, _ = clean_run
    last = pd.read_csv(out / "submissions/RA1/2024-04/pathways.csv", dtype=str,
                       keep_default_na=False)
    open_ = last[(last["pathway_closed_reason"] == "") & (last["referral_received_date"] != "")]
    waited = (pd.Timestamp("2024-04-30") - pd.to_datetime(open_["referral_received_date"])).dt.days
    assert (waited > 62).sum() > 0
    assert (waited > 104).sum() > 0


def test_referrals_grow_and_dip_in_august_and_december():
    rng = np.random.default_rng(8)
    alliance = build_alliances(SCALES["alliance"], rng)[0]
    pw = simulate(alliance, parse_month("2024-01"), parse_month("2025-12"), rng)
    usc = pw.route == 0
    month = pw.start[usc].astype("datetime64[D]").astype("datetime64[M]").astype(int)
    counts = np.bincount(month - month.min())[-24:]  # 2024-01 .. 2025-12
    growth = counts[12:].sum() / counts[:12].sum() - 1
    assert 0.03 <= growth <= 0.07
    year_mean = counts[:12].mean()
    assert counts[7] < 0.95 * year_mean and counts[11] < 0.92 * year_mean  # Aug, Dec 2024
    assert counts[9] > year_mean  # October is busy


def test_recovery_package_coverage_varies_by_trust(truth):
    from cancer_alliance.generate.events import recovery_events

    pw, sub = truth
    rng = np.random.default_rng(9)
    alliance = build_alliances(SCALES["alliance"], np.random.default_rng(4))[0]
    rec = recovery_events(pw, alliance, sub, rng)
    treated = pw.treat != NA
    with_hna = np.zeros(pw.n, bool)
    with_hna[rec.pathway[rec.event == "HNA"]] = True
    coverage = [with_hna[treated & (pw.provider == p)].mean() for p in range(8)]
    assert max(coverage) - min(coverage) > 0.3
    sfu = rec.event == "SFU_ASSIGNED"
    assert (rec.stratum[sfu] != "").all() and (rec.stratum[~sfu] == "").all()


def test_patient_mix(truth):
    pw, _ = truth
    breast = pw.ctype == CANCER_TYPE.index("BREAST")
    assert (pw.sex[breast] == "2").mean() > 0.9
    white_british = (pw.ethnic == 0).mean()
    assert 0.6 <= white_british <= 0.85
    assert (pw.lsoa >= 0).mean() > 0.95
