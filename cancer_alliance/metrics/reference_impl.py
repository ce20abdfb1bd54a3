"""A slow, plain, pure-Python statement of the per-pathway rules: the test oracle.

It reads pathways and subsequent treatments as dictionaries of Python values (dates as
``datetime.date``, blanks as ``None``) and returns outcome rows with the columns of the
``outcomes`` contract. The rules (clock start and the A1 reset, the order of exclusions, the
§4 allocation table) are written out here in plain Python from the metrics reference,
without ibis, so that the engines can be checked against something obviously right. What
differs between standards (events, routes, limits, the rare-cancer limit, eras, modalities,
who is credited) is read from each :class:`~.definition.StandardDefinition`, as the ibis
compiler reads it, so a standard is still stated once. Never use it for real volumes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cancer_alliance.metrics.definition import (
    Attribution,
    ClockStart,
    Event,
    Part,
    StandardDefinition,
)
from cancer_alliance.metrics.platform_rules import (
    ERA_CHANGE,
    IPT_INVESTIGATION_LIMIT,
    IPT_TREATMENT_LIMIT,
    NEXT_STEP_DUE_DAY,
    NEXT_STEPS,
    PTL_ROUTES,
    TREATMENT_AFTER_DTT_DAYS,
    UPGRADE_REFERRED_BY_SUBMITTER,
)
from cancer_alliance.metrics.standards import STANDARDS

Row = dict[str, Any]


def clock_start(p: Row) -> date | None:
    """Route clock start with the A1 DNA reset (upgrades: only if upgraded by first seen,
    and never earlier than the upgrade date: an adjustment only shortens a wait)."""
    reset = p.get("first_seen_clock_reset_date")
    if p["referral_route"] == "UPGRADE":
        seen = p.get("first_seen_date")
        upgraded = p.get("upgrade_date")
        if reset and seen and upgraded and upgraded <= seen and reset > upgraded:
            return reset
        return upgraded
    return reset or p.get("referral_received_date")


def era_of(d: date) -> str:
    return "pre_2023" if d < ERA_CHANGE else "from_2023"


def _row(code: str, p: Row, *, number: int, start, stop, era_date, exclusion, adjustment,
         limit, accountable, share=1.0, rule=None) -> Row:
    included = exclusion is None
    days = (stop - start).days - adjustment if included else None
    outcome = None if not included else ("within" if days <= limit else "breach")
    return {
        "standard": code, "provider_code": p["provider_code"], "pathway_id": p["pathway_id"],
        "treatment_number": number, "included": included, "exclusion_reason": exclusion,
        "era": era_of(era_date), "clock_start": start, "clock_stop": stop,
        "adjustment_days": adjustment, "days": days, "limit_days": limit, "outcome": outcome,
        "reporting_period": era_date.strftime("%Y-%m"), "accountable_provider_code": accountable,
        "share": share, "allocation_rule": rule if included else None,
    }


def _diagnosed(p: Row) -> bool:
    return bool(p.get("first_treatment_date") or p.get("primary_diagnosis_icd10")
                or p.get("fds_outcome") == "CONFIRMED")


def _start(part: Part, p: Row) -> date | None:
    return clock_start(p) if part.start == ClockStart.ROUTE else p.get("decision_to_treat_date")


def first_seen(defn: StandardDefinition, part: Part, p: Row) -> list[Row]:
    start, stop = _start(part, p), p.get("first_seen_date")
    era_date = stop or p.get("pathway_closed_date")
    if era_date is None or not defn.in_era(era_date):
        return []
    exclusion = ("not_first_seen" if stop is None
                 else "missing_clock_start" if start is None else None)
    return [_row(defn.code, p, number=1, start=start, stop=stop, era_date=era_date,
                 exclusion=exclusion, adjustment=0, limit=defn.limit_days,
                 accountable=p.get("first_seen_provider_code") or p["provider_code"],
                 rule="first_seen_provider")]


def fds(defn: StandardDefinition, part: Part, p: Row) -> list[Row]:
    start = _start(part, p)
    candidates = [d for d in (p.get("diagnosis_communicated_date"),
                              p.get("decision_to_treat_date")) if d is not None]
    stop = min(candidates) if candidates else None
    era_date = stop or p.get("pathway_closed_date")
    if era_date is None or not defn.in_era(era_date):
        return []
    if p.get("fds_exclusion"):
        exclusion = "fds_exclusion_" + p["fds_exclusion"]
    elif stop is None:
        exclusion = "missing_clock_stop"
    elif start is None:
        exclusion = "missing_clock_start"
    else:
        exclusion = None
    return [_row(defn.code, p, number=1, start=start, stop=stop, era_date=era_date,
                 exclusion=exclusion, adjustment=0, limit=defn.limit_days,
                 accountable=p["provider_code"], rule="submitting_provider")]


def first_treatment(defn: StandardDefinition, part: Part, p: Row) -> list[Row]:
    """A first treatment: the treating provider's, or shared at a transfer (§4)."""
    if not _diagnosed(p):
        return []
    start, stop = _start(part, p), p.get("first_treatment_date")
    era_date = stop or p.get("pathway_closed_date")
    if era_date is None or not defn.in_era(era_date):
        return []
    exclusion = ("no_first_treatment" if stop is None
                 else "missing_clock_start" if start is None else None)
    limit = defn.limit_for(p.get("suspected_cancer_type"))
    adjustment = (p.get("treatment_adjustment_days") or 0) if part.adjust_a2 else 0
    treating = p.get("first_treatment_provider_code") or p["provider_code"]
    base = dict(number=1, start=start, stop=stop, era_date=era_date, exclusion=exclusion,
                adjustment=adjustment, limit=limit)
    if defn.attribution != Attribution.INTER_PROVIDER_TRANSFER:
        return [_row(defn.code, p, **base, accountable=treating, rule="treating_provider")]
    if exclusion is not None:
        return [_row(defn.code, p, **base, accountable=treating)]
    within = (stop - start).days - adjustment <= limit
    return [_row(defn.code, p, **base, accountable=who, share=share, rule=rule)
            for who, share, rule in ipt_shares(p, start, stop, adjustment, within)]


