"""The pathway simulation: referrals queue for each step's capacity, day by day, in SimPy.

How a patient moves (an **alliance** scenario, see :mod:`.scenarios`):

1. A referral arrives on a day of its month (Poisson counts per stream and month: the
   stream's rate x seasonality x compound growth, or, in months the scenario has the
   alliance's referral forecast for, scaled so urgent referrals match the forecast; then x
   any demand change).
2. Each step (first appointment, diagnostics by modality, decision/MDT, treatment by
   resource) is *a delay drawn from the step's fitted distribution, then a queue for the
   step's resource* at the patient's provider. The delay is the alliance's own recent pace
   (it already contains today's usual waits); the queue adds what capacity cannot absorb.
   Capacity is slots per day (a clinic list, a CT list, a theatre session), first come first
   served; ``decision`` has no resource.
3. The clock stops for FDS when the patient is told (after diagnostics); cancers go on to a
   decision and a first treatment (the 62-day clock stop); others leave.

SimPy runs one session process per step; each working session serves that day's queue as a
numpy batch, which is what makes an alliance (16,000 referrals a month) run in seconds rather
than hours. A **queue** scenario runs the textbook single stage patient by patient through a
SimPy ``Resource`` (c servers), so the engine can be checked against Erlang C.

Every replication has its own seed, spawned from the scenario's seed, and draws each kind of
random number from its own generator, so scenarios that only change capacity see exactly the
same patients (common random numbers).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy
from scipy import stats

from cancer_alliance.dataset import codes
from cancer_alliance.dataset.capacity_codes import RESOURCE_OF_MODALITY
from cancer_alliance.outlook.scenarios import (
    ANY,
    DAYS_PER_MONTH,
    FDS_GROUPS,
    FIRST_APPOINTMENT,
    GROUPS,
    RESOURCES,
    QueueScenario,
    Scenario,
    ScenarioError,
    month_text,
)

#: Measures every alliance run reports, per month.
MEASURES = ("REFERRALS", "FDS", "62_DAY", "62_DAY_BACKLOG", "TREATED")
FDS_LIMIT, D62_LIMIT = 28, 62  # days (metrics reference §2.1, §2.3; clock start is day 0)
OUTPUT_COLUMNS = ["scenario", "month", "measure", "mean", "lower", "upper"]
_UNLIMITED = 10**9
_RNG_PURPOSES = ("arrivals", "days", "cancer", "diagnostic", "treatment", "steps", "changes")


@dataclass
class Calendar:
    """Simulated days: day 0 is the first day of the first (warm-up) month."""

    months: np.ndarray  # month index of each simulated month
    first_day: np.ndarray  # day number where each month starts (len months + 1)

    @classmethod
    def of(cls, first: int, last: int) -> Calendar:
        months = np.arange(first, last + 1)
        lengths = [calendar.monthrange(m // 12, m % 12 + 1)[1] for m in months]
        return cls(months, np.concatenate([[0], np.cumsum(lengths)]))

    @property
    def days(self) -> int:
        return int(self.first_day[-1])

    def month_of_day(self, day: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.first_day, day, side="right") - 1


@dataclass
class Patients:
    """One replication's referrals and everything drawn for them, one array per item."""

    start: np.ndarray
    stream: np.ndarray
    provider: np.ndarray  # index into providers (after any move of activity)
    group: np.ndarray  # index into GROUPS
    cancer: np.ndarray
    stt: np.ndarray  # straight to test: no first appointment
    delay: np.ndarray  # (4, n) days of each step before its queue
    resource: np.ndarray  # (4, n) resource index of each step, -1 none


