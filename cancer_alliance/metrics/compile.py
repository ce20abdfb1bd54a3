"""Turning a :class:`StandardDefinition` into an ibis table of per-pathway outcomes.

One row per pathway (or per subsequent treatment) per standard per accountable provider,
with the columns of the ``outcomes`` contract (:data:`OUTCOME_COLUMNS`) followed by the
breakdown columns the aggregates group by (:data:`BREAKDOWN_COLUMNS`). Nothing here names an
engine: the same expression runs on DuckDB and on Spark, and what differs between them
(pinning a run's inputs, exposing compiled SQL) is behind :func:`.engines.engine_for`.
Every branch reads a typed field of the definition (:class:`.definition.Event`,
:class:`.definition.Attribution`, ...), never its words.

Rules applied (metrics reference): C1 days = stop - start - adjustment, C2 within when days
<= limit, C4 reporting month of the clock stop, C5 era by clock-stop date, C6 open pathways
left out, A1 through ``clock_start`` (see :mod:`.base`), A2 through the treatment adjustment,
and §4 inter-provider allocation with 0.5 shares.
"""

from __future__ import annotations

import functools
from typing import Any

import ibis

from cancer_alliance.metrics import platform_rules as rules
from cancer_alliance.metrics.base import enriched_pathways
from cancer_alliance.metrics.definition import (
    Attribution,
    ClockStart,
    Era,
    Event,
    Part,
    StandardDefinition,
)
from cancer_alliance.metrics.engines import engine_for
from cancer_alliance.metrics.standards import STANDARDS

OUTCOME_COLUMNS = [
    "standard", "provider_code", "pathway_id", "treatment_number", "included",
    "exclusion_reason", "era", "clock_start", "clock_stop", "adjustment_days", "days",
    "limit_days", "outcome", "reporting_period", "accountable_provider_code", "share",
    "allocation_rule",
]
BREAKDOWN_COLUMNS = [
    "commissioner_code", "tumour_group", "rare_less_common", "suspected_cancer_type",
    "referral_route", "modality", "age_band", "sex", "ethnic_group", "imd_quintile",
    "alliance_code",
]
WIDE_COLUMNS = OUTCOME_COLUMNS + BREAKDOWN_COLUMNS
#: Breakdown columns the rules themselves read (route filters, the rare-cancer limit).
RULE_BREAKDOWNS = ("referral_route", "suspected_cancer_type")
#: The pathway columns the rules read; only these travel through the plan (narrow plans are
#: much quicker for Spark to analyse).
RULE_COLUMNS = [
    "provider_code", "pathway_id", "clock_start", "decision_to_treat_date",
    "diagnosis_communicated_date", "fds_exclusion", "fds_outcome", "first_seen_date",
    "first_seen_provider_code", "first_treatment_date", "first_treatment_modality",
    "first_treatment_provider_code", "pathway_closed_date", "primary_diagnosis_icd10",
    "treatment_adjustment_days", "transfer_from_provider_code", "transfer_received_date",
]

_SCHEMA = {
    "standard": "string", "provider_code": "string", "pathway_id": "string",
    "treatment_number": "int32", "included": "boolean", "exclusion_reason": "string",
    "era": "string", "clock_start": "date", "clock_stop": "date", "adjustment_days": "int32",
    "days": "int32", "limit_days": "int32", "outcome": "string", "reporting_period": "string",
    "accountable_provider_code": "string", "share": "float64", "allocation_rule": "string",
    "commissioner_code": "string", "tumour_group": "string", "rare_less_common": "boolean",
    "suspected_cancer_type": "string", "referral_route": "string", "modality": "string",
    "age_band": "string", "sex": "string", "ethnic_group": "string", "imd_quintile": "int32",
    "alliance_code": "string",
}


def _days(stop: Any, start: Any) -> Any:
    """Calendar days from ``start`` to ``stop`` (C1: the start day is day 0)."""
    return stop.delta(start, unit="day").cast("int32")


def _earlier(a: Any, b: Any) -> Any:
    """The earlier of two dates, either of which may be missing."""
    return ibis.cases((a.isnull(), b), (b.isnull(), a), (b < a, b), else_=a)


def _era_filter(defn: StandardDefinition, era_date: Any) -> Any:
    change = ibis.date(rules.ERA_CHANGE.isoformat())
    if defn.era == Era.PRE_2023:
        return era_date < change
    if defn.era == Era.FROM_2023:
        return era_date >= change
    return ibis.literal(True)


def _cancer_diagnosed(p: ibis.Table) -> Any:
    return (
        p.first_treatment_date.notnull()
        | p.primary_diagnosis_icd10.notnull()
        | (p.fds_outcome == "CONFIRMED")
    )