def subsequent_treatments(defn: StandardDefinition, part: Part, p: Row,
                          treatments: list[Row]) -> list[Row]:
    out = []
    for t in treatments:
        stop = t.get("treatment_date")
        if stop is None or not defn.in_era(stop):
            continue
        if part.modalities is not None and t["modality"] not in part.modalities:
            continue
        if t["modality"] in part.excluded_modalities:
            exclusion = f"subsequent_{t['modality'].lower()}_not_counted"
        elif t.get("decision_to_treat_date") is None:
            exclusion = "missing_clock_start"
        else:
            exclusion = None
        adjustment = (t.get("adjustment_days") or 0) if part.adjust_a2 else 0
        out.append(_row(defn.code, p, number=t["treatment_number"],
                        start=t.get("decision_to_treat_date"), stop=stop, era_date=stop,
                        exclusion=exclusion, adjustment=adjustment, limit=defn.limit_days,
                        accountable=t["treatment_provider_code"], rule="treating_provider"))
    return out


def ipt_shares(p: Row, start: date, stop: date, adjustment: int, within: bool
               ) -> list[tuple[str, float, str]]:
    """§4 allocation: (accountable provider, share, rule) for an included 62-day result."""
    treating = p.get("first_treatment_provider_code") or p["provider_code"]
    referring = p.get("transfer_from_provider_code") or p.get("first_seen_provider_code")
    if referring is None and UPGRADE_REFERRED_BY_SUBMITTER and p["referral_route"] == "UPGRADE":
        referring = p["provider_code"]  # the upgrading trust (platform rule #11)
    if referring is None or referring == treating:
        return [(treating, 1.0, "single_provider")]
    transfer = p.get("transfer_received_date")
    if transfer is None:
        return [(treating, 0.5, "ipt_no_transfer_date"),
                (referring, 0.5, "ipt_no_transfer_date")]
    met38 = (transfer - start).days <= IPT_INVESTIGATION_LIMIT
    met24 = (stop - transfer).days - adjustment <= IPT_TREATMENT_LIMIT
    table = {  # (62 met, <=38, <=24): row, referring share, treating share
        (True, True, True): (1, 0.5, 0.5), (True, True, False): (2, 0.5, 0.5),
        (True, False, True): (3, 0.0, 1.0), (False, True, False): (4, 0.0, 1.0),
        (False, False, True): (5, 1.0, 0.0), (False, False, False): (6, 0.5, 0.5),
    }
    row, ref_share, treat_share = table.get((within, met38, met24), (0, 0.5, 0.5))
    rule = f"ipt_row_{row}"
    out = []
    if treat_share:
        out.append((treating, treat_share, rule))
    if ref_share:
        out.append((referring, ref_share, rule))
    return out


