"""Cut one month's submissions out of the simulated truth.

A provider's submission for a month holds what it knew at the period end: pathways referred
that month, pathways still open at the start of the month, and pathways that changed during it
(including a subsequent treatment or Recovery Package event). Every event after the period end
is blank, so no date in a submission is after its period end. A resubmitted pathway carries all
its child rows known so far, because the store replaces a pathway's child rows with the newest
submission's.

Every column is written as text exactly as it appears in a CSV, in the column order of
:mod:`cancer_alliance.dataset.columns`, so CSV and Parquet outputs say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cancer_alliance.dataset import codes
from cancer_alliance.dataset.columns import DEATHS, PATHWAYS, RECOVERY_EVENTS, SUBSEQUENT_TREATMENTS
from cancer_alliance.generate import parameters as P
from cancer_alliance.generate.calendar import NA
from cancer_alliance.generate.events import Recovery, Subsequent
from cancer_alliance.generate.organisations import Alliance, lsoa_code
from cancer_alliance.generate.pathways import ETHNIC, Pathways

FILES = tuple(t.name for t in (PATHWAYS, SUBSEQUENT_TREATMENTS, RECOVERY_EVENTS, DEATHS))


@dataclass
class AllianceTruth:
    """Everything simulated for one alliance."""

    alliance: Alliance
    pathways: Pathways
    subsequent: Subsequent
    recovery: Recovery
    nhs_number: np.ndarray  # (n,) one per pathway

    def __post_init__(self) -> None:
        al, pw = self.alliance, self.pathways
        rows = np.arange(pw.n)
        self.ids = pa.array(_ids(al, pw.provider, rows), type=pa.string())
        self.nhs = pa.array(self.nhs_number, type=pa.string())
        self.providers = pa.array(al.provider_codes, type=pa.string())
        self.commissioners = pa.array(al.commissioner_codes, type=pa.string())
        lsoa_index = al.lsoa_first[0] + np.arange(int(al.lsoa_count.sum()))
        self.lsoas = pa.array(lsoa_code(lsoa_index), type=pa.string())
        self.lsoa_local = np.where(pw.lsoa >= 0, pw.lsoa - al.lsoa_first[0], -1)
        self.practices = pa.array(np.unique(pw.practice), type=pa.string())
        self.practice_index = np.searchsorted(np.unique(pw.practice), pw.practice)


@dataclass
class MonthCut:
    """One month of one alliance: per file, a text table sorted by trust, and row ranges."""

    tables: dict[str, pa.Table]
    provider_of_row: dict[str, np.ndarray]  # local trust index of each row, per file
    pathway_of_row: dict[str, np.ndarray]  # truth row number of each row (deaths: patient)

    def slice(self, name: str, provider: int) -> tuple[pa.Table, np.ndarray]:
        """The rows of file ``name`` for one trust, and their truth pathway numbers."""
        rows = self.provider_of_row[name]
        lo, hi = np.searchsorted(rows, [provider, provider + 1])
        return self.tables[name].slice(lo, hi - lo), self.pathway_of_row[name][lo:hi]


def _text(values: np.ndarray, present: np.ndarray | None = None) -> pa.Array:
    """Text cells from a numpy array (blank where ``present`` is False)."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "UO":
        arr = arr.astype(str)
    mask = None if present is None else ~np.asarray(present, bool)
    return pa.array(arr, type=pa.string(), mask=mask)


def _take(values: pa.Array, index: np.ndarray, present: np.ndarray | None = None) -> pa.Array:
    """Cells looked up from a small list of values by index (fast: no Python strings made)."""
    mask = None if present is None else ~np.asarray(present, bool)
    return values.take(pa.array(np.asarray(index, dtype=np.int64), mask=mask))


def _ints(values: np.ndarray, present: np.ndarray) -> pa.Array:
    return pa.array(np.where(present, values, 0).astype(np.int64), mask=~present).cast(
        pa.string())


def _dates(days: np.ndarray, present: np.ndarray) -> pa.Array:
    arr = pa.array(np.where(present, days, 0).astype(np.int32), type=pa.int32(),
                   mask=~present)
    return arr.cast(pa.date32()).cast(pa.string())


