"""The one enriched view of pathways that every standard and measure is written against.

``enriched_pathways(backend)`` returns the stored ``pathways`` table with the columns the
definitions and breakdowns need derived once, in ibis, so they are computed the same way
on DuckDB and on Spark:

* ``tumour_group``, ``rare_less_common``, ``stageable``: from ``primary_diagnosis_icd10``
  through the ``icd10_tumour_groups`` reference table, the *longest* matching prefix wins
  (dots ignored, so ``C50.9`` matches ``C509``, ``C50`` or ``C50.9``);
* ``age_at_referral`` (whole years at the clock-start event) and ``age_band``;
* ``ethnic_group`` from the dataset's category-to-group map;
* ``imd_quintile`` from ``lsoa_imd`` (null when that lookup has not been loaded);
* ``alliance_code`` of the submitting provider, from ``organisations``;
* ``clock_start``: the route's clock start with the A1 DNA reset applied
  (metrics reference §0 A1, §2.3): the upgrade date for ``UPGRADE`` (reset only when the
  upgrade was on or before the first-seen date and the reset is after the upgrade, since
  an adjustment only shortens a wait), else the referral date, replaced by
  ``first_seen_clock_reset_date`` when one is recorded.
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis import _

from cancer_alliance.dataset import codes

AGE_BANDS = (("0-24", 0), ("25-49", 25), ("50-64", 50), ("65-74", 65), ("75-84", 75),
             ("85+", 85))

#: Longest normalised ICD-10 code (letter, 2 digits, up to 2 more characters, no dot).
_ICD10_MAX = 5


def _norm_icd10(col: ibis.expr.types.StringValue) -> ibis.expr.types.StringValue:
    return col.replace(".", "").upper()


def whole_years(born: Any, on: Any) -> Any:
    """Completed years between two dates (age on ``on`` of someone born on ``born``)."""
    before_birthday = (on.month() * 100 + on.day()) < (born.month() * 100 + born.day())
    return on.year() - born.year() - before_birthday.cast("int32")


def age_band(age: Any) -> Any:
    """The age band label of an age in years."""
    case = ibis.cases(
        *((age >= lower, label) for label, lower in reversed(AGE_BANDS)),
        else_=ibis.null("string"),
    )
    return case


def ethnic_group(category: Any) -> Any:
    """The broad ethnic group of an NHS ethnic category code; blank means not known."""
    return category.substitute(
        codes.ETHNIC_GROUP_OF_CATEGORY, else_=ibis.literal("Not known")
    ).fill_null("Not known")


def route_clock_start(p: ibis.Table) -> Any:
    """Clock start of the 2WW, FDS and 62-day clocks (A1 reset-aware, route-aware)."""
    reset = p.first_seen_clock_reset_date
    # The reset may only shorten the wait: a reset date on or before the upgrade date (the
    # DNA happened on the routine pathway) leaves the upgrade date as the clock start.
    upgrade_reset_allowed = (
        reset.notnull() & p.first_seen_date.notnull() & (p.upgrade_date <= p.first_seen_date)
        & (reset > p.upgrade_date)
    )
    return ibis.cases(
        (p.referral_route == "UPGRADE",
         ibis.cases((upgrade_reset_allowed, reset), else_=p.upgrade_date)),
        else_=reset.coalesce(p.referral_received_date),
    )


def _tumour_group_lookup(backend: Any) -> ibis.Table:
    """icd10_tumour_groups with normalised prefixes and their group's flags."""
    m = backend.table("icd10_tumour_groups")
    g = backend.table("tumour_groups")
    m = m.select(prefix=_norm_icd10(m.icd10_prefix), tumour_group=m.tumour_group)
    return m.left_join(g, m.tumour_group == g.tumour_group).select(
        m.prefix, m.tumour_group, g.rare_less_common, g.stageable
    )


def enriched_pathways(backend: Any) -> ibis.Table:
    """One row per stored pathway: the dataset columns plus the derived columns above.

    Written as one chain of left joins and a single projection, so the SQL stays small and
    both engines plan it quickly.
    """
    p = backend.table("pathways")
    icd = _norm_icd10(p.primary_diagnosis_icd10)
    lookup = _tumour_group_lookup(backend)
    imd = backend.table("lsoa_imd").select(_lsoa=_.lsoa_code, _imd=_.imd_quintile)
    orgs = backend.table("organisations").select(_org=_.org_code, _alliance=_.alliance_code)

    # Longest prefix wins: one equi-join per prefix length (fast on both engines, unlike a
    # LIKE join); the longest length that matched is taken.
    lengths = range(_ICD10_MAX, 0, -1)
    parts = {}
    chain = p
    for n in lengths:
        lk = lookup.filter(lookup.prefix.length() == n).select(
            **{f"_k{n}": _.prefix, f"_tg{n}": _.tumour_group,
               f"_rl{n}": _.rare_less_common, f"_st{n}": _.stageable})
        parts[n] = lk
        chain = chain.left_join(lk, icd.substr(0, n) == lk[f"_k{n}"])
    chain = chain.left_join(imd, p.lsoa_code == imd._lsoa)
    chain = chain.left_join(orgs, p.provider_code == orgs._org)

    def longest(prefix: str) -> Any:
        return ibis.coalesce(*(parts[n][f"{prefix}{n}"] for n in lengths))

    age = whole_years(
        p.date_of_birth,
        ibis.coalesce(p.referral_received_date, p.upgrade_date, p.decision_to_treat_date))
    return chain.select(
        *[p[c] for c in p.columns],
        tumour_group=longest("_tg"),
        rare_less_common=longest("_rl"),
        stageable=longest("_st"),
        clock_start=route_clock_start(p),
        age_at_referral=age,
        age_band=age_band(age),
        ethnic_group=ethnic_group(p.ethnic_category),
        imd_quintile=imd._imd,
        alliance_code=orgs._alliance,
    )