_PATHWAY_EVENTS = {Event.FIRST_SEEN: first_seen, Event.FDS: fds,
                   Event.FIRST_TREATMENT: first_treatment}


def outcomes(pathways: list[Row], subsequent: list[Row], codes: tuple[str, ...]) -> list[Row]:
    """Every outcome row of the given standards, in no particular order."""
    by_pathway: dict[tuple[str, str], list[Row]] = {}
    for t in subsequent:
        by_pathway.setdefault((t["provider_code"], t["pathway_id"]), []).append(t)
    out: list[Row] = []
    for p in pathways:
        treatments = by_pathway.get((p["provider_code"], p["pathway_id"]), [])
        for code in codes:
            defn = STANDARDS[code]
            if defn.routes is not None and p["referral_route"] not in defn.routes:
                continue
            for part in defn.parts:
                if part.event == Event.SUBSEQUENT_TREATMENT:
                    out += subsequent_treatments(defn, part, p, treatments)
                elif part.event in _PATHWAY_EVENTS:
                    out += _PATHWAY_EVENTS[part.event](defn, part, p)
    return out


def ptl(pathways: list[Row], census: date) -> list[Row]:
    """Open urgent pathways on the census date with days waited, band and backlog flags."""
    out = []
    for p in pathways:
        if p["referral_route"] not in PTL_ROUTES:
            continue
        start = clock_start(p)
        original = (p.get("upgrade_date") if p["referral_route"] == "UPGRADE"
                    else p.get("referral_received_date"))
        if start is not None and start > census:
            start = original  # the DNA reset had not happened yet on the census date
        if start is None or start > census:
            continue
        closed = p.get("pathway_closed_date")
        treated = p.get("first_treatment_date")
        ruled_out = (p.get("diagnosis_communicated_date")
                     if p.get("fds_outcome") == "RULED_OUT" else None)
        if any(d is not None and d <= census for d in (closed, treated, ruled_out)):
            continue
        waited = (census - start).days
        band = ("0-28" if waited <= 28 else "29-62" if waited <= 62
                else "63-104" if waited <= 104 else ">104")
        step, due = next_step(p, start, census)
        out.append({"provider_code": p["provider_code"], "pathway_id": p["pathway_id"],
                    "referral_route": p["referral_route"], "clock_start": start,
                    "days_waited": waited, "band": band,
                    "in_62_day_backlog": waited > 62, "in_104_day_subset": waited > 104,
                    "next_step": step, "diagnosed": diagnosed_by(p, census),
                    "next_step_due": due, "days_to_next_step": (due - census).days})
    return out


def _by(d: date | None, census: date) -> bool:
    return d is not None and d <= census


def next_step(p: Row, start: date, census: date) -> tuple[str, date]:
    """The first step not recorded by the census and the day it is due (platform rule)."""
    recorded = (p.get("first_seen_date"), p.get("diagnosis_communicated_date"),
                p.get("decision_to_treat_date"))
    step = next((s for s, d in zip(NEXT_STEPS, recorded, strict=False)
                 if not _by(d, census)), NEXT_STEPS[-1])
    due = start + timedelta(days=NEXT_STEP_DUE_DAY[step])
    if step == NEXT_STEPS[-1]:
        due = min(due, p["decision_to_treat_date"] + timedelta(days=TREATMENT_AFTER_DTT_DAYS))
    return step, due


def diagnosed_by(p: Row, census: date) -> bool:
    """Cancer confirmed on or before the census (told CONFIRMED, or a diagnosis date)."""
    told = p.get("fds_outcome") == "CONFIRMED" and _by(p.get("diagnosis_communicated_date"),
                                                       census)
    return told or _by(p.get("diagnosis_date"), census)