def _pathway_events(defn: StandardDefinition, part: Part, p: ibis.Table) -> ibis.Table:
    """Rows for a pathway-level event: first seen, FDS or first treatment."""
    if defn.routes is not None:
        p = p.filter(p.referral_route.isin(defn.routes))
    if part.event == Event.FIRST_TREATMENT:
        p = p.filter(_cancer_diagnosed(p))
    start = p.clock_start if part.start == ClockStart.ROUTE else p.decision_to_treat_date
    if part.event == Event.FIRST_SEEN:
        stop = p.first_seen_date
        missing_stop = "not_first_seen"
        natural = p.first_seen_provider_code.coalesce(p.provider_code)
    elif part.event == Event.FDS:
        stop = _earlier(p.diagnosis_communicated_date, p.decision_to_treat_date)
        missing_stop = "missing_clock_stop"
        natural = p.provider_code
    else:
        stop = p.first_treatment_date
        missing_stop = "no_first_treatment"
        natural = p.first_treatment_provider_code.coalesce(p.provider_code)

    exclusions = []
    if part.event == Event.FDS:
        exclusions.append((p.fds_exclusion.isin(rules.FDS_EXCLUDING_VALUES),
                           ibis.literal("fds_exclusion_") + p.fds_exclusion))
    # A pathway that closed without its clock-stop event is excluded for that reason first:
    # a missing start (e.g. no decision to treat) is then a consequence, not the cause.
    exclusions.append((stop.isnull(), ibis.literal(missing_stop)))
    exclusions.append((start.isnull(), ibis.literal("missing_clock_start")))
    adjustment = (p.treatment_adjustment_days.coalesce(0) if part.adjust_a2
                  else ibis.literal(0)).cast("int32")
    limit = ibis.literal(defn.limit_days)
    if defn.rare_types:
        limit = ibis.cases((p.suspected_cancer_type.isin(defn.rare_types),
                            ibis.literal(defn.rare_limit_days)), else_=limit)
    return p.mutate(
        _start=start, _stop=stop, _era_date=stop.coalesce(p.pathway_closed_date),
        _exclusion=ibis.cases(*exclusions, else_=ibis.null("string")),
        _adjustment=adjustment, _limit=limit.cast("int32"), _natural=natural,
        treatment_number=ibis.literal(1).cast("int32"),
        modality=p.first_treatment_modality,
    )


def _subsequent_events(defn: StandardDefinition, part: Part, p: ibis.Table,
                       s: ibis.Table) -> ibis.Table:
    """Rows for subsequent treatments (one per treatment), with their pathway's columns."""
    if defn.routes is not None:
        p = p.filter(p.referral_route.isin(defn.routes))
    if part.modalities is not None:
        s = s.filter(s.modality.isin(part.modalities))
    s = s.select(
        _sp=s.provider_code, _sid=s.pathway_id, treatment_number=s.treatment_number,
        _sdtt=s.decision_to_treat_date, _sdate=s.treatment_date,
        _sprov=s.treatment_provider_code, _smod=s.modality, _sadj=s.adjustment_days,
    )
    j = s.join(p, [s._sp == p.provider_code, s._sid == p.pathway_id])
    exclusions = []
    if part.excluded_modalities:
        exclusions.append((j._smod.isin(part.excluded_modalities),
                           ibis.literal("subsequent_") + j._smod.lower() + "_not_counted"))
    exclusions.append((j._sdtt.isnull(), ibis.literal("missing_clock_start")))
    adjustment = (j._sadj.coalesce(0) if part.adjust_a2 else ibis.literal(0)).cast("int32")
    return j.mutate(
        _start=j._sdtt, _stop=j._sdate, _era_date=j._sdate,
        _exclusion=ibis.cases(*exclusions, else_=ibis.null("string")),
        _adjustment=adjustment, _limit=ibis.literal(defn.limit_days).cast("int32"),
        _natural=j._sprov.coalesce(j.provider_code),
        treatment_number=j.treatment_number.cast("int32"), modality=j._smod,
    )


def _common(defn: StandardDefinition, u: ibis.Table) -> dict[str, Any]:
    """The outcome columns every attribution shares, built on table ``u``."""
    change = ibis.date(rules.ERA_CHANGE.isoformat())
    return dict(
        standard=ibis.literal(defn.code), provider_code=u.provider_code,
        pathway_id=u.pathway_id, treatment_number=u.treatment_number, included=u._included,
        exclusion_reason=u._exclusion,
        era=ibis.cases((u._era_date < change, ibis.literal("pre_2023")),
                       else_=ibis.literal("from_2023")),
        clock_start=u._start, clock_stop=u._stop, adjustment_days=u._adjustment,
        days=u._days, limit_days=u._limit, outcome=u._outcome,
        reporting_period=u._era_date.strftime("%Y-%m"),
        **{c: u[c] if c in u.columns else ibis.null(_SCHEMA[c]) for c in BREAKDOWN_COLUMNS},
    )


