"""Breakdowns: the one parser of ``by`` (``--by provider,month``) and of ``filters``.

Standards (:func:`cancer_alliance.metrics.compute_metrics`), measures
(:func:`cancer_alliance.metrics.measures.compute_measure`) and published data
(:func:`cancer_alliance.published.published_metrics`) all accept the same shape: a list (or
comma-separated text) of group columns and at most one time grain of
:data:`cancer_alliance.dataset.periods.GRAINS`, and filters mapping a group column to a
value or a list of values. Each caller says which columns it offers (they differ: published
files have no age band) and may add short names; the parsing, the alias look-up and the
errors are here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError

#: Short names accepted for dataset columns and grains (``--by provider,fy``).
ALIASES: Mapping[str, str] = MappingProxyType({
    "provider": "provider_code", "commissioner": "commissioner_code",
    "alliance": "alliance_code", "route": "referral_route", "fy": "financial_year",
    "cancer_type": "suspected_cancer_type",
    "ethnicity": "ethnic_group", "imd": "imd_quintile", "rare": "rare_less_common",
})


@dataclass(frozen=True)
class Vocabulary:
    """The group columns one kind of figure offers, with its short names.

    ``subject`` names the figures in messages ("a standard", "a measure", "published data").
    """

    subject: str
    columns: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=lambda: ALIASES)

    def name(self, item: str) -> str:
        """The column (or grain) a name or short name stands for."""
        item = item.strip()
        return self.aliases.get(item, item)

    def parse_by(self, by: Sequence[str] | str | None) -> tuple[list[str], str | None]:
        """``(group columns in order, without repeats; time grain or None)``.

        A UsageError for a name that is neither an offered column nor a grain, or for two
        grains (a figure is by month *or* by quarter).
        """
        if by is None:
            return [], None
        items = [b for b in (by.split(",") if isinstance(by, str) else by) if b.strip()]
        groups: list[str] = []
        grain = None
        for raw in items:
            item = self.name(raw)
            if item in periods.GRAINS:
                if grain is not None and grain != item:
                    raise UsageError(f"by names two time grains ({grain}, {item}); use one")
                grain = item
            elif item in self.columns:
                if item not in groups:
                    groups.append(item)
            else:
                raise UsageError(f"cannot break {self.subject} down by {raw.strip()!r}; use "
                                 f"any of {', '.join((*self.columns, *periods.GRAINS))}")
        return groups, grain

    def filters(self, filters: Mapping[str, Any] | None) -> dict[str, list]:
        """``{column: [values]}`` from filters naming columns (or short names) and a value,
        or a list, tuple or set of values; a UsageError for a column not offered."""
        out: dict[str, list] = {}
        for key, value in (filters or {}).items():
            col = self.name(key)
            if col not in self.columns:
                raise UsageError(f"cannot filter {self.subject} on {key!r}; use any of "
                                 f"{', '.join(self.columns)}")
            out[col] = list(value) if isinstance(value, list | tuple | set) else [value]
        return out

    def filter(self, table: Any, filters: Mapping[str, Any] | None,
               column_of: Mapping[str, str] | None = None) -> Any:
        """``table`` (an ibis table or a pandas frame) keeping rows whose column is one of
        the filter's values, for every filter. ``column_of`` maps a group name to the
        table's column where they differ (``provider_code`` -> the accountable provider)."""
        for col, values in self.filters(filters).items():
            column = table[(column_of or {}).get(col, col)]
            keep = column.isin(values)
            table = table[keep] if hasattr(table, "loc") else table.filter(keep)
        return table

    def names(self, filters: Mapping[str, Any] | None) -> list[str]:
        """The columns ``filters`` names (short names resolved), without checking them."""
        return [self.name(k) for k in (filters or {})]

