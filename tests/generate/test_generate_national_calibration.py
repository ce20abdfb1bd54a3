"""The synthetic alliance against NHS England's real published figures (issue 17, part 3b).

The figures and tolerances are worked by hand on small counts; the real files' England
totals are held to the values their README states; then the calibration itself is run on
the standard calibration run and on the generator tests' small run, and every figure must
be within the tolerance the module computes (never a figure written into the test).
"""

from __future__ import annotations

import json
import math
import os
import statistics

import duckdb
import pytest

from cancer_alliance.generate import generate
from cancer_alliance.generate.calibration import cwt_counts
from cancer_alliance.published import calibration as cal

REAL = cal.real_folder()
if REAL is None and os.environ.get("CI") == "true":
    raise RuntimeError("shared/fixtures/cwt-published is missing beside the checkout under CI")
needs_real = pytest.mark.skipif(REAL is None, reason="shared/fixtures/cwt-published absent")

BY_NAME = {f.name: f for f in cal.FIGURES}


def _counts(fds, first, sub, usc, upgrade):
    """One month's counts: each argument is (total, within)."""
    return {"FDS": fds, "31_FIRST": first, "31_SUBSEQUENT": sub, "62_USC": usc,
            "62_UPGRADE": upgrade}


HAND = {
    "2023-04": _counts((100, 70), (30, 27), (20, 18), (16, 10), (4, 3)),
    "2023-05": _counts((100, 80), (45, 40), (30, 24), (24, 14), (6, 5)),
}


def test_figures_are_pooled_sums_worked_by_hand():
    assert cal.figure(BY_NAME["fds"], HAND) == pytest.approx(150 / 200)
    assert cal.figure(BY_NAME["d31"], HAND) == pytest.approx((27 + 18 + 40 + 24) / 125)
    assert cal.figure(BY_NAME["d62"], HAND) == pytest.approx((10 + 3 + 14 + 5) / 50)
    assert cal.figure(BY_NAME["d31_subsequent"], HAND) == pytest.approx(42 / 50)
    assert cal.figure(BY_NAME["upgrade_share"], HAND) == pytest.approx(10 / 50)
    assert cal.figure(BY_NAME["first_per_62"], HAND) == pytest.approx(75 / 50)
    assert cal.figure(BY_NAME["subsequent_per_first"], HAND) == pytest.approx(50 / 75)
    assert cal.monthly(BY_NAME["fds"], HAND) == pytest.approx([0.7, 0.8])


def test_tolerance_is_national_month_spread_plus_three_standard_errors():
    national = HAND
    synthetic = {"2023-04": _counts((400, 300), (100, 90), (80, 72), (60, 36), (20, 15))}
    rows = {r.name: r for r in cal.compare(national, synthetic)}
    fds = rows["fds"]
    spread = statistics.stdev([0.7, 0.8])
    se = math.sqrt(0.75 * 0.25 / 400)
    assert fds.tolerance == pytest.approx(spread + 3 * se)
    assert fds.synthetic == pytest.approx(0.75) and fds.national == pytest.approx(0.75)
    assert fds.ok
    # a ratio: Poisson counts; the national months agree exactly (1.5, 1.5), so the floor
    # stands in
    ratio = rows["first_per_62"]
    assert ratio.national_spread == pytest.approx(0.0)
    r = 100 / 80
    assert ratio.tolerance == pytest.approx(cal.RATIO_FLOOR + 3 * r * math.sqrt(1 / 100 + 1 / 80))
    # far from the national figure: out, and a table row says so
    worse = {"2023-04": _counts((400, 200), (100, 90), (80, 72), (60, 36), (20, 15))}
    out = {r.name: r for r in cal.compare(national, worse)}["fds"]
    assert not out.ok
    assert "| OUT |" in cal.table([out])