def _finish(defn: StandardDefinition, t: ibis.Table) -> ibis.Table:
    """Era filter, days, outcome and provider attribution for a stream of events."""
    t = t.filter(t._era_date.notnull() & _era_filter(defn, t._era_date))
    included = t._exclusion.isnull()
    days = ibis.cases((included, _days(t._stop, t._start) - t._adjustment),
                      else_=ibis.null("int32"))
    t = t.mutate(_included=included, _days=days)
    t = t.mutate(_outcome=ibis.cases(
        (t._included & (t._days <= t._limit), ibis.literal("within")),
        (t._included, ibis.literal("breach")), else_=ibis.null("string")))
    if defn.attribution != Attribution.INTER_PROVIDER_TRANSFER:
        rule = defn.attribution.allocation_rule
        out = t.select(**_common(defn, t), accountable_provider_code=t._natural,
                       share=ibis.literal(1.0),
                       allocation_rule=ibis.cases((t._included, ibis.literal(rule)),
                                                  else_=ibis.null("string")))
        return _typed(out)
    return _ipt_split(defn, t)


def referring_provider(t: ibis.Table) -> Any:
    """§4: the referring provider is the transferring one, else where the patient was first
    seen (null when neither is known)."""
    return t.transfer_from_provider_code.coalesce(t.first_seen_provider_code)


def transfer_phase_days(transfer: Any, start: Any, stop: Any, adjustment: Any) -> tuple[Any, Any]:
    """§4: days of the 38-day investigative phase (transfer - clock start) and of the 24-day
    treatment phase (treatment - transfer - A2 adjustment). They add up to the 62-day wait."""
    return _days(transfer, start), _days(stop, transfer) - adjustment


def transfer_phases_met(transfer: Any, start: Any, stop: Any, adjustment: Any
                        ) -> tuple[Any, Any]:
    """Whether each §4 phase was within its limit (38 and 24 days, platform rules)."""
    p38, p24 = transfer_phase_days(transfer, start, stop, adjustment)
    return p38 <= rules.IPT_INVESTIGATION_LIMIT, p24 <= rules.IPT_TREATMENT_LIMIT


def _ipt_split(defn: StandardDefinition, t: ibis.Table) -> ibis.Table:
    """§4: the referring and treating providers' shares of a 62-day result.

    The 38-day phase is transfer - clock start (the A1 reset is already in the clock start);
    the 24-day phase is treatment - transfer - A2 days. The two phases add up to the 62-day
    wait, so the six rows of the table are the only combinations that can occur.
    """
    refer = referring_provider(t)
    treat = t._natural
    single = refer.isnull() | (refer == treat) | ~t._included
    no_date = t.transfer_received_date.isnull()
    m38, m24 = transfer_phases_met(t.transfer_received_date, t._start, t._stop, t._adjustment)
    m62 = t._outcome == "within"
    row = ibis.cases(
        (m62 & m38 & m24, 1), (m62 & m38 & ~m24, 2), (m62 & ~m38 & m24, 3),
        (~m62 & m38 & ~m24, 4), (~m62 & ~m38 & m24, 5), (~m62 & ~m38 & ~m24, 6), else_=0,
    )
    treat_share = ibis.cases(
        (single, 1.0), (no_date, 0.5), (row.isin([3, 4]), 1.0), (row == 5, 0.0), else_=0.5,
    )
    rule = ibis.cases(
        (~t._included, ibis.null("string")),
        (single, ibis.literal("single_provider")),
        (no_date, ibis.literal("ipt_no_transfer_date")),
        else_=ibis.literal("ipt_row_") + row.cast("string"),
    )
    t = t.mutate(_refer=refer, _treat=treat, _treat_share=treat_share, _single=single,
                 _rule=rule)
    treating = t.filter(t._treat_share > 0)
    treating = treating.select(
        **_common(defn, treating), accountable_provider_code=treating._treat,
        share=treating._treat_share, allocation_rule=treating._rule)
    referring = t.filter(~t._single & (t._treat_share < 1.0))
    referring = referring.select(
        **_common(defn, referring), accountable_provider_code=referring._refer,
        share=1.0 - referring._treat_share, allocation_rule=referring._rule)
    return _typed(treating).union(_typed(referring))


