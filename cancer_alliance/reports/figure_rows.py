"""The pathway rows behind every figure of a provider pack: the pack's companion download.

Each counted figure a provider pack prints (a standard's month, each month of its SPC
chart, a tumour-group hot spot, an equity group) carries a **figure reference**
(:func:`figure_id`, printed beside its table). :func:`pack_pathways` returns, for every
reference, exactly the outcome rows behind it, by the *accountable* provider with transfer
shares, from the one rule the dashboard's downloads follow
(:func:`cancer_alliance.metrics.rebuild.figure_rows`), so that for each ``figure_id``

    sum(share over included rows) == the figure's total, and
    sum(share over included rows with outcome "within") == its within,

to the half-patient. Patient-level: only for readers :func:`auth.policy.pack_pathways`
admits (the alliance team, the provider's own users), audited by the caller; never for
board or public packs, whose figures are protected. Open pathways (the backlog census)
are counted from the tracking list, whose rows the tracking list itself shows.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from cancer_alliance.auth.model import Actor
from cancer_alliance.metrics import rebuild
from cancer_alliance.metrics.output import neutralise

COLUMNS = ("figure_id", "figure_period", *rebuild.EXPORT_COLUMNS)


def figure_id(standard: str, period: str, column: str | None = None,
              value: object = None) -> str:
    """A figure's reference: ``62_DAY/2024-04``, or with a group
    ``62_DAY/2024-02..2024-04/tumour_group=LUNG``."""
    ref = f"{standard}/{period}"
    return ref if column is None else f"{ref}/{column}={rebuild.as_text(value)}"


@dataclass(frozen=True)
class Figure:
    """One counted figure of a pack: what its rows are filtered by, and what it shows."""

    figure_id: str
    standard: str
    first: str  # first month, YYYY-MM
    last: str   # last month
    total: float
    within: float
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def period(self) -> str:
        return self.first if self.first == self.last else f"{self.first}..{self.last}"


def pack_figures(pack: dict) -> Iterator[Figure]:
    """Every counted figure of a provider pack (built by ``packs.provider_pack``)."""
    for sec in pack.get("standards") or []:
        for point in sec.get("series") or []:
            yield Figure(point["figure"], sec["code"], point["period"], point["period"],
                         point["total"], point["within"])
    hot = pack.get("hotspots") or {}
    for item in hot.get("items") or []:
        if "figure" in item:
            yield Figure(item["figure"], "62_DAY", hot["from"], hot["to"], item["total"],
                         item["within"], {"tumour_group": item["tumour_group"]})
    eq = pack.get("equity") or {}
    for gap in eq.get("gaps") or []:
        for r in gap["rows"]:
            if r.get("numerator") is not None:
                yield Figure(r["figure"], eq["standard"], eq["from"], eq["to"],
                             r["denominator"], r["numerator"], {gap["column"]: r["group"]})


def pack_pathways(con: duckdb.DuckDBPyConnection, pack: dict,
                  actor: Actor | None) -> pd.DataFrame:
    """The rows behind every figure of ``pack`` as ``actor`` may see them (:data:`COLUMNS`),
    one block per figure (a pathway behind several figures appears under each).

    ``actor=None`` is the operator at the command line (every row of the provider)."""
    if pack.get("kind") != "PROVIDER" or pack.get("protected"):
        raise ValueError("only an unprotected provider pack has pathway rows")
    figures = list(pack_figures(pack))
    frames = []
    for standard in sorted({f.standard for f in figures}):
        mine = [f for f in figures if f.standard == standard]
        first, last = min(f.first for f in mine), max(f.last for f in mine)
        rows = rebuild.standard_rows(con, standard, (first, last))
        rows = rebuild.figure_rows(rows, actor, provider=pack["provider_code"])
        months = rows["reporting_period"].astype(str)
        for f in mine:
            part = rebuild.figure_rows(rows[(months >= f.first) & (months <= f.last)],
                                       None, filters=f.filters)
            part = part[[c for c in rebuild.EXPORT_COLUMNS if c in part.columns]]
            frames.append(part.assign(figure_id=f.figure_id, figure_period=f.period))
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    return out[[c for c in COLUMNS if c in out.columns]]


def to_csv(rows: pd.DataFrame) -> str:
    """The download as CSV, every text cell neutralised (OWASP CSV injection)."""
    buf = io.StringIO()
    rows.map(neutralise).to_csv(buf, index=False)
    return buf.getvalue()

