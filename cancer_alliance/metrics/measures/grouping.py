"""How a measure is grouped, filtered and labelled by period (shared by every measure).

The grouping vocabulary and period labels are the metrics engine's (``provider_code``,
``commissioner_code``, ``tumour_group``, ... and ``month`` ``YYYY-MM``, ``quarter``
``YYYY-Qn``, ``financial_year`` ``YYYY/YY``), so a measure and a standard line up in the
same table. Used by :mod:`.compute` (counts and proportions) and :mod:`.survival` alike, so
neither imports the other's helpers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import pandas as pd

from cancer_alliance.dataset import periods
from cancer_alliance.dataset.breakdowns import Vocabulary

#: Breakdown columns a measure can be grouped or filtered by (dataset names).
GROUP_COLUMNS = (
    "provider_code", "commissioner_code", "alliance_code", "tumour_group", "rare_less_common",
    "suspected_cancer_type", "referral_route", "modality", "age_band", "sex", "ethnic_group",
    "imd_quintile", "stage_group",
)
PROPORTION_COLUMNS = ["numerator", "denominator", "value"]
#: What a measure can be broken down and filtered by (parsed in one place).
BREAKDOWNS = Vocabulary("a measure", GROUP_COLUMNS)


def parse_by(by: Sequence[str] | str | None) -> tuple[list[str], str | None]:
    """(group columns, time grain or None) from ``("provider_code", "month")`` or a string."""
    return BREAKDOWNS.parse_by(by)


def apply_filters(t: ibis.Table, filters: Mapping[str, Any] | None) -> ibis.Table:
    """Keep rows whose column equals the value (or is in the list) for every filter."""
    return BREAKDOWNS.filter(t, filters)


def period_filter(t: ibis.Table, period: Any) -> ibis.Table:
    """Keep rows whose ``_date`` falls in the month or YYYY-MM..YYYY-MM range."""
    rng = periods.month_range(period)
    if rng is None:
        return t
    first = periods.first_day(rng[0])
    last = periods.month_end(rng[1])
    return t.filter((t._date >= first) & (t._date <= last))


def label_periods(df: pd.DataFrame, grain: str | None) -> pd.DataFrame:
    """Turn the engine's ``_month`` (YYYY-MM) into the ``period`` label of ``grain``."""
    if df.empty:
        return df.assign(period=pd.Series(dtype="object"))
    if grain is None:
        first, last = df["_month"].min(), df["_month"].max()
        return df.assign(period=first if first == last else f"{first}..{last}")
    return df.assign(period=df["_month"].map(lambda m: periods.label(m, grain)))