class Model:
    """Resources, capacity by day and the patients of one replication."""

    def __init__(self, s: Scenario, months: int):
        self.s = s
        self.cal = Calendar.of(s.start - s.warmup_months, s.start + months - 1)
        self.providers = s.providers
        self.pindex = {p: i for i, p in enumerate(self.providers)}
        for i, c in enumerate(s.changes):
            for key in ("provider", "to_provider"):
                code = getattr(c, key)
                if code not in (ANY, "") and code not in self.pindex:
                    raise ScenarioError(f"changes[{i}].{key} = {code!r}: not a provider of this "
                                        f"scenario ({', '.join(self.providers)})")
        self.resources = [(p, r) for p in self.providers for r in RESOURCES]
        self.rindex = {k: i for i, k in enumerate(self.resources)}
        self.slots = self._slots()

    def _rate(self, provider: str, resource: str, month: int) -> float:
        base = self.s.capacity.get((provider, resource))
        if base is None:
            return np.inf
        rate = base
        for c in self.s.changes:
            if c.kind == "capacity" and c.resource == resource and c.active(month) and \
                    c.provider in (ANY, provider):
                rate = rate * c.scale + c.add_per_month / DAYS_PER_MONTH
        return max(rate, 0.0)

    def _slots(self) -> np.ndarray:
        """Whole slots per (resource, day): the daily rate, carrying fractions forward."""
        cal = self.cal
        lengths = np.diff(cal.first_day)
        slots = np.empty((len(self.resources) + 1, cal.days), dtype=np.int64)
        for i, (p, r) in enumerate(self.resources):
            rates = np.array([self._rate(p, r, int(m)) for m in cal.months])
            if np.isinf(rates).any():
                slots[i] = _UNLIMITED
                continue
            cum = np.floor(np.cumsum(np.repeat(rates, lengths)) + 1e-9).astype(np.int64)
            slots[i] = np.diff(np.concatenate([[0], cum]))
        slots[-1] = _UNLIMITED  # index -1: steps with no resource
        return slots

    def patients(self, rngs: dict[str, np.random.Generator]) -> Patients:
        s, cal = self.s, self.cal
        lengths = np.diff(cal.first_day)
        m = cal.months
        growth = (1 + s.growth_per_year) ** ((m - s.reference_month) / 12)
        season = np.asarray(s.seasonality)[m % 12]
        base = growth * season * lengths / DAYS_PER_MONTH
        lam = np.array([[st.per_month for _ in m] for st in s.streams]) * base[None, :]
        lam *= self._forecast_factor(lam)[None, :]
        lam *= np.array([[self._demand_scale(st.provider, st.group, int(mm)) for mm in m]
                         for st in s.streams])
        counts = rngs["arrivals"].poisson(lam)
        cell = np.repeat(np.arange(counts.size), counts.ravel())
        stream = cell // len(m)
        month_pos = cell % len(m)
        n = len(stream)
        start = (cal.first_day[month_pos]
                 + np.floor(rngs["days"].random(n) * lengths[month_pos])).astype(np.int64)
        st_prov = np.array([self.pindex[st.provider] for st in s.streams], dtype=np.int64)
        st_group = np.array([GROUPS.index(st.group) for st in s.streams], dtype=np.int64)
        provider, group = st_prov[stream], st_group[stream]
        cancer = rngs["cancer"].random(n) < np.array(
            [st.cancer_share for st in s.streams])[stream]
        month = m[month_pos]

        u_change = rngs["changes"].random((2, n))
        treat_provider = self._treating_provider(stream, rngs["treatment"].random(n))
        provider, treat_provider = self._move_activity(month, provider, group, treat_provider,
                                                       u_change[0])
        stt = self._straight_to_test(month, provider, group, u_change[1])

        delay = self._delays(provider, group, cancer.astype(np.int64), rngs["steps"].random((4, n)))
        resource = np.full((4, n), -1, dtype=np.int64)
        has_first = group != GROUPS.index("UPGRADE")
        resource[0] = np.where(has_first, self._rindex(provider, FIRST_APPOINTMENT), -1)
        resource[1] = self._diagnostic_resource(provider, group, rngs["diagnostic"].random(n))
        resource[3] = self._treatment_resource(stream, treat_provider, rngs["treatment"].random(n))
        return Patients(start, stream, provider, group, cancer, stt, delay, resource)

    def _forecast_factor(self, lam: np.ndarray) -> np.ndarray:
        """Per month: forecast USC referrals / the USC streams' expected referrals (1 where
        the scenario has no forecast for the month)."""
        factor = np.ones(lam.shape[1])
        usc = np.array([st.group in codes.CANCER_TYPE for st in self.s.streams])
        for pos, month in enumerate(self.cal.months):
            expected = lam[usc, pos].sum()
            if int(month) in self.s.forecast and expected > 0:
                factor[pos] = self.s.forecast[int(month)] / expected
        return factor

    def _demand_scale(self, provider: str, group: str, month: int) -> float:
        scale = 1.0
        for c in self.s.changes:
            if c.kind == "demand" and c.active(month) and c.provider in (ANY, provider) \
                    and c.group in (ANY, group):
                scale *= c.scale
        return scale

    def _rindex(self, provider: np.ndarray, resource: str) -> np.ndarray:
        table = np.array([self.rindex[(p, resource)] for p in self.providers], dtype=np.int64)
        return table[provider]

    def _treating_provider(self, stream: np.ndarray, u: np.ndarray) -> np.ndarray:
        out = np.full(len(stream), -1, dtype=np.int64)
        for i, sel in _groups(stream):
            st = self.s.streams[i]
            at = st.treated_at or {st.provider: 1.0}
            codes = np.array([self.pindex[p] for p in at], dtype=np.int64)
            out[sel] = codes[_pick(list(at.values()), u[sel])]
        return out

    def _move_activity(self, month, provider, group, treat_provider, u):
        for c in self.s.changes:
            if c.kind != "move_activity":
                continue
            src, dst = self.pindex[c.provider], self.pindex[c.to_provider]
            sel = (provider == src) & (month >= c.start) & (u < c.share)
            if c.end is not None:
                sel &= month <= c.end
            if c.group != ANY:
                sel &= group == GROUPS.index(c.group)
            provider = np.where(sel, dst, provider)
            treat_provider = np.where(sel & (treat_provider == src), dst, treat_provider)
        return provider, treat_provider

    def _straight_to_test(self, month, provider, group, u) -> np.ndarray:
        stt = np.zeros(len(month), dtype=bool)
        for c in self.s.changes:
            if c.kind != "straight_to_test":
                continue
            sel = (group == GROUPS.index(c.group)) & (month >= c.start) & (u < c.share)
            if c.end is not None:
                sel &= month <= c.end
            if c.provider != ANY:
                sel &= provider == self.pindex.get(c.provider, -2)
            stt |= sel
        return stt

    def _delays(self, provider, group, cancer, u) -> np.ndarray:
        """Days of each step before its queue, by inverse CDF of the fitted quantiles.

        Row 0 is the wait for the first appointment, row 1 the rest of the time to being told
        (the clock-start-to-told total is drawn from its own distribution, for cancer or not,
        and the first appointment is drawn inside it, so the FDS wait keeps its fitted shape
        however the two steps are correlated in the data), rows 2-3 decision and treatment.
        """
        probs = np.asarray(self.s.quantile_probs)
        delay = np.zeros((4, u.shape[1]), dtype=np.int64)
        key = (provider * len(GROUPS) + group) * 2 + cancer
        for k, sel in _groups(key):
            p, g = self.providers[k // 2 // len(GROUPS)], GROUPS[k // 2 % len(GROUPS)]
            told = self._days(p, g, "diagnostics_cancer" if k % 2 else "diagnostics")
            first = None if g == "UPGRADE" else self._days(p, g, "first_appointment")
            total = np.interp(u[1, sel], probs, told) if told is not None else 0.0
            d_first = np.zeros(len(sel))
            if first is not None:
                within = np.interp(total, first, probs) if told is not None else 1.0
                d_first = np.interp(u[0, sel] * within, probs, first)
            delay[0, sel] = np.rint(d_first)
            # round the total once, so the two parts add up to the drawn time to being told
            delay[1, sel] = np.maximum(np.rint(total) - delay[0, sel], 0)
            for j, step in ((2, "decision"), (3, "treatment")):
                days = self._days(p, g, step)
                if days is not None:
                    delay[j, sel] = np.rint(np.interp(u[j, sel], probs, days))
        return delay

    def _days(self, provider: str, group: str, step: str):
        d = self.s.durations
        found = d.get((provider, group, step)) or d.get((ANY, group, step)) or d.get(
            (ANY, ANY, step))
        if found is None and step == "diagnostics_cancer":
            return self._days(provider, group, "diagnostics")
        return None if found is None else np.asarray(found)

    def _diagnostic_resource(self, provider, group, u) -> np.ndarray:
        out = np.full(len(group), -1, dtype=np.int64)
        for g, mix in self.s.diagnostic_mix.items():
            sel = group == GROUPS.index(g)
            if not sel.any() or not mix:
                continue
            names = list(mix)
            pick = _pick(list(mix.values()), u[sel])
            table = np.array([[self.rindex[(p, r)] for r in names] for p in self.providers])
            out[sel] = table[provider[sel], pick]
        return out

    def _treatment_resource(self, stream, treat_provider, u) -> np.ndarray:
        out = np.full(len(stream), -1, dtype=np.int64)
        for i, sel in _groups(stream):
            st = self.s.streams[i]
            if not st.treatment_mix:
                continue
            mods = list(st.treatment_mix)
            pick = _pick(list(st.treatment_mix.values()), u[sel])
            res = [RESOURCE_OF_MODALITY.get(mod) for mod in mods]
            table = np.array([[self.rindex[(p, r)] if r else -1 for r in res]
                              for p in self.providers])
            out[sel] = table[treat_provider[sel], pick]
        return out


def _groups(key: np.ndarray):
    """``(value, indices)`` for each distinct value of ``key`` (one sort, not one scan each)."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    cuts = np.flatnonzero(np.diff(sorted_key)) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(key)], strict=True):
        if b > a:
            yield int(sorted_key[a]), order[a:b]


def _pick(probs: list[float], u: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


@dataclass
class Journey:
    """Event days of every patient of one replication (-1: not reached in the horizon)."""

    patients: Patients
    seen: np.ndarray
    told: np.ndarray
    dtt: np.ndarray
    treat: np.ndarray
    used: np.ndarray  # (resources + 1, months) slots used


def run_once(model: Model, seed: np.random.SeedSequence) -> Journey:
    """One replication: draw the patients, then run the four step sessions day by day."""
    # children by key, not seed.spawn(): spawning again from the same seed gives the same
    # streams, so two scenarios run with one seed see the same patients
    children = [np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, i))
                for i in range(len(_RNG_PURPOSES))]
    rngs = {k: np.random.default_rng(c) for k, c in zip(_RNG_PURPOSES, children, strict=True)}
    pts = model.patients(rngs)
    n, days = len(pts.start), model.cal.days
    events = np.full((4, n), -1, dtype=np.int64)
    buckets: list[list[list[np.ndarray]]] = [[[] for _ in range(days)] for _ in range(4)]
    waiting = [np.empty(0, dtype=np.int64) for _ in range(4)]
    used = np.zeros((len(model.resources) + 1, len(model.cal.months)), dtype=np.int64)
    day_month = model.cal.month_of_day(np.arange(days))
    ids = np.arange(n)

    def push(stage: int, who: np.ndarray, ready: np.ndarray) -> None:
        keep = ready < days
        who, ready = who[keep], ready[keep]
        if not len(who):
            return
        order = np.argsort(ready, kind="stable")
        who, ready = who[order], ready[order]
        cuts = np.flatnonzero(np.diff(ready)).tolist()
        bucket = buckets[stage]
        a = 0
        for b in cuts:
            bucket[ready[a]].append(who[a:b + 1])
            a = b + 1
        bucket[ready[a]].append(who[a:])

    # upgrades (no first appointment) and straight-to-test referrals book the test directly
    direct = (pts.group == GROUPS.index("UPGRADE")) | pts.stt
    push(0, ids[~direct], pts.start[~direct] + pts.delay[0, ~direct])
    push(1, ids[direct], pts.start[direct] + pts.delay[1, direct])

    def serve(stage: int, t: int) -> np.ndarray:
        arrived = buckets[stage][t]
        buckets[stage][t] = []
        queue = np.concatenate([waiting[stage], *arrived]) if arrived else waiting[stage]
        if not len(queue):
            return queue
        res = pts.resource[stage, queue]
        order = np.argsort(res, kind="stable")
        sorted_res = res[order]
        rank = np.arange(len(queue)) - np.searchsorted(sorted_res, sorted_res, side="left")
        ok = np.empty(len(queue), dtype=bool)
        ok[order] = rank < model.slots[sorted_res, t]
        served = queue[ok]
        waiting[stage] = queue[~ok]
        events[stage, served] = t
        used[:, day_month[t]] += _count(res[ok], used.shape[0])
        return served

    def session(env: simpy.Environment, stage: int):
        yield env.timeout(stage / 10)  # steps run in pathway order within a day
        for t in range(days):
            served = serve(stage, t)
            if len(served):
                if stage == 0:
                    push(1, served, t + pts.delay[1, served])
                elif stage == 1:
                    onward = served[pts.cancer[served]]
                    push(2, onward, t + pts.delay[2, onward])
                elif stage == 2:
                    push(3, served, t + pts.delay[3, served])
            yield env.timeout(1)

    env = simpy.Environment()
    for stage in range(4):
        env.process(session(env, stage))
    env.run()
    seen = np.where(pts.stt, events[1], events[0])  # upgrades keep -1: seen before
    return Journey(pts, seen, events[1], events[2], events[3], used)


def _count(res: np.ndarray, size: int) -> np.ndarray:
    res = np.where(res < 0, size - 1, res)
    return np.bincount(res, minlength=size)[:size]


def measures(model: Model, j: Journey, months: int) -> pd.DataFrame:
    """Monthly FDS, 62-day performance, 62-day backlog, referrals, treated and utilisation."""
    cal, p = model.cal, j.patients
    first_pos = model.s.warmup_months
    rows = []
    fds_ok = np.isin(p.group, [GROUPS.index(g) for g in FDS_GROUPS])
    told_m = np.where(j.told >= 0, cal.month_of_day(j.told), -1)
    treat_m = np.where(j.treat >= 0, cal.month_of_day(j.treat), -1)
    start_m = cal.month_of_day(p.start)
    closed = np.where(p.cancer, j.treat, j.told)
    closed = np.where(closed < 0, np.iinfo(np.int64).max, closed)
    res_kind = np.array([r for _, r in model.resources] + [""])
    for pos in range(first_pos, first_pos + months):
        label = month_text(int(cal.months[pos]))
        end = cal.first_day[pos + 1] - 1
        told = fds_ok & (told_m == pos)
        treated = p.cancer & (treat_m == pos)
        backlog = (p.start <= end) & (closed > end) & (end - p.start > D62_LIMIT)
        values = {
            "REFERRALS": float((start_m == pos).sum()),
            "FDS": _percent((j.told[told] - p.start[told]) <= FDS_LIMIT),
            "62_DAY": _percent((j.treat[treated] - p.start[treated]) <= D62_LIMIT),
            "62_DAY_BACKLOG": float(backlog.sum()),
            "TREATED": float(treated.sum()),
        }
        slots = model.slots[:-1, cal.first_day[pos]:cal.first_day[pos + 1]].sum(axis=1)
        for r in RESOURCES:
            sel = (res_kind[:-1] == r) & (slots < _UNLIMITED)
            if sel.any() and slots[sel].sum() > 0:
                values[f"UTILISATION_{r}"] = 100.0 * j.used[:-1][sel, pos].sum() / slots[sel].sum()
        rows += [(label, k, v) for k, v in values.items()]
    return pd.DataFrame(rows, columns=["month", "measure", "value"])


def _percent(flags: np.ndarray) -> float:
    return float(100.0 * flags.mean()) if len(flags) else float("nan")


def replicate(scenario: Scenario | QueueScenario, months: int, replications: int,
              seed: int | None = None) -> pd.DataFrame:
    """Every replication's monthly measures: ``replication, month, measure, value``."""
    if months < 1 or replications < 1:
        raise ValueError("months and replications must be at least 1")
    seeds = np.random.SeedSequence(scenario.seed if seed is None else seed).spawn(replications)
    if isinstance(scenario, QueueScenario):
        frames = [queue_measures(scenario, s) for s in seeds]
    else:
        model = Model(scenario, months)
        frames = [measures(model, run_once(model, s), months) for s in seeds]
    return pd.concat([f.assign(replication=i) for i, f in enumerate(frames)], ignore_index=True)


def summarise(name: str, runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean over replications and its ``level`` confidence interval (Student t)."""
    g = runs.groupby(["month", "measure"], sort=False)["value"]
    out = g.agg(mean="mean", sd="std", n="count").reset_index()
    tq = stats.t.ppf(0.5 + level / 2, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, tq * out["sd"] / np.sqrt(out["n"]), 0.0)
    out["lower"] = out["mean"] - half
    out["upper"] = out["mean"] + half
    out.insert(0, "scenario", name)
    return out[OUTPUT_COLUMNS]


def simulate(scenario: Scenario | QueueScenario, months: int, replications: int,
             seed: int | None = None) -> pd.DataFrame:
    """``scenario, month, measure, mean, lower, upper`` for every reported month."""
    return summarise(scenario.name, replicate(scenario, months, replications, seed))


def queue_measures(q: QueueScenario, seed: np.random.SeedSequence) -> pd.DataFrame:
    """One replication of the single-stage queue, patient by patient (SimPy ``Resource``).

    Reports the mean wait in the queue (days, before service starts) and the servers'
    utilisation over the customers arriving after the warm-up.
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=q.servers)
    waits: list[float] = []
    busy = [0.0]

    def customer(arrived: float, service: float):
        with servers.request() as req:
            yield req
            if arrived >= q.warmup_days:
                waits.append(env.now - arrived)
                busy[0] += service
            yield env.timeout(service)

    def arrivals():
        while True:
            yield env.timeout(rng.exponential(1.0 / q.arrivals_per_day))
            if env.now >= q.warmup_days + q.days:
                return
            service = (rng.exponential(q.service_mean_days) if q.service == "exponential"
                       else q.service_mean_days)
            env.process(customer(env.now, service))

    env.process(arrivals())
    env.run()
    util = 100.0 * busy[0] / (q.servers * q.days)
    return pd.DataFrame([("all", "WAIT_MEAN_DAYS", float(np.mean(waits))),
                         ("all", "UTILISATION", util)], columns=["month", "measure", "value"])


__all__ = ["MEASURES", "OUTPUT_COLUMNS", "replicate", "simulate", "summarise"]
