"""The synthetic alliance's capacity submissions, consistent with its pathways.

Each referral on a Faster Diagnosis route is given the diagnostic test its suspected cancer
type (or route) mostly needs (:data:`cancer_alliance.reference.diagnostic_tests.DIAGNOSTIC_MIX`).
A provider's monthly activity for a resource is its pathways' tests (or first treatments in
units of the resource) scaled up by the share of the resource's work that is for cancer
(:mod:`cancer_alliance.reference.capacity_assumptions`), and its capacity is that activity
at a utilisation of 80-92%. Its workforce is what that capacity needs, less vacancies.

**One trust per alliance is short of CT** (the second trust, never the tertiary centre
unless it is the only one): its CT capacity is ``CT_SHORTFALL`` below its CT demand and runs
full, its radiologist vacancies are high, and - the consistency the issue asks for - its
patients who need CT queue for it: each waits an extra exponentially distributed delay
(mean ``CT_QUEUE_MEAN_DAYS``) before being told the outcome, so its CT-dependent tumour groups
wait longer than its others and than other trusts' (``tests/generate/test_generate_capacity.py``).

Randomness comes from its own seed, never from the pathway simulation's stream, so every
pathway that does not queue for the short trust's CT is exactly what it was without this.
Files go to ``capacity/<PROVIDER>/<YYYY-MM>/`` (the pathway submissions' folders hold only
pathway files) and are listed under ``capacity`` in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cancer_alliance.dataset import codes
from cancer_alliance.dataset.capacity import CAPACITY, WORKFORCE
from cancer_alliance.dataset.capacity_codes import DIAGNOSTIC_MODALITY, RESOURCE, STAFF_GROUP
from cancer_alliance.generate import parameters as P
from cancer_alliance.generate.calendar import NA, month_label, month_start
from cancer_alliance.generate.organisations import Alliance
from cancer_alliance.reference.capacity_assumptions import (
    CANCER_SHARE,
    NEW_TREATMENTS,
    UNITS_PER_TREATMENT,
    wte_needed,
)
from cancer_alliance.reference.diagnostic_tests import DIAGNOSTIC_MIX

CT_SHORTFALL = 0.12  # the short trust's CT capacity is this far below its CT demand
CT_QUEUE_MEAN_DAYS = 14.0  # mean extra wait of its patients who need CT
UTILISATION_RANGE = (0.80, 0.92)  # other trusts' and resources' activity / capacity
# Vacancies as a share of establishment (the short trust's radiologists: SHORT_VACANCY).
VACANCY_RATE = {"RADIOLOGIST": 0.12, "HISTOPATHOLOGIST": 0.10, "ENDOSCOPIST": 0.08,
                "ONCOLOGIST": 0.09, "CLINICAL_NURSE_SPECIALIST": 0.07}
SHORT_VACANCY = 0.30
AGENCY_COVER = 0.5  # share of vacant WTE covered by bank and agency staff
FDS_ROUTES = tuple(codes.REFERRAL_ROUTE.index(r) for r in ("USC", "BS", "SCREEN"))
CT = DIAGNOSTIC_MODALITY.index("CT")


def short_trust(alliance: Alliance) -> int:
    """Local index of the alliance's trust that is short of CT capacity."""
    return 1 % len(alliance.provider_codes)


@dataclass
class CapacityPlan:
    """One alliance's capacity story: which tests its patients need, and the CT queue."""

    alliance: Alliance
    rng: np.random.Generator
    short: int = field(init=False)
    tests: np.ndarray | None = None  # index into DIAGNOSTIC_MODALITY per pathway, -1 none

    def __post_init__(self) -> None:
        self.short = short_trust(self.alliance)

    def queue(self, pw) -> None:
        """Give each pathway its test; delay the short trust's CT patients (hook called by
        :func:`cancer_alliance.generate.pathways.simulate` once the diagnostic dates are
        drawn, so diagnosis and treatment follow the later date)."""
        self.tests = assign_tests(pw.route, pw.ctype, self.rng)
        told = pw.told != NA
        queued = (pw.provider == self.short) & (self.tests == CT) & told
        delay = np.where(queued, np.round(self.rng.exponential(CT_QUEUE_MEAN_DAYS, pw.n)),
                         0).astype(np.int32)
        ruled_out = (pw.closed_reason == "RULED_OUT") & (pw.closed == pw.told)
        pw.told = np.where(told, pw.told + delay, pw.told).astype(np.int32)
        pw.closed = np.where(ruled_out, pw.told, pw.closed).astype(np.int32)
        pw.extra["ct_queue_days"] = delay


