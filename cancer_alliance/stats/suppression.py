"""Small-number protection for every figure a public or board user can see.

Platform rule (metrics reference §8, after NHS Digital's HES/ECDS disclosure control):

* National figures (``national=True``) are shown as they are.
* Below national level, a count above 0 and below 7.5 is suppressed (``<NA>``, shown
  ``*``); any larger count is rounded to the nearest 5, halves up (8 → 10, 12.5 → 15).
  0 stays 0 (the reference marks this UNCERTAIN; we believe NHS Digital shows 0).
  Fractional counts (the 0.5 inter-provider shares) are summed first and protected
  once, so 7.5 shares round to 10 and 7 shares are suppressed.
* Percentages, and every statistic derived from counts (SPC verdicts, funnel positions,
  variation icons, met / not met), are computed from the *true* counts, never from the
  rounded or suppressed ones; protection then decides only what may be *shown*. A
  percentage is withheld (shown ``*``) when its numerator, its denominator or their
  difference (the breaches beside the "within") is above 0 and below 7.5, or when a cell
  it is derived from was hidden by secondary suppression; otherwise it is shown rounded
  for display: 1 decimal place when the protected denominator is 4,000 or more,
  otherwise none. This departs from NHS Digital's wording in metrics reference §8
  ("percentages are calculated from the protected figures") on purpose: 10/15 = 67% on a
  tile whose truth is 8/17 = 47% is a distortion, not protection (issue 13, part 4;
  ``docs/explanation/statistics.md``). The difference rule is what keeps the true
  percentage from giving a small count away (19 of 20 shown as 95% reveals 1 breach).
* Secondary suppression: wherever a total is shown beside its parts (a column's parts
  and the total row, or a row's parts and its total column), a line with exactly one
  suppressed cell (a part, or the total itself) would let anyone recover it by
  subtraction or addition, so the smallest visible part is suppressed too (a non-zero
  one by preference), or the total if there is none. This repeats until no line has
  exactly one suppressed cell. This is the usual per-line rule; we do not run a full
  linear-programming audit across lines, and rounding to 5 blurs what any combination
  of lines could reveal.
* Margins published elsewhere: a table broken down by two or more groups (say phase and
  provider) has margins that other breakdowns publish (the provider-only table, the
  phase-only table). Each margin is another line, ``sum(cells sharing those group
  values) = margin``, whose total is known even though this table does not show it, so
  the same per-line rule runs on those lines too. Otherwise a lone hidden cell in one
  provider's row could be recovered as "that provider's total minus its other phases".
  A margin made of a single cell cannot be protected from here (the other table shows
  that cell's value); a primary-suppressed cell is safe there anyway, since the margin
  has the same value and is suppressed in its own table.

Written by hand because no maintained Python library implements this method. The web
layer, reports and downloads call :func:`protect_table` for *every* public or board
table; it always starts again from raw counts and the same rules, so choosing another
breakdown or a download cannot reveal a small count. :func:`assert_protected` lets an
output path refuse a table that did not come through here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from cancer_alliance.errors import UsageError

SUPPRESS_BELOW = 7.5  # counts above 0 and below this are suppressed ("1 to 7")
ROUND_TO = 5
ONE_DP_FROM = 4000  # percentages get 1 decimal place from this protected denominator
SUPPRESSED = "*"
TOTAL_LABEL = "Total"
PROTECTED_ATTR = "small_number_protected"


def protect_count(value: float | None, national: bool = False) -> float | None:
    """One count after protection: ``None`` if suppressed, else the figure to show."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    v = float(value)
    if v < 0:
        raise UsageError(f"count {value!r} is negative; only counts can be protected")
    if national:
        return v
    if v == 0:
        return 0
    if v < SUPPRESS_BELOW:
        return None
    return int(math.floor(v / ROUND_TO + 0.5) * ROUND_TO)


def _small(value: float) -> bool:
    """A count that primary suppression hides: above 0 and below 7.5."""
    return 0 < value < SUPPRESS_BELOW


def protect_percentage(
    numerator: float | None, denominator: float | None, hidden: bool = False
) -> float | None:
    """The percentage to show for *true* counts ``numerator / denominator``, or ``None``.

    Computed on the true counts and rounded for display only (see the module docstring):
    withheld when either count or their difference is a small count, when ``hidden``
    (a cell it is derived from was hidden by secondary suppression), or when the
    denominator is 0.
    """
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return None
    num, den = float(numerator), float(denominator)
    if hidden or den <= 0:
        return None
    if _small(num) or _small(den) or _small(den - num):
        return None
    shown_den = protect_count(den)
    digits = 1 if shown_den is not None and shown_den >= ONE_DP_FROM else 0
    return round(100 * num / den, digits)