def _known(days: np.ndarray, end: int) -> np.ndarray:
    return (days != NA) & (days <= end)


def _lookup(values) -> pa.Array:
    return pa.array(list(values), type=pa.string())


ROUTES = _lookup(codes.REFERRAL_ROUTE)
TYPES = _lookup(codes.CANCER_TYPE)
ETHNICS = _lookup(ETHNIC)
MODALITIES = _lookup(P.MODALITIES)
STAGES = _lookup(P.STAGES)
SEXES = _lookup(("1", "2", "9", "0"))
OUTCOMES = _lookup(("RULED_OUT", "CONFIRMED"))


def _ids(alliance: Alliance, provider: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.char.add(alliance.provider_codes[provider], np.char.zfill(rows.astype(str), 9))


def cut_month(truth: AllianceTruth, start: int, end: int) -> MonthCut:
    """The submissions of every trust of the alliance for the month [start, end] (day numbers)."""
    pw, sub, rec = truth.pathways, truth.subsequent, truth.recovery
    include = (pw.known <= end) & ((pw.closed == NA) | (pw.closed >= start))
    sub_changed = ((sub.dtt >= start) & (sub.dtt <= end)) | (
        (sub.treat != NA) & (sub.treat >= start) & (sub.treat <= end))
    include[sub.pathway[sub_changed]] = True
    rec_changed = (rec.date >= start) & (rec.date <= end)
    include[rec.pathway[rec_changed]] = True

    rows = np.flatnonzero(include)
    rows = rows[np.argsort(pw.provider[rows], kind="stable")]
    tables = {"pathways": _pathways_table(truth, rows, end)}
    provider_of = {"pathways": pw.provider[rows]}
    pathway_of = {"pathways": rows}

    s = np.flatnonzero(include[sub.pathway] & (sub.dtt <= end))
    s = s[np.argsort(pw.provider[sub.pathway[s]], kind="stable")]
    tables["subsequent_treatments"] = _subsequent_table(truth, s, end)
    provider_of["subsequent_treatments"] = pw.provider[sub.pathway[s]]
    pathway_of["subsequent_treatments"] = sub.pathway[s]

    r = np.flatnonzero(include[rec.pathway] & (rec.date <= end))
    r = r[np.argsort(pw.provider[rec.pathway[r]], kind="stable")]
    tables["recovery_events"] = _recovery_table(truth, r)
    provider_of["recovery_events"] = pw.provider[rec.pathway[r]]
    pathway_of["recovery_events"] = rec.pathway[r]

    d = np.flatnonzero((pw.death != NA) & (pw.death >= start) & (pw.death <= end))
    d = d[np.argsort(pw.provider[d], kind="stable")]
    tables["deaths"] = pa.table({"nhs_number": truth.nhs.take(pa.array(d)),
                                 "date_of_death": _dates(pw.death[d], np.ones(len(d), bool))})
    provider_of["deaths"] = pw.provider[d]
    pathway_of["deaths"] = d
    return MonthCut(tables, provider_of, pathway_of)


def _pathways_table(truth: AllianceTruth, rows: np.ndarray, end: int) -> pa.Table:
    pw = truth.pathways
    route = pw.route[rows]
    prov = pw.provider[rows]
    seen = _known(pw.first_seen[rows], end)
    told = _known(pw.told[rows], end)
    diag = _known(pw.diagnosis[rows], end)
    treat = _known(pw.treat[rows], end)
    transfer = _known(pw.transfer[rows], end)
    closed = _known(pw.closed[rows], end)
    ctype = pw.ctype[rows]
    start = pw.start[rows]
    lsoa = truth.lsoa_local[rows]
    practice = pw.practice[rows]
    clock_route = route <= codes.REFERRAL_ROUTE.index("SCREEN")
    upgrade = route == codes.REFERRAL_ROUTE.index("UPGRADE")
    sex_index = np.searchsorted(np.array(["0", "1", "2", "9"]), pw.sex[rows])
    sex_index = np.array([3, 0, 1, 2])[sex_index]
    exclusion = pw.fds_exclusion[rows]
    reason = pw.closed_reason[rows]
    cols = {
        "provider_code": _take(truth.providers, prov),
        "pathway_id": truth.ids.take(pa.array(rows)),
        "nhs_number": truth.nhs.take(pa.array(rows)),
        "date_of_birth": _dates(pw.dob[rows], np.ones(len(rows), bool)),
        "sex": _take(SEXES, sex_index),
        "ethnic_category": _take(ETHNICS, pw.ethnic[rows]),
        "lsoa_code": _take(truth.lsoas, np.maximum(lsoa, 0), lsoa >= 0),
        "gp_practice_code": _take(truth.practices, truth.practice_index[rows], practice != ""),
        "commissioner_code": _take(truth.commissioners, pw.commissioner[rows]),
        "referral_route": _take(ROUTES, route),
        "suspected_cancer_type": _take(TYPES, np.maximum(ctype, 0), ctype >= 0),
        "referral_received_date": _dates(start, clock_route),
        "upgrade_date": _dates(start, upgrade),
        "first_seen_date": _dates(pw.first_seen[rows], seen),
        "first_seen_provider_code": _take(truth.providers, prov, seen),
        "first_seen_clock_reset_date": _dates(pw.reset[rows], _known(pw.reset[rows], end)),
        "diagnosis_communicated_date": _dates(pw.told[rows], told),
        "fds_outcome": _take(OUTCOMES, pw.cancer[rows].astype(np.int64), told),
        "fds_exclusion": _text(exclusion, closed & (exclusion != "")),
        "primary_diagnosis_icd10": _text(pw.icd10[rows], diag),
        "diagnosis_date": _dates(pw.diagnosis[rows], diag),
        "stage_group": _take(STAGES, np.maximum(pw.stage[rows], 0), diag & (pw.stage[rows] >= 0)),
        "decision_to_treat_date": _dates(pw.dtt[rows], _known(pw.dtt[rows], end)),
        "first_treatment_date": _dates(pw.treat[rows], treat),
        "first_treatment_provider_code": _take(truth.providers,
                                               np.maximum(pw.treat_provider[rows], 0), treat),
        "first_treatment_modality": _take(MODALITIES, np.maximum(pw.modality[rows], 0), treat),
        "treatment_adjustment_days": _ints(pw.adjustment[rows], treat),
        "transfer_received_date": _dates(pw.transfer[rows], transfer),
        "transfer_from_provider_code": _take(truth.providers, prov, transfer),
        "pathway_closed_reason": _text(reason, closed),
        "pathway_closed_date": _dates(pw.closed[rows], closed),
    }
    assert list(cols) == PATHWAYS.column_names
    return pa.table(cols)


def _subsequent_table(truth: AllianceTruth, s: np.ndarray, end: int) -> pa.Table:
    pw, sub = truth.pathways, truth.subsequent
    p = sub.pathway[s]
    done = _known(sub.treat[s], end)
    cols = {
        "provider_code": _take(truth.providers, pw.provider[p]),
        "pathway_id": truth.ids.take(pa.array(p)),
        "treatment_number": _ints(sub.number[s], np.ones(len(s), bool)),
        "decision_to_treat_date": _dates(sub.dtt[s], np.ones(len(s), bool)),
        "treatment_date": _dates(sub.treat[s], done),
        "treatment_provider_code": _take(truth.providers, sub.provider[s]),
        "modality": _take(MODALITIES, sub.modality[s]),
        "adjustment_days": _ints(sub.adjustment[s], done),
    }
    assert list(cols) == SUBSEQUENT_TREATMENTS.column_names
    return pa.table(cols)


def _recovery_table(truth: AllianceTruth, r: np.ndarray) -> pa.Table:
    pw, rec = truth.pathways, truth.recovery
    p = rec.pathway[r]
    cols = {
        "provider_code": _take(truth.providers, pw.provider[p]),
        "pathway_id": truth.ids.take(pa.array(p)),
        "event": _text(rec.event[r]),
        "event_date": _dates(rec.date[r], np.ones(len(r), bool)),
        "follow_up_stratum": _text(rec.stratum[r], rec.stratum[r] != ""),
    }
    assert list(cols) == RECOVERY_EVENTS.column_names
    return pa.table(cols)
