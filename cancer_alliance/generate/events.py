"""Events after the first treatment: subsequent treatments and Recovery Package events.

Both are flat tables keyed by the pathway's row number in :class:`.pathways.Pathways`, so the
monthly snapshot can pick the rows of the pathways it submits with one index operation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cancer_alliance.generate import parameters as P
from cancer_alliance.generate.calendar import NA
from cancer_alliance.generate.organisations import Alliance
from cancer_alliance.generate.pathways import Pathways, categorical, lognormal_days

# What tends to follow a first treatment (SURGERY, DRUG, RADIOTHERAPY, MONITORING, PALLIATIVE,
# OTHER) -> mix over the same modalities.
FOLLOW_ON = np.array([
    [0.10, 0.50, 0.35, 0.0, 0.04, 0.01],
    [0.30, 0.35, 0.30, 0.0, 0.04, 0.01],
    [0.15, 0.55, 0.20, 0.0, 0.09, 0.01],
    [0.45, 0.25, 0.25, 0.0, 0.04, 0.01],
    [0.0, 0.40, 0.40, 0.0, 0.19, 0.01],
    [0.30, 0.30, 0.30, 0.0, 0.09, 0.01],
])
EVENTS_WITH_SFU = ("breast", "colorectal", "prostate")
SUBSEQUENT_SCALE = 1.05  # tuned so ~40% of treated patients have a subsequent treatment
STRATA = ("SUPPORTED_SELF_MANAGEMENT", "SHARED_CARE", "PROFESSIONAL_LED")


@dataclass
class Subsequent:
    pathway: np.ndarray  # row number in Pathways
    number: np.ndarray  # 2, 3, ...
    dtt: np.ndarray
    treat: np.ndarray  # NA when the patient dies first
    provider: np.ndarray  # local trust index
    modality: np.ndarray
    adjustment: np.ndarray


@dataclass
class Recovery:
    pathway: np.ndarray
    event: np.ndarray  # str code
    date: np.ndarray
    stratum: np.ndarray  # "" unless SFU_ASSIGNED


def subsequent_treatments(pw: Pathways, rng: np.random.Generator) -> Subsequent:
    """Second and later treatments for about 40% of treated patients."""
    n = pw.n
    share = np.zeros(n)
    for i, s in enumerate(P.SITE_NAMES):
        share[pw.site == i] = P.SITES[s]["sub"]
    has = (pw.treat != NA) & (rng.random(n) < share * SUBSEQUENT_SCALE)
    extra = np.minimum(rng.geometric(P.SUBSEQUENT_MORE, n), P.SUBSEQUENT_MAX - 1)
    parts = []
    prev_treat = pw.treat.copy()
    prev_mod = pw.modality.astype(np.int64)
    alive = has.copy()
    for k in range(P.SUBSEQUENT_MAX - 1):
        alive &= extra > k
        rows = np.flatnonzero(alive)
        dtt = prev_treat[rows] + rng.integers(14, 100, len(rows), dtype=np.int32)
        u = rng.random(len(rows))
        cdf = np.cumsum(FOLLOW_ON, axis=1)[np.clip(prev_mod[rows], 0, 5)]
        mod = np.minimum((u[:, None] > cdf).sum(axis=1), 5)
        adj = np.where(rng.random(len(rows)) < 0.015, rng.integers(5, 15, len(rows)), 0)
        treat = dtt + lognormal_days(rng, np.full(len(rows), P.SUBSEQUENT_GAP_MEDIAN),
                                     P.SUBSEQUENT_GAP_SIGMA) + adj
        death = pw.death[rows]
        dead_first = (death != NA) & (death <= dtt)
        treat_ok = (death == NA) | (treat < death)
        keep = ~dead_first
        parts.append((rows[keep], np.full(keep.sum(), k + 2), dtt[keep],
                      np.where(treat_ok, treat, NA)[keep], pw.treat_provider[rows][keep],
                      mod[keep], np.where(treat_ok, adj, 0)[keep]))
        stop = np.zeros(n, bool)
        stop[rows[~keep | ~treat_ok]] = True
        alive &= ~stop
        prev_treat[rows] = treat
        prev_mod[rows] = mod
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)] if parts else [
        np.array([], np.int64)] * 7
    order = np.lexsort((cols[1], cols[0]))
    return Subsequent(*(c[order] for c in (cols[0].astype(np.int64), cols[1].astype(np.int32),
                                           cols[2].astype(np.int32), cols[3].astype(np.int32),
                                           cols[4].astype(np.int32), cols[5].astype(np.int8),
                                           cols[6].astype(np.int32))))


def recovery_events(pw: Pathways, alliance: Alliance, sub: Subsequent,
                    rng: np.random.Generator) -> Recovery:
    """Recovery Package events, whose coverage depends on the trust."""
    n = pw.n
    treated = pw.treat != NA
    cov = alliance.recovery_coverage[pw.provider]
    last_treat = pw.treat.copy()
    if len(sub.pathway):
        done = sub.treat != NA
        np.maximum.at(last_treat, sub.pathway[done], sub.treat[done])
    sfu_site = np.isin(pw.site, [P.SITE_NAMES.index(s) for s in EVENTS_WITH_SFU])
    hna = treated & (rng.random(n) < cov)
    hna_day = pw.diagnosis + rng.integers(0, 35, n, dtype=np.int32)
    plan = hna & (rng.random(n) < 0.85)
    plan_day = hna_day + rng.integers(0, 8, n, dtype=np.int32)
    summary = treated & (rng.random(n) < cov * 0.85)
    summary_day = last_treat + rng.integers(7, 60, n, dtype=np.int32)
    review = treated & (rng.random(n) < cov * 0.75)
    review_day = pw.diagnosis + rng.integers(90, 180, n, dtype=np.int32)
    sfu = treated & sfu_site & (rng.random(n) < cov * 0.95)
    sfu_day = summary_day + rng.integers(0, 30, n, dtype=np.int32)
    stratum = np.asarray(STRATA)[categorical(rng, n, (0.55, 0.15, 0.30))]
    parts = []
    for name, has, day in (("HNA", hna, hna_day), ("CARE_PLAN", plan, plan_day),
                           ("TREATMENT_SUMMARY", summary, summary_day),
                           ("CANCER_CARE_REVIEW", review, review_day),
                           ("SFU_ASSIGNED", sfu, sfu_day)):
        ok = has & ((pw.death == NA) | (day < pw.death))
        rows = np.flatnonzero(ok)
        parts.append((rows, np.full(len(rows), name), day[rows],
                      stratum[rows] if name == "SFU_ASSIGNED" else np.full(len(rows), "")))
    pathway = np.concatenate([p[0] for p in parts])
    event = np.concatenate([p[1] for p in parts]).astype("U18")
    date = np.concatenate([p[2] for p in parts]).astype(np.int32)
    strat = np.concatenate([p[3] for p in parts]).astype("U25")
    order = np.lexsort((date, pathway))
    return Recovery(pathway[order], event[order], date[order], strat[order])
