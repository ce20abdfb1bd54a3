"""The open-pathway tracking list (PTL) and 62-day backlog on a census date, in ibis.

Implements metrics reference §5 (platform rule): USC, BS, screening and upgrade pathways that
on the census date had started (clock start on or before it) and were not yet treated, told
cancer was ruled out, or closed for any reason. Days waited = census - clock start (C1),
with the A1 DNA reset used once it had happened. Bands ``0-28``, ``29-62``, ``63-104``,
``>104``; the backlog is day 63 on and the long-wait subset day 105 on. The next step, its
due date and whether cancer was diagnosed by the census follow the platform rules
(``NEXT_STEP_DUE_DAY``), as the oracle's ``reference_impl.ptl`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import ibis

from cancer_alliance.metrics import platform_rules as rules
from cancer_alliance.metrics.base import enriched_pathways

PTL_COLUMNS = [
    "provider_code", "pathway_id", "referral_route", "clock_start", "days_waited", "band",
    "in_62_day_backlog", "in_104_day_subset", "suspected_cancer_type", "tumour_group",
    "next_step", "days_to_breach", "transferred", "commissioner_code",
    # appended (issue 16): the contract's columns above keep their order
    "diagnosed", "next_step_due", "days_to_next_step",
]
BANDS = ("0-28", "29-62", "63-104", ">104")


def _by(d: Any, census: Any) -> Any:
    """The event happened on or before the census date."""
    return d.notnull() & (d <= census)


def _ptl_routes(backend: Any) -> ibis.Table:
    p = enriched_pathways(backend)
    return p.filter(p.referral_route.isin(rules.PTL_ROUTES))


def open_on(p: ibis.Table, c: Any) -> ibis.Table:
    """The rows of ``p`` (enriched pathways on the PTL routes) open on census ``c``, with the
    PTL's derived columns: the one statement of the §5 rule.

    ``c`` is a date: a literal (one census) or a column of ``p`` (a pathway joined to every
    census of a calendar, :func:`census_table`), so one census and many use the same words.
    """
    original = ibis.cases((p.referral_route == "UPGRADE", p.upgrade_date),
                          else_=p.referral_received_date)
    start = ibis.cases((_by(p.clock_start, c), p.clock_start), else_=original)
    p = p.mutate(clock_start=start)
    ruled_out = ibis.cases((p.fds_outcome == "RULED_OUT", p.diagnosis_communicated_date),
                           else_=ibis.null("date"))
    p = p.filter(_by(p.clock_start, c) & ~_by(p.pathway_closed_date, c)
                 & ~_by(p.first_treatment_date, c) & ~_by(ruled_out, c))
    waited = c.delta(p.clock_start, unit="day").cast("int32")
    p = p.mutate(days_waited=waited)
    w = p.days_waited
    first, diagnosis, dtt, treatment = rules.NEXT_STEPS
    p = p.mutate(
        band=ibis.cases((w <= 28, "0-28"), (w <= 62, "29-62"), (w <= 104, "63-104"),
                        else_=">104"),
        in_62_day_backlog=w > rules.BACKLOG_AFTER_DAYS,
        in_104_day_subset=w > rules.LONG_WAIT_AFTER_DAYS,
        next_step=ibis.cases(
            (~_by(p.first_seen_date, c), first),
            (~_by(p.diagnosis_communicated_date, c), diagnosis),
            (~_by(p.decision_to_treat_date, c), dtt),
            else_=treatment),
        days_to_breach=(ibis.literal(rules.BACKLOG_AFTER_DAYS) - w).cast("int32"),
        transferred=_by(p.transfer_received_date, c),
        diagnosed=((p.fds_outcome == "CONFIRMED") & _by(p.diagnosis_communicated_date, c))
        .fill_null(False) | _by(p.diagnosis_date, c),
    )
    due = ibis.cases(*((p.next_step == step, _plus(p.clock_start, days))
                       for step, days in rules.NEXT_STEP_DUE_DAY.items()))
    after_dtt = _plus(p.decision_to_treat_date, rules.TREATMENT_AFTER_DTT_DAYS)
    due = ibis.cases((p.next_step == treatment, ibis.least(due, after_dtt)), else_=due)
    return p.mutate(next_step_due=due,
                    days_to_next_step=due.delta(c, unit="day").cast("int32"))


def ptl_table(backend: Any, census: date) -> ibis.Table:
    """Every open pathway on ``census`` with the :data:`PTL_COLUMNS` (plus breakdowns)."""
    return open_on(_ptl_routes(backend), ibis.date(census.isoformat()))


def census_table(backend: Any, censuses: Mapping[str, date]) -> ibis.Table:
    """Every pathway open on each census of ``censuses`` (reporting month -> census date),
    one row per census and pathway, with ``reporting_period`` and ``census_date`` added.

    One set-based query for a whole series: the pathways joined to a calendar of census
    dates, so an engine plans and runs it once instead of once a month (issue 16).
    """
    calendar = ibis.memtable(
        {"reporting_period": list(censuses), "census_date": list(censuses.values())},
        schema={"reporting_period": "string", "census_date": "date"})
    p = _ptl_routes(backend)
    # Which censuses a pathway can be open on, as a range join the engines plan well (an
    # interval join, not a cross product); open_on then applies the rule itself. The
    # bounds only narrow: on the list needs a start (reset or original) on or before the
    # census, and no closing event on or before it.
    original = ibis.cases((p.referral_route == "UPGRADE", p.upgrade_date),
                          else_=p.referral_received_date)
    earliest = ibis.least(p.clock_start, original)
    ruled_out = ibis.cases((p.fds_outcome == "RULED_OUT", p.diagnosis_communicated_date),
                           else_=ibis.null("date"))
    ends = ibis.least(p.pathway_closed_date, p.first_treatment_date, ruled_out)
    p = p.mutate(_earliest=earliest, _ends=ends.coalesce(ibis.date("9999-12-31")))
    j = p.join(calendar, [calendar.census_date >= p._earliest,
                          calendar.census_date < p._ends])
    return open_on(j, j.census_date).drop("_earliest", "_ends")


def _plus(d: Any, days: int) -> Any:
    """``d`` plus a whole number of days (a date)."""
    return (d + ibis.interval(days=days)).cast("date")