def assign_tests(route: np.ndarray, ctype: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The modality (index into ``DIAGNOSTIC_MODALITY``) each referral's test uses, drawn
    from its suspected cancer type's mix (USC) or its route's (BS, SCREEN); -1 for other
    routes, whose diagnostics the dataset does not time."""
    n = len(route)
    out = np.full(n, -1, np.int8)
    u = rng.random(n)
    groups = [(t, (route == FDS_ROUTES[0]) & (ctype == i))
              for i, t in enumerate(codes.CANCER_TYPE)]
    groups += [(r, route == codes.REFERRAL_ROUTE.index(r)) for r in ("BS", "SCREEN")]
    for key, sel in groups:
        mix = DIAGNOSTIC_MIX.get(key)
        if not mix or not sel.any():
            continue
        cdf = np.cumsum(list(mix.values()))
        pick = np.minimum(np.searchsorted(cdf / cdf[-1], u[sel], side="right"), len(mix) - 1)
        out[sel] = np.array([DIAGNOSTIC_MODALITY.index(m) for m in mix])[pick]
    return out


def _month_of(days: np.ndarray, first: int, last: int) -> np.ndarray:
    """Index (0 = ``first``) of the month each day falls in; -1 outside ``first..last``."""
    starts = month_start(np.arange(first, last + 2))
    idx = np.searchsorted(starts, days, side="right") - 1
    return np.where((days != NA) & (idx >= 0) & (idx <= last - first), idx, -1)


def cancer_units(plan: CapacityPlan, pw, first: int, last: int) -> np.ndarray:
    """(trust, month, resource) units of each resource used by the alliance's pathways:
    tests half-way between first seen and told, first treatments in the resource's units."""
    n_prov, n_month = len(plan.alliance.provider_codes), last - first + 1
    out = np.zeros((n_prov, n_month, len(RESOURCE)))
    tested = (plan.tests >= 0) & (pw.first_seen != NA) & (pw.told != NA)
    test_day = np.where(tested, pw.first_seen + (pw.told - pw.first_seen) // 2, NA)
    m = _month_of(test_day, first, last)
    ok = tested & (m >= 0)
    np.add.at(out, (pw.provider[ok], m[ok], plan.tests[ok].astype(np.int64)), 1.0)
    m = _month_of(pw.treat, first, last)
    for modality, (resource, units) in UNITS_PER_TREATMENT.items():
        sel = (pw.modality == P.MODALITIES.index(modality)) & (m >= 0)
        np.add.at(out, (pw.treat_provider[sel], m[sel], RESOURCE.index(resource)), units)
    return out


def new_treatments(pw, n_prov: int, first: int, last: int) -> np.ndarray:
    """(trust, month) patients starting surgery, systemic therapy or radiotherapy (the
    clinical nurse specialists' load, ``NEW_TREATMENTS``)."""
    out = np.zeros((n_prov, last - first + 1))
    m = _month_of(pw.treat, first, last)
    counted = np.isin(pw.modality, [P.MODALITIES.index(k) for k in UNITS_PER_TREATMENT])
    sel = (m >= 0) & (pw.treat_provider >= 0) & counted
    np.add.at(out, (pw.treat_provider[sel], m[sel]), 1.0)
    return out


def capacity_rows(plan: CapacityPlan, pw, first: int, last: int) -> dict:
    """{(trust, month): (capacity rows, workforce rows)}, each row a dict of text cells."""
    cancer = cancer_units(plan, pw, first, last)
    n_prov, n_month, _ = cancer.shape
    rng = plan.rng
    share = np.array([CANCER_SHARE[r] for r in RESOURCE])
    demand = cancer / share  # whole demand on the resource
    utilisation = rng.uniform(*UTILISATION_RANGE, (n_prov, len(RESOURCE)))
    activity = np.round(demand * rng.uniform(0.98, 1.02, demand.shape))
    capacity = np.round(activity / utilisation[:, None, :])
    short_ct = np.round(demand[plan.short, :, CT] * (1 - CT_SHORTFALL))
    capacity[plan.short, :, CT] = short_ct
    activity[plan.short, :, CT] = short_ct
    runs = cancer.sum(axis=1) > 0  # (trust, resource): resources the trust runs at all
    treatments = new_treatments(pw, n_prov, first, last)
    vacancy = np.clip(np.array([VACANCY_RATE[g] for g in STAFF_GROUP])[None, :]
                      * rng.uniform(0.7, 1.3, (n_prov, len(STAFF_GROUP))), 0, 0.6)
    vacancy[plan.short, STAFF_GROUP.index("RADIOLOGIST")] = SHORT_VACANCY
    out = {}
    for p in range(n_prov):
        # establishment sized to the trust's average month of capacity (posts are stable)
        mean_cap = dict(zip(RESOURCE, capacity[p].mean(axis=0), strict=True))
        mean_cap[NEW_TREATMENTS] = float(treatments[p].mean())
        for mi in range(n_month):
            period = month_label(first + mi)
            code = str(plan.alliance.provider_codes[p])
            cap_rows = [
                {"provider_code": code, "period": period, "resource": r,
                 "capacity": str(int(capacity[p, mi, k])),
                 "activity": str(int(activity[p, mi, k])),
                 "cancer_activity": str(int(min(cancer[p, mi, k], activity[p, mi, k])))}
                for k, r in enumerate(RESOURCE) if runs[p, k]]
            wf_rows = []
            for g, group in enumerate(STAFF_GROUP):
                establishment = wte_needed(group, mean_cap)
                if establishment <= 0:
                    continue
                drift = rng.uniform(-0.03, 0.03)
                vacant = max(0.0, establishment * (vacancy[p, g] + drift))
                wf_rows.append({"provider_code": code, "period": period, "staff_group": group,
                                "in_post_wte": f"{establishment - vacant:.1f}",
                                "vacancy_wte": f"{vacant:.1f}",
                                "agency_wte": f"{vacant * AGENCY_COVER:.1f}"})
            out[(p, mi)] = (cap_rows, wf_rows)
    return out


def write_capacity(out: Path, plan: CapacityPlan, pw, first: int, last: int,
                   file_format: str) -> list[dict]:
    """Write every trust's monthly capacity submission; return their manifest entries."""
    entries = []
    for (p, mi), (cap_rows, wf_rows) in capacity_rows(plan, pw, first, last).items():
        code, period = str(plan.alliance.provider_codes[p]), month_label(first + mi)
        rel = Path("capacity") / code / period
        folder = out / rel
        folder.mkdir(parents=True, exist_ok=True)
        counts = {}
        for table, rows in ((CAPACITY, cap_rows), (WORKFORCE, wf_rows)):
            data = pa.table({c: pa.array([r[c] for r in rows], pa.string())
                             for c in table.column_names})
            path = folder / f"{table.name}.{file_format}"
            if file_format == "csv":
                with open(path, "wb") as f:
                    f.write((",".join(table.column_names) + "\n").encode())
                    pacsv.write_csv(data, f, pacsv.WriteOptions(include_header=False,
                                                                quoting_style="none"))
            else:
                pq.write_table(data, path, compression="zstd")
            counts[path.name] = data.num_rows
        entries.append({"provider": code, "period": period, "path": rel.as_posix(),
                        "rows": counts})
    return entries