def test_spread_limit_catches_months_that_swing_too_much():
    calm = {m: _counts((1000, 750), (100, 90), (80, 72), (60, 36), (20, 15))
            for m in ("2023-04", "2023-05", "2023-06")}
    wild = dict(calm)
    wild["2023-05"] = _counts((1000, 450), (100, 90), (80, 72), (60, 36), (20, 15))
    wild["2023-06"] = _counts((1000, 1000), (100, 90), (80, 72), (60, 36), (20, 15))
    assert {r.name: r for r in cal.compare(calm, calm)}["fds"].ok
    swing = {r.name: r for r in cal.compare(calm, wild)}["fds"]
    assert swing.synthetic_spread > swing.spread_limit and not swing.ok


@needs_real
def test_the_real_extract_adds_up_to_the_national_time_series():
    national = cal.national_counts(REAL)
    assert sorted(national) == list(cal.MONTHS)
    assert cal.check_against_series(REAL, national) == []
    october = national["2023-10"]  # the values the fixtures' README states
    assert october["FDS"] == (271_402, 192_880)
    d31 = [october[k] for k in ("31_FIRST", "31_SUBSEQUENT")]
    assert (sum(t for t, _ in d31), sum(w for _, w in d31)) == (52_449, 46_911)
    d62 = [october[k] for k in cal.D62]
    assert (sum(t for t, _ in d62), sum(w for _, w in d62)) == (24_371.5, 15_375.5)


@pytest.fixture(scope="module")
def calibration_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("calibration")
    generate(out, **cal.CALIBRATION_RUN)
    return out


@needs_real
def test_the_calibration_run_is_within_tolerance_of_every_national_figure(calibration_run):
    rows, notes = cal.calibrate(REAL, calibration_run)
    assert notes == []
    assert [r.name for r in rows] == [f.name for f in cal.FIGURES]
    assert [r.name for r in rows if not r.ok] == [], cal.table(rows)
    assert cal.main(["--published", str(REAL), "--data", str(calibration_run)]) == 0


@needs_real
def test_a_small_run_of_other_months_is_within_its_wider_tolerance(clean_run):
    out, _ = clean_run
    rows, _ = cal.calibrate(REAL, out)
    assert [r.name for r in rows if not r.ok] == [], cal.table(rows)


@needs_real
def test_the_command_exits_1_when_a_figure_is_out(calibration_run, monkeypatch, capsys):
    slow = [(m, k, t, w // 2 if k == "FDS" else w) for m, k, t, w in cwt_counts(calibration_run)]
    monkeypatch.setattr(cal, "cwt_counts", lambda folder: slow)
    assert cal.main(["--published", str(REAL), "--data", str(calibration_run)]) == 1
    assert "out: fds" in capsys.readouterr().out


def test_upgrades_carry_both_kinds_of_dna_reset_at_a_small_rate(calibration_run):
    """The A1 rule for upgrades: a reset counts only when upgraded on or before first seen."""
    con = duckdb.connect()
    allowed, before, upgrades = con.execute(f"""
        SELECT count(*) FILTER (first_seen_clock_reset_date > upgrade_date
                                AND first_seen_date >= upgrade_date),
               count(*) FILTER (first_seen_clock_reset_date < upgrade_date),
               count(*)
        FROM (SELECT DISTINCT pathway_id, upgrade_date::DATE AS upgrade_date,
                     first_seen_date::DATE AS first_seen_date,
                     first_seen_clock_reset_date::DATE AS first_seen_clock_reset_date
              FROM read_csv('{calibration_run.as_posix()}/submissions/*/*/pathways.csv',
                            all_varchar=true)
              WHERE referral_route = 'UPGRADE')""").fetchone()
    con.close()
    assert allowed > 0 and before > 0
    assert (allowed + before) / upgrades < 0.05


def test_dirty_mode_sends_urgent_pathways_without_a_clock_start_and_cancers_without_a_code(
        dirty_run):
    out, _ = dirty_run
    injected = json.loads((out / "manifest.json").read_text())["injected"]
    blanked = {i["column"] for i in injected if i["rule"] == "required_when"}
    assert {"referral_received_date", "primary_diagnosis_icd10"} <= blanked
