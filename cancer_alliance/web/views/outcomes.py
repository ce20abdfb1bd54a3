"""Outcomes: stage, survival, Recovery Package and stratified follow-up, by provider.

Each measure kind (``MeasureDefinition.kind``) has its own table, because each has its own
columns in :func:`cancer_alliance.metrics.measures.compute_measure`: a *count* (urgent
referrals) is one number per provider; a *proportion* is events over patients; the
follow-up *mix* is a share of each stratum among one provider's assignments, so it is drawn
one row per provider with a column per stratum (summing the strata's rows by provider would
count each provider's assignments once per stratum); *survival* is a Kaplan-Meier estimate
with its interval, blank until a cohort has been followed for a year.

Every non-survival measure comes from one run of
:func:`~cancer_alliance.metrics.measures.compute_measures` by provider and month (one query
over the enriched pathways instead of one per measure and period), which every period
chosen then pools; the page is cached per span and protection, so a second visit, or the
warm-up's after a submission, reads it ready-made.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Request

from cancer_alliance import labels
from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.charts import builders
from cancer_alliance.charts.svg import SERIES_COLOURS
from cancer_alliance.dataset import periods
from cancer_alliance.web import data, selection
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.protect import for_actor

router = APIRouter()

BY = "provider_code"
PROVIDER = (BY, "Provider", "text")


def count_table(actor: Actor, df: pd.DataFrame) -> tuple[list, list[dict]]:
    """A count measure (urgent referrals): referrals per provider, with the total."""
    t = for_actor(actor, df, ["referrals"], [BY], total_row=True)
    return [PROVIDER, ("referrals", "Referrals", "num")], t.to_dict("records")


def proportion_table(actor: Actor, df: pd.DataFrame) -> tuple[list, list[dict]]:
    """A proportion: patients with the event over patients, per provider, with the total."""
    t = for_actor(actor, df, ["numerator", "denominator"], [BY], total_row=True,
                  percentages={"value": ("numerator", "denominator")})
    cols = [PROVIDER, ("numerator", "Patients with the event", "num"),
            ("denominator", "Patients", "num"), ("value", "Per cent", "pct")]
    return cols, t.to_dict("records")


def mix_table(actor: Actor, df: pd.DataFrame) -> tuple[list, list[dict]]:
    """The follow-up mix: one row per provider, each stratum's assignments and share of
    that provider's assignments, and the assignments in all.

    ``df`` holds one row per provider and stratum whose ``numerator`` is the stratum's
    assignments; the shares are recomputed here from those counts (the row's
    ``denominator`` repeats the provider's total on every stratum row, so it is never
    summed).
    """
    df = df.assign(follow_up_stratum=df["follow_up_stratum"].fillna("NOT_KNOWN"))
    strata = sorted(df["follow_up_stratum"].unique())
    wide = df.pivot_table(index=BY, columns="follow_up_stratum", values="numerator",
                          aggfunc="sum", fill_value=0).reindex(columns=strata, fill_value=0)
    counts = [f"n_{s}" for s in strata]
    wide.columns = counts
    wide["total"] = wide[counts].sum(axis=1)
    wide = wide.reset_index()
    t = for_actor(actor, wide, [*counts, "total"], [BY], total_col="total", total_row=True,
                  percentages={f"pct_{s}": (f"n_{s}", "total") for s in strata})
    cols: list = [PROVIDER]
    for s in strata:
        name = labels.word(s)
        cols += [(f"n_{s}", f"{name}: assignments", "num"),
                 (f"pct_{s}", f"{name}: per cent", "pct")]
    cols.append(("total", "Follow-up assignments in all", "num"))
    return cols, t.to_dict("records")


def survival_table(actor: Actor, df: pd.DataFrame) -> tuple[list, list[dict]]:
    """One-year observed survival per provider with its 95% interval (unprotected viewers)
    and the patients diagnosed; blank where the cohort has not been followed for a year."""
    cols = [PROVIDER, ("n", "Patients diagnosed", "num"),
            ("value", "Alive one year after diagnosis (per cent)", "pct")]
    if aggregates_protected(actor):
        t = for_actor(actor, df, ["n"], [BY])
        values = df.set_index(BY)["value"]
        t["value"] = [values.get(p) if pd.notna(n) else None for p, n in zip(t[BY], t["n"],
                                                                           strict=True)]
        return cols, t.to_dict("records")
    cols += [("lower", "Lower 95% limit", "pct"), ("upper", "Upper 95% limit", "pct")]
    return cols, df[[BY, "n", "value", "lower", "upper"]].to_dict("records")


TABLES = {"count": count_table, "proportion": proportion_table, "mix": mix_table,
          "survival": survival_table}
"""How each measure kind is drawn (``MeasureDefinition.kind``)."""


def pooled_months(span: str | None) -> list[str]:
    """The months a span pools into one figure (``YYYY-MM`` or ``first..last``)."""
    if not span:
        return []
    first, _, last = span.partition("..")
    return periods.months_between(first, last or first)


def measure_frames(con, span: str | None) -> dict[str, pd.DataFrame | None]:
    """code -> the measure by provider and month over the span's months (None where it
    could not be computed).

    Every non-survival measure is computed once by provider and month for the whole data
    (one shared run, cached until the data change) and the span's months are taken from
    it: their counts add up, so pooling them is a sum, which the tables do. Choosing
    another period then costs no query. Survival is not a sum of months: it is computed
    for the span itself.
    """
    defs = data.measure_defs()
    months = set(pooled_months(span))
    frames: dict[str, pd.DataFrame | None] = {}
    plain = tuple(c for c, d in defs.items() if d.kind != "survival")
    try:
        monthly = data.measures_together(con, plain, (BY, "month"))
    except Exception:  # noqa: BLE001 - a failing run lists each measure as unavailable
        monthly = dict.fromkeys(plain)
    for code, df in monthly.items():
        frames[code] = df if df is None or not months else df[df["period"].isin(months)]
    for code in (c for c, d in defs.items() if d.kind == "survival"):
        try:
            frames[code] = data.measure(con, code, by=(BY,), period=span)
        except Exception:  # noqa: BLE001 - survival failing: listed as unavailable
            frames[code] = None
    return frames


def outcomes_context(con, actor: Actor, span: str | None) -> dict[str, Any]:
    """Every measure's table for ``actor`` over ``span``: (code, definition, columns, rows)."""
    defs = data.measure_defs()
    frames = measure_frames(con, span)
    tables = []
    for code, defn in defs.items():
        df = frames.get(code)
        if df is None:
            tables.append((code, defn, [], None))
            continue
        cols, rows = TABLES[defn.kind](actor, df) if not df.empty else ([PROVIDER], [])
        tables.append((code, defn, cols, rows))
    return {"measures": tables, "pooled": pooled_months(span),
            "unavailable": None if defs else
            "the outcome measures (stage, survival, Recovery Package)"}


