"""Equity: performance by ethnic group, deprivation, age and sex (outcomes: ``outcomes.py``)."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request

from cancer_alliance import stats
from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.metrics.platform_rules import equity_reference
from cancer_alliance.web import data, params, selection
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.protect import exact, for_actor

router = APIRouter()

EQUITY_DIMENSIONS = ("ethnic_group", "imd_quintile", "age_band", "sex")


SEX_LABELS = {"0": "Not known", "1": "Male", "2": "Female", "9": "Indeterminate"}
"""Person stated gender codes as the upload contract defines them (pathway dataset)."""
IMD_ENDS = {"1": "1 (most deprived)", "5": "5 (least deprived)"}


def group_label(dimension: str, value) -> str:
    """A group's name in words: sex codes spelt out, deprivation quintiles as whole numbers
    (a quintile stored next to missing values arrives as 1.0), missing as "Not known"."""
    if value is None or pd.isna(value):
        return "Not known"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if dimension == "sex":
        return SEX_LABELS.get(text, text)
    if dimension == "imd_quintile":
        return IMD_ENDS.get(text, text)
    return text


def withheld_gaps(shown_pct: pd.Series, is_reference: pd.Series) -> list[bool]:
    """Which groups' gaps a protected viewer may not see: a group's own percentage is
    withheld, or the reference group's is. Every gap is measured from the reference, so
    beside any shown percentage a gap gives the reference's back (reference = percentage
    minus gap): when the reference is withheld, every gap is."""
    own = shown_pct.isna().tolist()
    ref = [bool(r) for r in is_reference.tolist()]
    if any(o and r for o, r in zip(own, ref, strict=True)):
        return [True] * len(own)
    return own


def equity_table(con, actor: Actor, code: str, dimension: str,
                 period: str | None) -> pd.DataFrame:
    """Performance by group with the gap from the reference group (the platform rule
    :func:`cancer_alliance.metrics.platform_rules.equity_reference`, as in the packs;
    intervals if unprotected)."""
    col = data.BREAKDOWNS[dimension][0]
    df = data.metric(con, code, by=(col,), period=period)
    if df.empty:
        return pd.DataFrame()
    patients = df.groupby(col, dropna=False)["total"].sum()
    try:
        reference = group_label(dimension, equity_reference(col, patients.to_dict()))
    except ValueError:  # no group has patients
        return pd.DataFrame()
    df[col] = [group_label(dimension, v) for v in df[col]]
    # the gaps are computed from the true counts; a protected viewer then sees them beside
    # the protected counts, with a group's gap withheld where its percentage is, and every
    # gap withheld where the reference group's percentage is (withheld_gaps)
    t = exact(df, ["within", "total"], [col], False, {})
    t = t[t["total"] > 0]
    if t.empty:
        return pd.DataFrame()
    gap = stats.equity_gap(t.astype({"within": float, "total": float}), col, "within", "total",
                           reference_group=reference)
    if aggregates_protected(actor):
        shown = for_actor(actor, df, ["within", "total"], [col],
                          percentages={"performance": ("within", "total")})
        shown = shown.set_index(shown[col].astype(str))
        groups = gap["group"].astype(str)
        gap["numerator"] = [shown.at[g, "within"] for g in groups]
        gap["denominator"] = [shown.at[g, "total"] for g in groups]
        pct = pd.to_numeric(pd.Series([shown.at[g, "performance"] for g in groups],
                                      dtype=object), errors="coerce")
        gap["proportion"] = (pct / 100).to_numpy()
        gap.loc[withheld_gaps(pct, gap["is_reference"]), "difference"] = float("nan")
    for c in ("proportion", "lower", "upper", "difference", "difference_lower",
              "difference_upper"):
        if c in gap.columns:
            gap[c] = pd.to_numeric(gap[c], errors="coerce") * 100
    if "significant" in gap.columns:
        gap["significant"] = gap["significant"].map({True: "Yes", False: "No"})
        if "difference_lower" in gap.columns:  # the reference group has no gap interval
            gap.loc[gap["difference_lower"].isna(), "significant"] = "Reference"
    if aggregates_protected(actor):
        gap = gap.drop(columns=[c for c in gap.columns if "lower" in c or "upper" in c
                                or c == "significant"])
    return gap


@router.get("/equity", include_in_schema=False)
def equity(request: Request, standard: str = "FDS", period: str | None = None,
           con=Depends(get_con), actor: Actor = Depends(require("view_operations"))):
    defs = data.standard_defs()
    standard = params.standard(standard)
    sel = selection.select(request, con)
    period = sel.range
    key = ("equity-page", standard, period, aggregates_protected(actor))
    ctx = data.cached(con, key, lambda: _equity_context(con, actor, standard, period))
    return render(request, "equity.html", defs=defs, **ctx)


def _equity_context(con, actor: Actor, standard: str, period: str | None) -> dict:
    ctx: dict = {"title": "Equity", "standard": standard, "period": period, "unavailable": None,
                 "tables": []}
    try:
        for dim in EQUITY_DIMENSIONS:
            t = equity_table(con, actor, standard, dim, period)
            ctx["tables"].append((dim, data.BREAKDOWNS[dim][1], t.to_dict("records")))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return ctx
