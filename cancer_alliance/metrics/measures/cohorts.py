"""Each measure's cohort as one ibis expression (runs unchanged on DuckDB and Spark).

A cohort is a function ``(backend, pathways)`` where ``pathways`` is
:func:`enriched` (so every breakdown column is there; built once per run and shared by every
measure computed in it), cut down to the measure's denominator, plus:

* ``_date``: the date that puts the row in a reporting period (``period_by``);
* ``_num``: 1 when the row is in the numerator, else 0 (proportion measures);
* ``_stratum``: the follow-up stratum (SFU_MIX only).

The definitions in words are in :mod:`.definitions`; the open choices in :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis

from cancer_alliance.metrics.base import enriched_pathways
from cancer_alliance.metrics.measures import rules


def cancer_diagnosed(p: ibis.Table) -> Any:
    """ICD-10 C00-C97 except C44, with a diagnosis date (rules.CANCER_ICD10_*)."""
    icd = p.primary_diagnosis_icd10.upper()
    three = icd.substr(0, 3)
    return (
        p.diagnosis_date.notnull()
        & (three >= rules.CANCER_ICD10_FIRST)
        & (three <= rules.CANCER_ICD10_LAST)
        & ~three.isin(rules.CANCER_ICD10_EXCLUDED)
    ).fill_null(False)


def enriched(backend: Any) -> ibis.Table:
    """The engine's enriched pathways with ``modality`` (the first treatment's) for breakdowns."""
    p = enriched_pathways(backend)
    return p.mutate(modality=p.first_treatment_modality)


def _with_event(backend: Any, p: ibis.Table, event: str) -> ibis.Table:
    """``p`` with ``_num`` = 1 when the pathway has at least one ``event`` recovery event."""
    ev = backend.table("recovery_events")
    ev = ev.filter(ev.event == event).select(
        _pc=ev.provider_code, _pid=ev.pathway_id
    ).distinct()
    j = p.left_join(ev, (p.provider_code == ev._pc) & (p.pathway_id == ev._pid))
    return j.mutate(_num=ibis.cases((j._pc.notnull(), 1), else_=0)).drop("_pc", "_pid")


def urgent_referrals(backend: Any, p: ibis.Table) -> ibis.Table:
    p = p.filter(p.referral_route.isin(rules.URGENT_ROUTES) & p.referral_received_date.notnull())
    return p.mutate(_date=p.referral_received_date, _num=1)


def conversion_rate(backend: Any, p: ibis.Table) -> ibis.Table:
    p = urgent_referrals(backend, p)
    return p.mutate(_num=cancer_diagnosed(p).cast("int32"))


def _diagnosed(backend: Any, p: ibis.Table) -> ibis.Table:
    return p.filter(cancer_diagnosed(p)).mutate(_date=p.diagnosis_date)


def detection_rate(backend: Any, p: ibis.Table) -> ibis.Table:
    p = _diagnosed(backend, p)
    return p.mutate(_num=p.referral_route.isin(rules.DETECTION_ROUTES).cast("int32"))


def _stageable(backend: Any, p: ibis.Table) -> ibis.Table:
    p = _diagnosed(backend, p)
    stage_out = p.stage_group.isin(rules.STAGES_OUT_OF_BOTH).fill_null(False)
    return p.filter(p.stageable.fill_null(False) & ~stage_out)


def early_stage(backend: Any, p: ibis.Table) -> ibis.Table:
    p = _stageable(backend, p)
    p = p.filter(p.stage_group.isin(rules.KNOWN_STAGES).fill_null(False))
    return p.mutate(_num=p.stage_group.isin(rules.EARLY_STAGES).cast("int32"))


def stage_completeness(backend: Any, p: ibis.Table) -> ibis.Table:
    p = _stageable(backend, p)
    return p.mutate(_num=p.stage_group.isin(rules.KNOWN_STAGES).fill_null(False).cast("int32"))


def _diagnosed_with(event: str) -> Callable[[Any, ibis.Table], ibis.Table]:
    def cohort(backend: Any, p: ibis.Table) -> ibis.Table:
        return _with_event(backend, _diagnosed(backend, p), event)

    cohort.__doc__ = f"Diagnosed in the period; numerator: has a {event} event."
    return cohort


def finishing_treatment(backend: Any, p: ibis.Table) -> ibis.Table:
    """Treated pathways with nothing further waiting, dated by their latest treatment."""
    st = backend.table("subsequent_treatments")
    last = st.group_by(_pc=st.provider_code, _pid=st.pathway_id).aggregate(
        _last=st.treatment_date.max(),
        _waiting=st.treatment_date.isnull().cast("int32").sum(),
    )
    j = p.filter(p.first_treatment_date.notnull())
    j = j.left_join(last, (j.provider_code == last._pc) & (j.pathway_id == last._pid))
    j = j.filter(j._waiting.fill_null(0) == 0)
    end = ibis.cases(
        (j._last.notnull() & (j._last > j.first_treatment_date), j._last),
        else_=j.first_treatment_date,
    )
    return j.mutate(_date=end).drop("_pc", "_pid", "_last", "_waiting")


def treatment_summary(backend: Any, p: ibis.Table) -> ibis.Table:
    event = rules.RECOVERY_EVENT_OF["TREATMENT_SUMMARY_COVERAGE"]
    return _with_event(backend, finishing_treatment(backend, p), event)


def sfu_mix(backend: Any, p: ibis.Table) -> ibis.Table:
    """One row per SFU_ASSIGNED event, with its pathway's breakdown columns."""
    ev = backend.table("recovery_events")
    ev = ev.filter(ev.event == "SFU_ASSIGNED").select(
        _pc=ev.provider_code, _pid=ev.pathway_id, _date=ev.event_date,
        _stratum=ev.follow_up_stratum,
    )
    j = ev.inner_join(p, (ev._pc == p.provider_code) & (ev._pid == p.pathway_id))
    return j.drop("_pc", "_pid").mutate(_num=1)


def survival_cohort(backend: Any, p: ibis.Table) -> ibis.Table:
    """Diagnosed cancers with their date of death (if any) from ``deaths``."""
    p = _diagnosed(backend, p)
    d = backend.table("deaths").select(_nhs="nhs_number", date_of_death="date_of_death")
    j = p.left_join(d, p.nhs_number == d._nhs).drop("_nhs")
    return j


#: Measure code -> its cohort.
COHORTS: dict[str, Callable[[Any, ibis.Table], ibis.Table]] = {
    "URGENT_REFERRALS": urgent_referrals,
    "CONVERSION_RATE": conversion_rate,
    "DETECTION_RATE": detection_rate,
    "EARLY_STAGE": early_stage,
    "STAGE_COMPLETENESS": stage_completeness,
    **{code: _diagnosed_with(rules.RECOVERY_EVENT_OF[code])
       for code in ("HNA_COVERAGE", "CARE_PLAN_COVERAGE", "CANCER_CARE_REVIEW_COVERAGE")},
    "TREATMENT_SUMMARY_COVERAGE": treatment_summary,
    "SFU_MIX": sfu_mix,
    "ONE_YEAR_SURVIVAL_OBSERVED": survival_cohort,
}
