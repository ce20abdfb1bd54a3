"""Scenario files: validation messages, round trips, and what each kind of change does."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cancer_alliance.outlook import scenarios
from cancer_alliance.outlook.scenarios import Change, ScenarioError, month_index
from cancer_alliance.outlook.simulation import Model, run_once

from .scenario_builders import two_trusts

MINIMAL = """
[scenario]
name = "mini"
start = "2025-01"

[demand]
growth_per_year = 0.0
reference_month = "2025-01"

[[demand.streams]]
provider = "RAA"
group = "LUNG"
per_month = 30
cancer_share = 0.1

[durations]
quantile_probs = [0.0, 1.0]

[[durations.steps]]
step = "diagnostics"
days = [10, 20]
"""


def write(tmp_path, text: str):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


def test_minimal_file_loads_with_defaults(tmp_path):
    s = scenarios.load(write(tmp_path, MINIMAL))
    assert (s.name, s.warmup_months, s.seed, s.seasonality) == ("mini", 12, 2016, (1.0,) * 12)
    assert s.durations == {("*", "*", "diagnostics"): (10.0, 20.0)}
    assert s.capacity == {} and s.changes == []


@pytest.mark.parametrize(("edit", "message"), [
    (('group = "LUNG"', 'group = "LUNGS"'),
     "demand.streams[0].group = 'LUNGS': must be one of BREAST, LOWER_GI"),
    (("cancer_share = 0.1", "cancer_share = 1.5"),
     "demand.streams[0].cancer_share = 1.5: must be a number between 0.0 and 1.0"),
    (('start = "2025-01"', 'start = "2025-13"'),
     "scenario.start = '2025-13': must be a month written YYYY-MM"),
    (("per_month = 30", 'per_month = "thirty"'),
     "demand.streams[0].per_month = 'thirty': must be a float"),
    (("days = [10, 20]", "days = [20, 10]"),
     "durations.steps[0].days = [20, 10]: must be 2 non-negative, non-decreasing numbers of "
     "days (one per quantile_probs)"),
    (("quantile_probs = [0.0, 1.0]", "quantile_probs = [0.0, 0.9]"),
     "durations.quantile_probs = [0.0, 0.9]: must rise strictly from 0 to 1"),
    (('name = "mini"\n', ""), "scenario.name is missing: it is required"),
])
def test_each_problem_names_file_key_value_and_rule(tmp_path, edit, message):
    path = write(tmp_path, MINIMAL.replace(*edit))
    with pytest.raises(ScenarioError) as err:
        scenarios.load(path)
    assert str(err.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize(("change", "message"), [
    ('kind = "capacity"\nresource = "CT"\nfrom = "2025-02"',
     "changes[0] = {'kind': 'capacity', 'resource': 'CT', 'from': '2025-02'}: a capacity change "
     "needs scale or add_per_month"),
    ('kind = "capacity"\nresource = "PET"\nfrom = "2025-02"\nscale = 2.0',
     "changes[0].resource = 'PET': must be one of FIRST_APPOINTMENT, CT"),
    ('kind = "straight_to_test"\nshare = 0.5\nfrom = "2025-02"',
     "changes[0].group = '*': straight-to-test needs one tumour group"),
    ('kind = "move_activity"\nto_provider = "RBB"\nshare = 0.5\nfrom = "2025-02"',
     "changes[0].provider = '*': move_activity needs the provider the activity moves from"),
    ('kind = "demand"\nscale = 1.1\nfrom = "2025-06"\nto = "2025-02"',
     "changes[0].to = '2025-02': must not be before 'from'"),
    ('kind = "wish"\nfrom = "2025-02"',
     "changes[0].kind = 'wish': must be one of capacity, straight_to_test, move_activity, "
     "demand"),
])
def test_bad_changes_are_named(tmp_path, change, message):
    path = write(tmp_path, MINIMAL + "\n[[changes]]\n" + change + "\n")
    with pytest.raises(ScenarioError) as err:
        scenarios.load(path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="not valid TOML"):
        scenarios.load(write(tmp_path, "[scenario\n"))
    with pytest.raises(ScenarioError, match="no such scenario file"):
        scenarios.load(tmp_path / "absent.toml")


def test_queue_scenario_file(tmp_path):
    q = scenarios.load(write(tmp_path, '[scenario]\nkind = "queue"\nname = "q"\n[queue]\n'
                                       'arrivals_per_day = 4\nservers = 5\n'
                                       'service_mean_days = 1\ndays = 100\n'))
    assert (q.kind, q.servers, q.service, q.warmup_days) == ("queue", 5, "exponential", 0.0)


def test_round_trip_keeps_changes(tmp_path):
    s = dataclasses.replace(two_trusts(), changes=[
        Change("capacity", month_index("2025-03"), month_index("2025-09"), "RAA", "CT",
               scale=1.2, add_per_month=40.0),
        Change("straight_to_test", month_index("2025-02"), None, group="LOWER_GI", share=0.6),
        Change("move_activity", month_index("2025-04"), None, "RAA", group="LUNG", share=0.25,
               to_provider="RBB"),
        Change("demand", month_index("2025-01"), None, scale=1.08),
    ])
    scenarios.write(s, tmp_path / "s.toml")
    back = scenarios.load(tmp_path / "s.toml")
    assert back.changes == s.changes
    assert back.capacity == pytest.approx(s.capacity, rel=1e-4)  # per_month to 0.01


def journeys(s, months=10, seed=1):
    model = Model(s, months)
    return model, run_once(model, np.random.SeedSequence(seed))


def test_straight_to_test_skips_the_first_appointment_and_shortens_the_wait():
    base = two_trusts(ct_per_day=20.0)
    stt = dataclasses.replace(base, changes=[
        Change("straight_to_test", month_index("2025-01"), None, group="LOWER_GI", share=1.0)])
    mb, jb = journeys(base)
    ms, js = journeys(stt)
    lgi = (js.patients.group == scenarios.GROUPS.index("LOWER_GI")) & (
        js.patients.start >= ms.cal.first_day[stt.warmup_months])
    assert js.patients.stt[lgi].all() and not jb.patients.stt.any()
    done = lgi & (js.told >= 0) & (jb.told >= 0)
    wait = lambda j: (j.told[done] - j.patients.start[done]).mean()  # noqa: E731
    assert wait(js) < wait(jb) - 3  # the first appointment wait (2-30 days) is saved
    first = ms.rindex[("RAA", "FIRST_APPOINTMENT")]
    assert js.used[first, -3:].sum() < jb.used[first, -3:].sum()


def test_moving_activity_sends_patients_to_the_other_trust():
    moved = dataclasses.replace(two_trusts(), changes=[
        Change("move_activity", month_index("2025-01"), None, "RAA", group="LUNG", share=1.0,
               to_provider="RBB")])
    model, j = journeys(moved)
    lung = j.patients.group == scenarios.GROUPS.index("LUNG")
    after = j.patients.start >= model.cal.first_day[moved.warmup_months]
    raa = model.pindex["RAA"]
    assert not ((j.patients.provider == raa) & lung & after).any()
    assert ((j.patients.provider == raa) & lung & ~after).any()  # before the change: still RAA
    ct_raa = model.rindex[("RAA", "CT")]
    assert (j.patients.resource[1, lung & after] != ct_raa).all()


def test_demand_change_and_growth_scale_referrals():
    base = two_trusts()
    more = dataclasses.replace(base, changes=[Change("demand", month_index("2025-01"), None,
                                                     scale=1.5)])
    _, jb = journeys(base, seed=2)
    _, jm = journeys(more, seed=2)
    ratio = len(jm.patients.start) / len(jb.patients.start)
    # warm-up (4 months) at 1x, 10 months at 1.5x
    assert ratio == pytest.approx((4 + 10 * 1.5) / 14, rel=0.03)


def test_reference_diagnostic_mix_is_a_set_of_shares_of_known_modalities():
    from cancer_alliance.dataset.capacity_codes import DIAGNOSTIC_MODALITY
    from cancer_alliance.reference.diagnostic_tests import DIAGNOSTIC_MIX

    assert set(DIAGNOSTIC_MIX) == set(scenarios.FDS_GROUPS)  # every stream with a test
    for mix in DIAGNOSTIC_MIX.values():
        assert set(mix) <= set(DIAGNOSTIC_MODALITY)
        assert sum(mix.values()) == pytest.approx(1.0)


def test_forecast_months_set_urgent_referrals_to_the_forecast():
    base = two_trusts()  # 970 referrals a month, all USC
    months = {month_index("2025-03"): 2000.0, month_index("2025-04"): 500.0}
    s = dataclasses.replace(base, forecast=months)
    model = Model(s, 6)
    runs = [run_once(model, seed) for seed in np.random.SeedSequence(8).spawn(4)]
    for month, target in months.items():
        pos = int(np.flatnonzero(model.cal.months == month)[0])
        lo, hi = model.cal.first_day[pos], model.cal.first_day[pos + 1]
        counts = [((j.patients.start >= lo) & (j.patients.start < hi)).sum() for j in runs]
        assert np.mean(counts) == pytest.approx(target, rel=0.03)
    # other months keep the fitted rate: 970 x days / 30.44
    lo, hi = model.cal.first_day[-2], model.cal.first_day[-1]  # June 2025 (30 days)
    counts = [((j.patients.start >= lo) & (j.patients.start < hi)).sum() for j in runs]
    assert np.mean(counts) == pytest.approx(970 * 1.05 ** (5 / 12) * 30 / 30.4375, rel=0.03)


def test_a_change_naming_an_unknown_provider_is_an_error():
    s = dataclasses.replace(two_trusts(), changes=[
        Change("move_activity", month_index("2025-01"), None, "RAA", share=0.5,
               to_provider="RZZ")])
    with pytest.raises(ScenarioError, match=r"changes\[0\].to_provider = 'RZZ': not a "
                       r"provider of this scenario \(RAA, RBB\)"):
        Model(s, 3)
