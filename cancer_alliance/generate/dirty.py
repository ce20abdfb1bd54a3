"""The ``--dirty`` mode: corrupt a known share of rows, each breaking exactly one rule.

Corruptions cycle through every rule code of :mod:`cancer_alliance.dataset.rules` that a
single cell (or one extra row) can trigger, and each is recorded with the file, spreadsheet row
(header = row 1), column and rule, so a round trip through the validator can demand exactly
these rejections and no others. To keep every corruption to one rule:

* only rows of pathways with no child rows in the same submission are touched (a rejected
  pathway would otherwise make its child rows ``unknown_pathway`` too);
* each corruption picks a row where the changed cell cannot trip another rule (an invalid
  ICD-10 code goes on a pathway without a cancer diagnosis, where the code is not required;
  an early first-seen date goes on a pathway with no clock reset, and so on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cancer_alliance.generate.nhs import with_wrong_check_digit
from cancer_alliance.generate.snapshot import MonthCut

Row = dict[str, str | None]


def _iso(text: str, days: int) -> str:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


def _clock(row: Row) -> str | None:
    return row["referral_received_date"] or row["upgrade_date"]


@dataclass(frozen=True)
class Corruption:
    rule: str
    column: str
    applies: Callable[[Row], bool]
    change: Callable[[Row, dict], str | None]  # new cell value; ctx has period_end etc.


def _any(row: Row) -> bool:
    return True


CORRUPTIONS: tuple[Corruption, ...] = (
    Corruption("invalid_date", "first_seen_date", lambda r: r["first_seen_date"] is not None,
               lambda r, c: r["first_seen_date"][:4] + "-02-30"),
    Corruption("invalid_code", "ethnic_category", _any, lambda r, c: "W"),
    Corruption("invalid_ods", "gp_practice_code", _any, lambda r, c: "GP-1"),
    Corruption("invalid_nhs_number", "nhs_number", _any, lambda r, c: r["nhs_number"][:8]),
    Corruption("nhs_number_check_digit", "nhs_number", _any,
               lambda r, c: with_wrong_check_digit(r["nhs_number"])),
    Corruption("invalid_integer", "treatment_adjustment_days", _any, lambda r, c: "2.5"),
    Corruption("below_minimum", "treatment_adjustment_days", _any, lambda r, c: "-3"),
    Corruption("invalid_icd10", "primary_diagnosis_icd10",
               lambda r: r["fds_outcome"] != "CONFIRMED" and r["first_treatment_date"] is None,
               lambda r, c: "CANCER"),
    Corruption("invalid_lsoa", "lsoa_code", _any, lambda r, c: "E0212345"),
    Corruption("too_long", "pathway_id", _any, lambda r, c: r["pathway_id"] + "-" + "X" * 40),
    Corruption("required", "commissioner_code", _any, lambda r, c: None),
    Corruption("required_when", "suspected_cancer_type", lambda r: r["referral_route"] == "USC",
               lambda r, c: None),
    # An urgent referral sent without its clock start (the referral date).
    Corruption("required_when", "referral_received_date",
               lambda r: r["referral_route"] == "USC" and r["first_seen_clock_reset_date"] is None,
               lambda r, c: None),
    # A treated cancer sent without its diagnosis code.
    Corruption("required_when", "primary_diagnosis_icd10",
               lambda r: r["first_treatment_date"] is not None, lambda r, c: None),
    # A century slip: after any period end and after today, so no clock is needed.
    Corruption("date_of_birth_in_future", "date_of_birth", _any, lambda r, c: "2095-03-14"),
    Corruption("date_of_birth_too_old", "date_of_birth", _any, lambda r, c: "1890-06-15"),
    Corruption("date_before_clock_start", "first_seen_date",
               lambda r: r["referral_received_date"] is not None
               and r["first_seen_date"] is not None and r["first_seen_clock_reset_date"] is None,
               lambda r, c: _iso(r["referral_received_date"], -3)),
    Corruption("treatment_before_decision", "first_treatment_date",
               lambda r: r["first_treatment_date"] is not None
               and r["decision_to_treat_date"] is not None
               and (_clock(r) is None or _iso(r["decision_to_treat_date"], -1) >= _clock(r)),
               lambda r, c: _iso(r["decision_to_treat_date"], -1)),
    Corruption("date_after_period_end", "pathway_closed_date",
               lambda r: r["pathway_closed_date"] is not None,
               lambda r, c: _iso(c["period_end"], 3)),
    Corruption("duplicate_key", "pathway_id", _any, lambda r, c: r["pathway_id"]),
    Corruption("wrong_provider", "provider_code", _any, lambda r, c: c["other_provider"]),
    # an extra child row, alternately in recovery_events and subsequent_treatments
    Corruption("unknown_pathway", "pathway_id", _any, lambda r, c: None),
)
UNKNOWN_PATHWAY_FILES = ("recovery_events", "subsequent_treatments")
RULES_INJECTED = tuple(c.rule for c in CORRUPTIONS)


class Corrupter:
    """Applies corruptions to one submission at a time, cycling through the rules."""

    def __init__(self, share: float, rng: np.random.Generator) -> None:
        self.share = share
        self.rng = rng
        self.next_rule = 0
        self.unknown_count = 0
        self.pending: list[Corruption] = []

    def corrupt(self, tables: dict[str, pa.Table], pathway_rows: np.ndarray,
                child_pathways: np.ndarray, ctx: dict) -> tuple[dict[str, pa.Table], list[dict]]:
        """Corrupt ``share`` of the pathways rows; returns new tables and what was injected."""
        pathways = tables["pathways"]
        n = pathways.num_rows
        k = int(round(self.share * n))
        if k == 0:
            return tables, []
        data = pathways.to_pydict()
        children = {name: tables[name].to_pydict() for name in UNKNOWN_PATHWAY_FILES}
        names = list(data)
        eligible = ~np.isin(pathway_rows, child_pathways)
        order = self.rng.permutation(n)
        used: set[int] = set()
        injected: list[dict] = []
        failed: list[Corruption] = []  # found no row in this submission: not tried again
        for _ in range(k):
            for corruption in self._candidates():
                if corruption in failed:
                    continue
                if self._apply(corruption, data, names, children, eligible, order, used,
                               injected, ctx):
                    if corruption in self.pending:
                        self.pending.remove(corruption)
                    break
                failed.append(corruption)
                if corruption not in self.pending:
                    self.pending.append(corruption)  # no row fits here: first in line later
        out = dict(tables)
        out["pathways"] = pa.table(data, schema=pathways.schema)
        for name, child in children.items():
            out[name] = pa.table(child, schema=tables[name].schema)
        return out, injected

    def _candidates(self):
        """Rules that found no row earlier (oldest first), then the next rules of the cycle.

        A rule whose rows are rare (a treated pathway with no child rows) would otherwise be
        skipped in every small submission and never be injected at all."""
        yield from list(self.pending)
        for _ in range(len(CORRUPTIONS)):
            corruption = CORRUPTIONS[self.next_rule % len(CORRUPTIONS)]
            self.next_rule += 1
            if corruption not in self.pending:
                yield corruption

    def _apply(self, corruption: Corruption, data: dict, names: list[str], children: dict,
               eligible: np.ndarray, order: np.ndarray, used: set[int], injected: list[dict],
               ctx: dict) -> bool:
        """Apply one corruption to a fitting row; False when no row fits."""
        if corruption.rule == "unknown_pathway":
            name = UNKNOWN_PATHWAY_FILES[self.unknown_count % len(UNKNOWN_PATHWAY_FILES)]
            self.unknown_count += 1
            child = children[name]
            row = _unknown_child(name, f"{ctx['provider']}X{self.unknown_count:08d}", ctx)
            for col, value in row.items():
                child[col].append(value)
            injected.append({"file": name, "row": len(child["pathway_id"]) + 1,
                             "column": "pathway_id", "rule": corruption.rule})
            return True
        pick = next((int(i) for i in order if eligible[i] and i not in used
                     and corruption.applies({c: data[c][i] for c in names})), None)
        if pick is None:
            return False
        used.add(pick)
        row = {c: data[c][pick] for c in names}
        if corruption.rule == "duplicate_key":
            for c in names:
                data[c].append(row[c])
            used.add(len(data[names[0]]) - 1)
            injected.append({"file": "pathways", "row": pick + 2, "column": "pathway_id",
                             "rule": corruption.rule})
            injected.append({"file": "pathways", "row": len(data[names[0]]) + 1,
                             "column": "pathway_id", "rule": corruption.rule})
            return True
        data[corruption.column][pick] = corruption.change(row, ctx)
        injected.append({"file": "pathways", "row": pick + 2, "column": corruption.column,
                         "rule": corruption.rule})
        return True


def _unknown_child(name: str, pathway_id: str, ctx: dict) -> Row:
    """A valid child row, except that its pathway exists nowhere."""
    if name == "recovery_events":
        return {"provider_code": ctx["provider"], "pathway_id": pathway_id, "event": "HNA",
                "event_date": ctx["period_start"], "follow_up_stratum": None}
    return {"provider_code": ctx["provider"], "pathway_id": pathway_id, "treatment_number": "2",
            "decision_to_treat_date": ctx["period_start"], "treatment_date": None,
            "treatment_provider_code": ctx["provider"], "modality": "SURGERY",
            "adjustment_days": None}


def child_pathways(cut: MonthCut, provider: int) -> np.ndarray:
    """Truth numbers of the pathways that have child rows in this trust's submission."""
    parts = [cut.slice(name, provider)[1] for name in ("subsequent_treatments",
                                                       "recovery_events")]
    return np.unique(np.concatenate(parts))