def protect_ratio(count: float | None, measure: float | None) -> float | None:
    """The *true* ratio ``count / measure`` of a protected count to a figure that is not a
    count of patients (capacity in tests or sessions), or ``None`` when it may not be shown.

    ``measure`` is shown exactly beside it, so the ratio times the measure gives the count
    back: the ratio is withheld wherever :func:`protect_count` suppresses the count (above
    0 and below 7.5), as a percentage is withheld when its numerator is small. A count it
    would only round is not hidden by rounding the ratio either: like a percentage, the
    ratio is computed on the truth (issue 13, part 4). ``None`` also when ``measure`` is 0
    or missing.
    """
    if count is None or measure is None or pd.isna(count) or pd.isna(measure):
        return None
    if float(measure) <= 0 or protect_count(count) is None:
        return None
    return float(count) / float(measure)


def display(value: float | None) -> str:
    """How a protected figure is printed: ``*`` when suppressed."""
    if value is None or pd.isna(value):
        return SUPPRESSED
    return f"{value:g}" if isinstance(value, float) else str(value)


Cell = tuple[int, int]
Line = tuple[list[Cell], Cell | None]


def _secondary(raw: np.ndarray, hidden: np.ndarray, lines: list[Line]) -> np.ndarray:
    """Grow ``hidden`` until no line (parts plus total) has exactly one hidden cell.

    A line is the equation ``sum(parts) = total``: with one unknown it can be solved, with
    two or more it cannot. The cell added is the smallest visible non-zero part, else a
    visible zero part, else the total, so as little as possible is lost. A total of
    ``None`` is a margin published in another table: always known, never hideable here.
    """
    hidden = hidden.copy()
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            cells = parts if total is None else [*parts, total]
            if sum(bool(hidden[c]) for c in cells) != 1:
                continue
            visible = [c for c in parts if not hidden[c]]
            nonzero = [c for c in visible if raw[c] > 0]
            pool = nonzero or visible
            if pool:
                pick = min(pool, key=lambda c: (raw[c], c))
            elif total is not None:
                pick = total
            else:
                continue  # a one-cell margin: see the module docstring
            hidden[pick] = True
            changed = True
    return hidden


def margin_groups(table: pd.DataFrame, group_cols: Sequence[str],
                  rows: Sequence[int]) -> list[list[int]]:
    """Row positions sharing the values of each proper, non-empty subset of the groups.

    These are the margins other breakdowns of the same data publish (for groups phase
    and provider: one set per provider, one per phase). One group, or none, has no such
    margins beyond the grand total, which the total row already covers.
    """
    groups = list(group_cols)
    if len(groups) < 2:
        return []
    values = {g: [None if pd.isna(v) else v for v in table[g].tolist()] for g in groups}
    sets: list[list[int]] = []
    for size in range(1, len(groups)):
        for subset in combinations(groups, size):
            by_key: dict[tuple, list[int]] = {}
            for r in rows:
                by_key.setdefault(tuple(values[g][r] for g in subset), []).append(int(r))
            sets.extend(by_key.values())
    return sets


def protect(
    df: pd.DataFrame,
    count_cols: Sequence[str],
    total_col: str | None = None,
    national: bool = False,
    total_row: int | None = None,
    margins: Sequence[Sequence[int]] = (),
) -> pd.DataFrame:
    """Protect the count columns of an already aggregated table, in a copy.

    ``total_col`` names a count column that is the row sum of the others (its parts),
    and ``total_row`` the position of a row that is the column sum of the others; both
    drive secondary suppression. ``margins`` lists sets of row positions whose column
    sums are published elsewhere (see :func:`margin_groups`); they drive it too.
    Protected count columns are nullable integers with ``<NA>`` for suppressed cells.
    """
    cols = list(count_cols)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise UsageError(f"count column(s) {missing} are not in the table")
    if total_col is not None and total_col not in cols:
        raise UsageError(f"total_col {total_col!r} must be one of the count columns")
    out = df.copy()
    if national:
        out.attrs[PROTECTED_ATTR] = "national"
        return out
    raw = out[cols].to_numpy(dtype=float)
    if np.isnan(raw).any():
        raise UsageError("counts to protect must not be missing; use 0 for none")
    if (raw < 0).any():
        raise UsageError("counts to protect must be 0 or more")
    hidden = (raw > 0) & (raw < SUPPRESS_BELOW)
    n_rows, _ = raw.shape
    lines: list[Line] = []
    for rows in margins:
        for j in range(len(cols)):
            lines.append(([(int(r), j) for r in rows], None))
    if total_row is not None:
        data_rows = [r for r in range(n_rows) if r != total_row]
        for j in range(len(cols)):
            lines.append(([(r, j) for r in data_rows], (total_row, j)))
    if total_col is not None:
        t = cols.index(total_col)
        parts = [j for j in range(len(cols)) if j != t]
        for r in range(n_rows):
            lines.append(([(r, j) for j in parts], (r, t)))
    hidden = _secondary(raw, hidden, lines)
    for j, col in enumerate(cols):
        values = [
            pd.NA if hidden[r, j] else protect_count(raw[r, j]) for r in range(n_rows)
        ]
        out[col] = pd.array(values, dtype="Int64")
    out.attrs[PROTECTED_ATTR] = "sub-national"
    return out


