"""The simulation against queueing theory, seeds and capacity (issue 17, part 4 tests).

* A single stage with Poisson arrivals, c servers and exponential service (M/M/c) gives the
  Erlang C mean wait.
* The day-by-day sessions the alliance model runs give the mean wait of the discrete-time
  queue Q' = max(Q + A - K, 0) with Poisson A, solved here from its Markov chain.
* The same seed gives the same figures; adding capacity never lengthens a wait.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from cancer_alliance.outlook import simulation
from cancer_alliance.outlook.scenarios import Change, QueueScenario, month_index
from cancer_alliance.outlook.simulation import Model, run_once

from .scenario_builders import one_stage, two_trusts


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c: C(c, a) / (c mu - lam), a = lam / mu (Erlang C)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    prob_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return prob_wait / (c * mu - lam)


def test_erlang_c_formula_hand_worked():
    # M/M/1 with lam 0.5, mu 1: Wq = rho / (mu - lam) = 0.5 / 0.5 = 1 day
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(1.0)
    # M/M/2, lam 1, mu 1 (a = 1, rho = 0.5): C = (1/2 / 0.5) / (1 + 1 + 1) = 1/3; Wq = 1/3
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


def test_single_stage_reproduces_erlang_c():
    q = QueueScenario(name="mmc", arrivals_per_day=4.0, servers=5, service_mean_days=1.0,
                      service="exponential", days=10000.0, warmup_days=200.0, seed=17)
    runs = simulation.replicate(q, months=1, replications=8)
    waits = runs.loc[runs["measure"] == "WAIT_MEAN_DAYS", "value"]
    theory = erlang_c_wait(4.0, 1.0, 5)  # 0.5541 days
    assert waits.mean() == pytest.approx(theory, rel=0.03)  # measured: 0.5480 (-1.1%)
    summary = simulation.summarise("mmc", runs)
    row = summary[summary["measure"] == "WAIT_MEAN_DAYS"].iloc[0]
    assert row["lower"] <= theory <= row["upper"]
    util = runs.loc[runs["measure"] == "UTILISATION", "value"].mean()
    assert util == pytest.approx(80.0, rel=0.02)


def stationary_mean_queue(lam: float, k: int, size: int = 600) -> float:
    """E[Q] of Q' = max(Q + A - k, 0), A ~ Poisson(lam), by iterating the chain."""
    a = stats.poisson.pmf(np.arange(size), lam)
    p = np.zeros(size)
    p[0] = 1.0
    for _ in range(5000):
        nxt = np.convolve(p, a)[: size + k]  # Q + A
        new = np.zeros(size)
        new[0] = nxt[: k + 1].sum()
        new[1:] = nxt[k + 1: k + size]
        if np.abs(new - p).sum() < 1e-13:
            break
        p = new
    return float((np.arange(size) * p).sum())


def test_daily_sessions_reproduce_discrete_time_queue():
    lam, k = 4.0, 5  # 80% of the slots used
    s = one_stage(lam, k)
    model = Model(s, months=48)
    waits = []
    for seed in np.random.SeedSequence(3).spawn(8):
        j = run_once(model, seed)
        start = j.patients.start
        counted = (start >= model.cal.first_day[s.warmup_months]) & (j.told >= 0)
        waits.append((j.told[counted] - start[counted]).mean())
    # every patient served on the day of arrival waits 0; each night in the queue adds 1
    theory = stationary_mean_queue(lam, k) / lam  # 0.2891 days
    assert np.mean(waits) == pytest.approx(theory, rel=0.05)


def test_daily_sessions_follow_the_lindley_recursion_exactly():
    """On the simulation's own arrivals, total waiting = sum of end-of-day queue lengths."""
    lam, k = 4.5, 5
    model = Model(one_stage(lam, k), months=12)
    j = run_once(model, np.random.SeedSequence(1))
    arrivals = np.bincount(j.patients.start, minlength=model.cal.days)
    q, nights = 0, 0
    for a in arrivals:
        q = max(q + a - k, 0)
        nights += q
    served, start = j.told >= 0, j.patients.start
    assert np.bincount(j.told[served]).max() <= k
    still_waiting_nights = (model.cal.days - start[~served]).sum()
    assert (j.told[served] - start[served]).sum() + still_waiting_nights == nights
    assert (~served).sum() == q


def test_same_seed_same_figures_other_seed_differs():
    s = two_trusts()
    a = simulation.simulate(s, 6, 3)
    b = simulation.simulate(s, 6, 3)
    c = simulation.simulate(s, 6, 3, seed=99)
    assert a.equals(b)
    assert not a["mean"].equals(c["mean"])


def test_intervals_cover_the_mean_and_narrow_with_replications():
    s = two_trusts()
    few = simulation.simulate(s, 4, 3)
    many = simulation.simulate(s, 4, 12)
    for df in (few, many):
        assert (df["lower"] <= df["mean"]).all() and (df["mean"] <= df["upper"]).all()
    width = lambda df: (df["upper"] - df["lower"])[df["measure"] == "FDS"].mean()  # noqa: E731
    assert width(many) < width(few)


@pytest.mark.parametrize("change", [
    Change("capacity", month_index("2025-01"), None, "RAA", "CT", add_per_month=60.0),
    Change("capacity", month_index("2025-03"), month_index("2025-08"), "RAA", "CT", scale=1.3),
    Change("capacity", month_index("2025-01"), None, "*", "CT", scale=2.0),
])
def test_adding_capacity_never_lengthens_waits(change):
    base = two_trusts()
    more = dataclasses.replace(base, changes=[change])
    months = 12
    mb, mm = Model(base, months), Model(more, months)
    for seed in np.random.SeedSequence(5).spawn(2):
        jb, jm = run_once(mb, seed), run_once(mm, seed)  # the same patients (same seed)
        assert np.array_equal(jb.patients.start, jm.patients.start)
        never = np.iinfo(np.int64).max
        told_b = np.where(jb.told < 0, never, jb.told)
        told_m = np.where(jm.told < 0, never, jm.told)
        assert (told_m <= told_b).all()  # nobody is told later
        assert (told_m < told_b).any()  # and the extra CT is used
        fb = simulation.measures(mb, jb, months)
        fm = simulation.measures(mm, jm, months)
        backlog = lambda f: f.loc[f["measure"] == "62_DAY_BACKLOG", "value"].to_numpy()  # noqa
        assert (backlog(fm) <= backlog(fb)).all()


def test_cutting_capacity_builds_a_queue_the_baseline_does_not_have():
    ample = two_trusts(ct_per_day=20.0)
    short = two_trusts(ct_per_day=9.0)
    fa = simulation.simulate(ample, 12, 3)
    fs = simulation.simulate(short, 12, 3)
    last = lambda f, m: f.loc[(f["measure"] == m) & (f["month"] == "2025-12"), "mean"].item()  # noqa
    assert last(fs, "FDS") < last(fa, "FDS") - 10
    assert last(fs, "62_DAY_BACKLOG") > last(fa, "62_DAY_BACKLOG")