def _typed(t: ibis.Table) -> ibis.Table:
    return t.select(**{c: t[c].cast(_SCHEMA[c]) for c in WIDE_COLUMNS})


def standard_outcomes(defn: StandardDefinition, pathways: ibis.Table,
                      subsequent: ibis.Table) -> ibis.Table:
    """The wide outcome rows of one completed-waits standard."""
    if defn.era == Era.OPEN:
        raise ValueError(f"{defn.code} is about open pathways: use ptl()")
    pieces = []
    for part in defn.parts:
        if part.event == Event.SUBSEQUENT_TREATMENT:
            events = _subsequent_events(defn, part, pathways, subsequent)
        else:
            events = _pathway_events(defn, part, pathways)
        pieces.append(_finish(defn, events))
    out = pieces[0]
    for more in pieces[1:]:
        out = out.union(more)
    return out


#: Names of the per-run inputs every standard reads (temporary tables or views).
PINNED_PATHWAYS = "_metrics_pathways"
PINNED_SUBSEQUENT = "_metrics_subsequent"
OUTCOMES_VIEW = "_metrics_outcomes"


def pin_inputs(backend: Any, providers: list[str] | None = None,
               materialise: bool = True, breakdowns: tuple[str, ...] | None = None) -> None:
    """Compute the enriched pathways once per run (a temporary table or a cached view, as
    the engine does it), with the subsequent treatments beside them.

    Every standard then reads these two small-schema inputs, so its SQL is compact and can
    be compiled once per process (:func:`_standards_sql`).
    """
    engine = engine_for(backend)
    key = (None if providers is None else tuple(providers), breakdowns)
    # Many standards read the pathways many times: materialise them once. One standard
    # reads them once: a view costs nothing to create.
    engine.pin(PINNED_PATHWAYS, lambda: _inputs(backend, providers, breakdowns)[0], key,
               materialise)
    engine.pin(PINNED_SUBSEQUENT, lambda: _inputs(backend, providers, breakdowns)[1], key,
               False)


def _inputs(backend: Any, providers, breakdowns=None) -> tuple[ibis.Table, ibis.Table]:
    p = enriched_pathways(backend)
    wanted = [c for c in BREAKDOWN_COLUMNS if c != "modality"
              and (breakdowns is None or c in breakdowns or c in RULE_BREAKDOWNS)]
    p = p.select(*RULE_COLUMNS, *wanted)
    s = backend.table("subsequent_treatments")
    if providers is not None:
        p = p.filter(p.provider_code.isin(list(providers)))
        s = s.filter(s.provider_code.isin(list(providers)))
    return p, s


@functools.lru_cache(maxsize=64)
def _standards_sql(dialect: str, codes: tuple[str, ...], p_schema: tuple, s_schema: tuple
                   ) -> str:
    """The SQL of the wide outcome rows of ``codes``, compiled once per process."""
    p = ibis.table(ibis.schema(dict(p_schema)), name=PINNED_PATHWAYS)
    s = ibis.table(ibis.schema(dict(s_schema)), name=PINNED_SUBSEQUENT)
    tables = [standard_outcomes(STANDARDS[c], p, s) for c in codes]
    out = tables[0]
    for more in tables[1:]:
        out = out.union(more)
    return ibis.to_sql(out.select(*WIDE_COLUMNS), dialect=dialect)


def _schema_key(backend: Any, name: str) -> tuple:
    return tuple((k, str(v)) for k, v in backend.table(name).schema().items())


def outcomes_table(backend: Any, codes: list[str] | tuple[str, ...],
                   providers: list[str] | None = None,
                   breakdowns: tuple[str, ...] | None = None) -> ibis.Table:
    """The wide outcome rows of the given standards, optionally for some providers only.

    ``breakdowns`` names the breakdown columns the caller will group or filter by; the
    others come back null, which spares deriving them (the tumour-group and deprivation
    joins) for every pathway. ``None`` derives them all.
    """
    pin_inputs(backend, providers, materialise=len(codes) > 1, breakdowns=breakdowns)
    engine = engine_for(backend)
    sql = _standards_sql(engine.dialect, tuple(codes), _schema_key(backend, PINNED_PATHWAYS),
                         _schema_key(backend, PINNED_SUBSEQUENT))
    # Expose the SQL as a temporary view: ibis then compiles only what is stacked on top
    # (filters, group-bys), instead of re-parsing the whole definition text every time.
    # Engines type a literal 1.0 as a decimal: state the share's type once, here.
    cols = ", ".join("CAST(share AS DOUBLE) AS share" if c == "share" else c
                     for c in WIDE_COLUMNS)
    return engine.expose(OUTCOMES_VIEW, f"SELECT {cols} FROM ({sql}) AS outcomes")