def protect_table(
    df: pd.DataFrame,
    count_cols: Sequence[str],
    group_cols: Sequence[str],
    total_row: bool = True,
    national: bool = False,
    total_col: str | None = None,
    percentages: Mapping[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The one call for any public or board table: aggregate, protect, then derive.

    Rows of ``df`` (raw, unprotected counts at any grain, including 0.5 shares) are
    summed by ``group_cols``; a ``Total`` row is added when ``total_row``; counts are
    protected with secondary suppression against the total row and ``total_col``; then
    each ``percentages`` entry ``name: (numerator_col, denominator_col)`` is computed from
    the *true* summed counts and shown per :func:`protect_percentage`: withheld where its
    numerator or denominator cell is hidden or, when the denominator is ``total_col``,
    where any part of that row is hidden (the hidden part is the difference).
    Secondary suppression always treats the column totals as known, even with
    ``total_row=False``, and with two or more ``group_cols`` it also
    treats every margin another breakdown would publish (each group's own subtotals) as
    known, so no choice of breakdown recovers a hidden cell by subtraction.
    """
    groups = list(group_cols)
    cols = list(count_cols)
    for col in groups + cols:
        if col not in df.columns:
            raise UsageError(f"column {col!r} is not in the table (have {list(df.columns)})")
    if df.attrs.get(PROTECTED_ATTR):
        raise UsageError("this table is already protected; pass the raw counts instead")
    if groups:
        table = df.groupby(groups, dropna=False, observed=True, sort=True)[cols].sum()
        table = table.reset_index()
    else:
        table = pd.DataFrame([df[cols].sum()])
    total_at: int | None = None
    margins: list[list[int]] = []
    if groups:
        # The column totals are computed and used for secondary suppression even when the
        # Total row is not displayed: a total is always published somewhere (a headline
        # figure, another breakdown), so a lone hidden cell must never be recoverable.
        total = {g: TOTAL_LABEL for g in groups} | df[cols].sum().to_dict()
        for g in groups:
            if not pd.api.types.is_object_dtype(table[g]) and not pd.api.types.is_string_dtype(
                table[g]
            ):
                table[g] = table[g].astype(object)
        margins = margin_groups(table, groups, list(range(len(table))))
        table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
        total_at = len(table) - 1
    out = protect(table, cols, total_col=total_col, national=national, total_row=total_at,
                  margins=margins)
    truth = table[cols].to_numpy(dtype=float)
    hidden = out[cols].isna().to_numpy()
    if total_at is not None and not total_row:
        attrs = dict(out.attrs)
        out = out.drop(index=total_at)
        out.attrs.update(attrs)
    for name, (num, den) in (percentages or {}).items():
        if num not in cols or den not in cols:
            raise UsageError(f"percentage {name!r} must use count columns, not {num!r}/{den!r}")
        i, j = cols.index(num), cols.index(den)
        # every count of the row is a part of (or is) the denominator when it is the total
        deps = list(range(len(cols))) if den == total_col else [i, j]
        values = []
        for r in out.index:  # positions in the full table (the Total row may be dropped)
            n, d = truth[r, i], truth[r, j]
            if national:
                values.append(None if d <= 0 else 100 * n / d)
            else:
                values.append(protect_percentage(n, d, hidden=bool(hidden[r, deps].any())))
        out[name] = values
    return out


def assert_protected(df: pd.DataFrame) -> None:
    """Raise unless ``df`` came out of :func:`protect`/:func:`protect_table`."""
    if not df.attrs.get(PROTECTED_ATTR):
        raise UsageError(
            "refusing to publish a table that has not been through small-number protection"
        )
