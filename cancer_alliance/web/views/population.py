"""Equity (ethnic group, deprivation, age, sex) and outcomes (stage, survival, Recovery Package)."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request

from cancer_alliance import stats
from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.web import data, params
from cancer_alliance.web.charts import builders
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.protect import for_actor

router = APIRouter()

EQUITY_DIMENSIONS = ("ethnic_group", "imd_quintile", "age_band", "sex")


def equity_table(con, actor: Actor, code: str, dimension: str,
                 period: str | None) -> pd.DataFrame:
    """Performance by group with the gap from the largest group (intervals if unprotected)."""
    col = data.BREAKDOWNS[dimension][0]
    df = data.metric(con, code, by=(col,), period=period)
    if df.empty:
        return pd.DataFrame()
    df[col] = df[col].astype(object).where(df[col].notna(), "Not known").astype(str)
    t = for_actor(actor, df, ["within", "total"], [col])
    t = t.dropna(subset=["within", "total"])
    t = t[t["total"] > 0]
    if t.empty:
        return pd.DataFrame()
    gap = stats.equity_gap(t.astype({"within": float, "total": float}), col, "within", "total")
    for c in ("proportion", "lower", "upper", "difference", "difference_lower",
              "difference_upper"):
        if c in gap.columns:
            gap[c] = pd.to_numeric(gap[c], errors="coerce") * 100
    if aggregates_protected(actor):
        gap = gap.drop(columns=[c for c in gap.columns if "lower" in c or "upper" in c
                                or c == "significant"])
    return gap


@router.get("/equity", include_in_schema=False)
def equity(request: Request, standard: str = "FDS", period: str | None = None,
           con=Depends(get_con), actor: Actor = Depends(require("view_operations"))):
    defs = data.standard_defs()
    standard, period = params.standard(standard), params.period(period)
    key = ("equity-page", standard, period, aggregates_protected(actor))
    ctx = data.cached(con, key, lambda: _equity_context(con, actor, standard, period))
    return render(request, "equity.html", defs=defs, **ctx)


def _equity_context(con, actor: Actor, standard: str, period: str | None) -> dict:
    ctx: dict = {"title": "Equity", "standard": standard, "unavailable": None, "tables": []}
    try:
        for dim in EQUITY_DIMENSIONS:
            t = equity_table(con, actor, standard, dim, period)
            ctx["tables"].append((dim, data.BREAKDOWNS[dim][1], t.to_dict("records")))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return ctx


@router.get("/outcomes", include_in_schema=False)
def outcomes(request: Request, con=Depends(get_con),
             actor: Actor = Depends(require("view_operations"))):
    ctx: dict = {"title": "Outcomes", "measures": [], "survival": None, "unavailable": None}
    defs = data.measure_defs()
    if not defs:
        ctx["unavailable"] = "the outcome measures (stage, survival, Recovery Package)"
    for code, defn in defs.items():
        try:
            df = data.measure(con, code, by=("provider_code",))
        except Exception:  # noqa: BLE001 - a measure that fails is listed as unavailable
            ctx["measures"].append((code, getattr(defn, "name", code), None))
            continue
        if df.empty or "numerator" not in df.columns:
            ctx["measures"].append((code, getattr(defn, "name", code), []))
            continue
        group = "provider_code" if "provider_code" in df.columns else None
        t = for_actor(actor, df, ["numerator", "denominator"], [group] if group else [],
                      total_row=bool(group), percentages={"value": ("numerator", "denominator")})
        ctx["measures"].append((code, getattr(defn, "name", code), t.to_dict("records")))
    ctx["survival"] = survival_chart(con, actor)
    return render(request, "outcomes.html", **ctx)


def survival_chart(con, actor: Actor):
    """Kaplan-Meier curves by tumour group, if survival is available (not for protected roles
    when any group is small: curves are drawn only for groups of 8 or more patients)."""
    try:
        df = data.survival(con, by="tumour_group")
    except data.DataUnavailable:
        return None
    except Exception:  # noqa: BLE001
        return None
    needed = {"time", "survival"}
    if df is None or df.empty or not needed <= set(df.columns):
        return None
    group_col = next((c for c in ("group", "tumour_group") if c in df.columns), None)
    curves = {}
    for g, part in (df.groupby(group_col) if group_col else [("All", df)]):
        if aggregates_protected(actor) and "at_risk" in part.columns and (
                part["at_risk"].max() < 8):
            continue
        curves[str(g)] = (part["time"].tolist(), part["survival"].tolist())
    if not curves:
        return None
    return builders.survival_chart("Survival after diagnosis by tumour group", curves)