@router.get("/outcomes", include_in_schema=False)
def outcomes(request: Request, group: str | None = None, con=Depends(get_con),
             actor: Actor = Depends(require("view_operations"))):
    span = selection.select(request, con).range
    key = ("outcomes-page", span, aggregates_protected(actor))
    ctx: dict = {"title": "Outcomes", "group": group or "",
                 **data.cached(con, key, lambda: outcomes_context(con, actor, span))}
    ctx["survival"], ctx["groups"], ctx["shown_groups"] = survival_chart(con, actor, group)
    if ctx["group"] not in ctx["groups"]:  # never repeat an unknown value from the URL
        ctx["group"] = ""
    return render(request, "outcomes.html", **ctx)


MAX_CURVES = len(SERIES_COLOURS)
"""More curves than palette colours would repeat colours and make curves indistinguishable."""


def survival_chart(con, actor: Actor, group: str | None = None):
    """Kaplan-Meier curves by tumour group: the one asked for, else the largest groups (as
    many as there are distinct colours). Protected roles see only groups of 8 or more.

    Returns (chart or None, every group that can be drawn, the groups drawn).
    """
    try:
        df = data.survival(con, by="tumour_group")
    except Exception:  # noqa: BLE001 - survival missing or failing: the page says nothing
        return None, [], []
    needed = {"time", "survival"}
    if df is None or df.empty or not needed <= set(df.columns):
        return None, [], []
    group_col = next((c for c in ("group", "tumour_group") if c in df.columns), None)
    curves, sizes = {}, {}
    for g, part in (df.groupby(group_col) if group_col else [("All", df)]):
        size = part["at_risk"].max() if "at_risk" in part.columns else len(part)
        if aggregates_protected(actor) and "at_risk" in part.columns and size < 8:
            continue
        curves[str(g)] = (part["time"].tolist(), part["survival"].tolist())
        sizes[str(g)] = size
    if not curves:
        return None, [], []
    groups = sorted(curves)
    if group in curves:
        shown = [group]
        title = f"Survival after diagnosis: {labels.tumour_group(group)}"
    else:
        shown = sorted(curves, key=lambda g: (-sizes[g], g))[:MAX_CURVES]
        title = ("Survival after diagnosis by tumour group" if len(curves) <= MAX_CURVES
                 else f"Survival after diagnosis: the {len(shown)} largest tumour groups")
    chart = builders.survival_chart(  # curves named in words; the chooser keeps the codes
        title, {labels.tumour_group(g): curves[g] for g in shown})
    return chart, groups, shown
