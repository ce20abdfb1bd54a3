"""Breach risk: the definitions by hand, no look-ahead, calibration on synthetic pathways."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from cancer_alliance.cli import app
from cancer_alliance.outlook import breach_risk as br
from tests.outlook.conftest import insert_pathways

CENSUS = date(2024, 6, 30)


def _row(**kw) -> dict:
    base = {c: None for c in br.COLUMNS}
    base.update(provider_code="RAA", referral_route="USC", suspected_cancer_type="LUNG")
    base.update(kw)
    return base


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(br.COLUMNS))
    df["pathway_id"] = [f"P{i}" for i in range(len(df))]
    return df


def test_exit_day_by_hand():
    df = br.as_of(_frame([
        _row(clock_start="2024-01-01", first_treatment_date="2024-03-10"),     # treated d69
        _row(clock_start="2024-01-01", diagnosis_communicated_date="2024-01-20",
             fds_outcome="RULED_OUT"),                                         # ruled out d19
        _row(clock_start="2024-01-01", diagnosis_communicated_date="2024-01-20",
             fds_outcome="CONFIRMED", decision_to_treat_date="2024-01-15"),   # confirmed
        _row(clock_start="2024-01-01", pathway_closed_date="2024-02-01"),     # closed d31
        _row(clock_start="2024-05-01", first_treatment_date="2024-07-15"),    # after census
    ]), CENSUS)
    assert br.exit_day(df, 62).tolist()[:4] == [69, 19, None, 31] or (
        br.exit_day(df, 62).fillna(-1).tolist() == [69, 19, -1, 31, -1])
    assert br.exit_day(df, 62).fillna(-1).tolist() == [69, 19, -1, 31, -1]
    # FDS stops when told, or at a decision to treat if earlier
    assert br.exit_day(df, 28).fillna(-1).tolist() == [-1, 19, 14, -1, -1]


def test_risk_is_one_past_the_limit_and_blank_where_it_does_not_apply():
    rows = _frame([
        _row(clock_start="2024-04-01"),                                  # day 90: breached
        _row(clock_start="2024-04-29"),                                  # day 62: breached
        _row(clock_start="2024-06-10", diagnosis_communicated_date="2024-06-20",
             fds_outcome="CONFIRMED"),                                   # told: no FDS risk
        _row(clock_start="2024-06-20", referral_route="UPGRADE"),        # not an FDS route
        _row(clock_start="2024-06-01", fds_exclusion="DIED"),            # FDS exclusion
        _row(clock_start="2024-05-01", diagnosis_communicated_date="2024-06-20",
             fds_outcome="RULED_OUT"),                                   # left the list
    ])
    model = br.BreachRiskModel(census=CENSUS)  # no fitted model: only certainties are filled
    out = br.score(model, rows, CENSUS)
    assert out["breach_risk_62"].tolist()[:2] == [1.0, 1.0]
    assert out["breach_risk_28"].tolist()[:2] == [1.0, 1.0]
    assert out.iloc[2:].isna().all().all()


def _synthetic(n: int, rng: np.random.Generator, first: date, days: int) -> pd.DataFrame:
    """Pathways whose chance of a long wait depends on provider, cancer type and transfer.

    Each pathway is first seen after a few days, told after a gamma-distributed wait (RBB
    slower, UPPER_GI slower), 80% told cancer is ruled out (leaving the list then); the
    rest are treated some weeks after being told, later if transferred.
    """
    start = pd.Timestamp(first) + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    provider = rng.choice(["RAA", "RBB"], n)
    cancer = rng.choice(["LUNG", "UPPER_GI", "SKIN"], n)
    scale = 6.0 * np.where(provider == "RBB", 1.6, 1.0) * np.where(cancer == "UPPER_GI", 1.4, 1)
    told = rng.gamma(3.0, scale).round().astype(int) + 1
    seen = np.minimum(rng.integers(2, 12, n), told)
    ruled_out = rng.random(n) < 0.8
    transfer = (~ruled_out) & (rng.random(n) < 0.3)
    dtt = told + rng.integers(3, 15, n)
    treat = dtt + rng.gamma(2.0, np.where(transfer, 14.0, 7.0)).round().astype(int)

    def at(d):
        return start + pd.to_timedelta(d, unit="D")

    return pd.DataFrame({
        "provider_code": provider, "pathway_id": [f"S{i}" for i in range(n)],
        "referral_route": "USC", "clock_start": start, "suspected_cancer_type": cancer,
        "tumour_group": np.where(ruled_out, None, cancer),
        "first_seen_date": at(seen), "diagnosis_communicated_date": at(told),
        "fds_outcome": np.where(ruled_out, "RULED_OUT", "CONFIRMED"), "fds_exclusion": None,
        "decision_to_treat_date": at(dtt).where(~ruled_out),
        "first_treatment_date": at(treat).where(~ruled_out),
        "pathway_closed_date": at(told).where(ruled_out, at(treat)),
        "transfer_received_date": at(told + 2).where(transfer),
    })


@pytest.fixture(scope="module")
def synthetic():
    rng = np.random.default_rng(62)
    return _synthetic(24_000, rng, date(2023, 1, 1), 730)


def test_fitted_only_on_pathways_known_at_the_census(synthetic):
    """Rewrite everything the census could not have known: the predictions do not move."""
    census = date(2024, 3, 31)
    model = br.fit(synthetic, census)
    assert set(model.models) == {62, 28}
    probe = synthetic[synthetic["clock_start"].between("2024-03-01", "2024-03-31")]
    before = br.score(model, probe, census)

    changed = synthetic.copy()
    c = pd.Timestamp(census)
    late = c + timedelta(days=400)
    for col in ("first_seen_date", "diagnosis_communicated_date", "decision_to_treat_date",
                "first_treatment_date", "pathway_closed_date", "transfer_received_date"):
        changed.loc[changed[col] > c, col] = late  # every event after the census
    # outcomes of pathways started too recently for their outcome to be known: only the
    # quick ones had one by the census, so learning from them would bias the risks down
    recent_62 = changed["clock_start"] > c - timedelta(days=63)
    recent_28 = changed["clock_start"] > c - timedelta(days=29)
    changed.loc[recent_62, ["first_treatment_date", "pathway_closed_date"]] = late
    changed.loc[recent_28, ["diagnosis_communicated_date", "decision_to_treat_date"]] = late
    extra = _synthetic(3000, np.random.default_rng(1), date(2024, 4, 1), 200)  # later starts
    extra["pathway_id"] = "X" + extra["pathway_id"]
    changed = pd.concat([changed, extra], ignore_index=True)
    again = br.fit(changed, census)
    pd.testing.assert_frame_equal(before, br.score(again, probe, census))
    assert again.training_rows == model.training_rows

    # and the check can fail: what *was* known at the census does move the model
    known = synthetic.copy()
    old = known["clock_start"] < pd.Timestamp("2023-10-01")
    known.loc[old, "first_treatment_date"] = known.loc[old, "clock_start"] + timedelta(days=90)
    known.loc[old, "pathway_closed_date"] = known.loc[old, "first_treatment_date"]
    known.loc[old, "fds_outcome"] = "CONFIRMED"
    moved = br.score(br.fit(known, census), probe, census)
    assert not moved["breach_risk_62"].equals(before["breach_risk_62"])


def test_training_uses_only_clock_starts_whose_outcome_is_known(synthetic):
    census = date(2024, 3, 31)
    for limit in (62, 28):
        rows = br.training_rows(synthetic, census, limit)
        assert rows["days_waited"].max() < limit
        df = br.as_of(synthetic, census)
        newest = pd.Timestamp(census) - timedelta(days=limit + 1)
        eligible = df[(df["clock_start"] <= newest)
                      & (df["clock_start"] >= newest - timedelta(days=br.TRAINING_DAYS))]
        assert rows["pathway"].nunique() == min(len(eligible), br.MAX_TRAINING_PATHWAYS)


def test_calibrated_and_ranking_on_later_months(synthetic):
    """Fitted at one census, scored at the next six month-ends against what happened."""
    census = date(2024, 3, 31)
    model = br.fit(synthetic, census)
    truth = br.as_of(synthetic, date(2026, 12, 31))
    for limit, col in ((62, "breach_risk_62"), (28, "breach_risk_28")):
        preds, actual = [], []
        for later in pd.date_range("2024-04-30", "2024-09-30", freq="ME"):
            day = later.date()
            scored = br.score(model, synthetic, day)
            waited = (later - synthetic["clock_start"]).dt.days
            ok = scored[col].notna() & (waited < limit)
            left = br.exit_day(truth.reindex(synthetic.index), limit)
            preds.append(scored.loc[ok, col])
            actual.append((left.isna() | (left > limit))[ok].astype(int))
        p, a = pd.concat(preds), pd.concat(actual)
        assert len(p) > 3000
        bins = pd.cut(p, [0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0], include_lowest=True)
        table = pd.DataFrame({"p": p, "a": a}).groupby(bins, observed=True).agg(
            n=("a", "size"), pred=("p", "mean"), obs=("a", "mean"))
        big = table[table["n"] >= 200]
        assert len(big) >= 3
        assert (big["pred"] - big["obs"]).abs().max() < 0.05, table
        brier = float(((p - a) ** 2).mean())
        base = float(a.mean() * (1 - a.mean()))
        assert brier < 0.85 * base  # better than knowing only the overall breach rate
        # useful ranking: a breach ranks above a non-breach most of the time
        auc = roc_auc_score(a, p)
        assert auc > 0.7, auc
        print(f"{col}: AUC {auc:.3f}, Brier {brier:.4f} (base {base:.4f})\n{table}")


def test_ptl_command_prints_the_risks(tiny_store):
    con, db = tiny_store
    insert_pathways(con, [
        {"provider_code": "RAA", "suspected_cancer_type": "LUNG",
         "referral_received_date": "2024-03-01"},  # day 91 on 2024-05-31: breached
        {"provider_code": "RAA", "suspected_cancer_type": "LUNG",
         "referral_received_date": "2024-05-20", "first_seen_date": "2024-05-24",
         "first_seen_provider_code": "RAA", "diagnosis_communicated_date": "2024-05-30",
         "fds_outcome": "CONFIRMED", "primary_diagnosis_icd10": "C34.1",
         "diagnosis_date": "2024-05-30"},  # told: no FDS risk; too little history for 62
    ])
    con.close()
    r = CliRunner().invoke(app, ["ptl", "--db", db, "--census", "2024-05-31"])
    assert r.exit_code == 0, r.output
    rows = pd.read_csv(__import__("io").StringIO(r.output))
    assert rows[["days_waited", "breach_risk_62", "breach_risk_28"]].fillna(-1).values.tolist(
    ) == [[91, 1.0, 1.0], [11, -1, -1]]


def test_training_sample_does_not_depend_on_the_order_rows_arrive_in(synthetic, monkeypatch):
    """The store returns rows in no fixed order; the same data must train the same model."""
    census = date(2024, 3, 31)
    monkeypatch.setattr(br, "MAX_TRAINING_PATHWAYS", 300)
    shuffled = synthetic.sample(frac=1.0, random_state=7)
    assert not shuffled.index.equals(synthetic.index)
    for limit in (62, 28):
        a = br.training_rows(synthetic, census, limit)
        b = br.training_rows(shuffled, census, limit)
        assert a["pathway"].nunique() == 300
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
