"""Turning metric counts into what the pages show: series, SPC, intervals, funnels.

Figures are shown as :func:`cancer_alliance.web.protect.for_actor` made them for the
viewer, but every judgement (SPC verdict, variation icon, change, met / not met, funnel
position) is computed from the *true* counts (``truth``) and then shown beside the
protected figures: computing on rounded or suppressed counts would distort the verdict
(issue 13, part 4; ``docs/explanation/statistics.md``). A judgement about one point whose
percentage is withheld is withheld with it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cancer_alliance import stats
from cancer_alliance.charts import builders
from cancer_alliance.dataset import periods
from cancer_alliance.stats.proportions import wilson_arrays
from cancer_alliance.web import data, mdc


def monthly(df: pd.DataFrame) -> pd.DataFrame:
    """Sum counts by period and compute performance (%), oldest first."""
    if df.empty:
        return pd.DataFrame(columns=["period", "total", "within", "performance"])
    g = df.groupby("period", as_index=False)[["total", "within"]].sum(min_count=1)
    g["performance"] = [
        (w / t * 100) if (t == t and t and w == w) else float("nan")
        for w, t in zip(g["within"], g["total"], strict=True)
    ]
    return g.sort_values("period").reset_index(drop=True)


def with_intervals(df: pd.DataFrame, num: str = "within", den: str = "total") -> pd.DataFrame:
    """Add Wilson 95% interval columns ci_lower/ci_upper (percent), vectorised."""
    x = pd.to_numeric(df[num], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(df[den], errors="coerce").to_numpy(dtype=float)
    n = np.where(np.isnan(x), np.nan, n)
    lo, hi = wilson_arrays(np.nan_to_num(x), np.nan_to_num(n), 0.95)
    out = df.copy()
    out["ci_lower"], out["ci_upper"] = lo * 100, hi * 100
    return out


def spc_for(series: pd.DataFrame, code: str):
    """SPC result for a monthly series, or None when too short or with gaps."""
    values = [_f(v) for v in series["performance"].tolist()]
    if len(values) < 2 or any(math.isnan(v) for v in values):
        return None
    defn = data.standard_defs().get(code)
    target = None
    if defn is not None and len(series):
        target = defn.threshold_on(periods.month_start(str(series["period"].iloc[-1])))
    improvement = getattr(defn, "improvement", "increase")
    try:
        return stats.spc([float(v) for v in values], improvement=improvement, target=target)
    except Exception:  # noqa: BLE001 - a chart we cannot judge is shown without SPC
        return None


def as_float(v) -> float:
    """A shown figure as a float, NaN when withheld (for pages comparing figures)."""
    return _f(v)


def _f(v) -> float:
    """A number or NaN (protected cells arrive as None or pd.NA)."""
    try:
        return float(v) if v is not None and not pd.isna(v) else float("nan")
    except (TypeError, ValueError):
        return float("nan")


def headline(series: pd.DataFrame, code: str, truth: pd.DataFrame | None = None) -> dict:
    """The overview row for one standard: latest value, change, threshold, MDC icons, chart.

    ``series`` is what the viewer may see; ``truth`` the same months with true counts (the
    same frame when the viewer sees true counts), from which every verdict is computed.
    """
    defn = data.standard_defs()[code]
    truth = series if truth is None else truth
    row: dict = {"code": code, "name": defn.short_name, "href": f"/standards/{code}"}
    if series.empty:
        row.update(period=None, performance=None, change=None, threshold=None, met=None,
                   objective=None, applies=None,
                   variation=None, assurance=None, spark=None, total=None)
        return row
    last = series.iloc[-1]
    shown_last = _f(last["performance"])
    shown_prev = _f(series.iloc[-2]["performance"]) if len(series) > 1 else float("nan")
    true = truth.set_index(truth["period"].astype(str))["performance"]
    true = [_f(true.get(str(p), float("nan"))) for p in series["period"]]
    applies = defn.applicable(periods.month_start(str(last["period"])))
    threshold = defn.threshold_on(periods.month_start(str(last["period"])))
    perf = true[-1] if not math.isnan(shown_last) else float("nan")
    result = spc_for(truth, code)
    variation = assurance = None
    if result is not None:
        variation = mdc.variation_key(result.variation_icon)
        assurance = result.assurance
    change = float("nan")
    if len(true) > 1 and not math.isnan(shown_last) and not math.isnan(shown_prev):
        change = true[-1] - true[-2]
    row.update(
        period=last["period"],
        performance=shown_last,
        total=last["total"],
        change=None if math.isnan(change) else change,
        threshold=threshold,
        objective=applies.objective.value_percent if applies.objective else None,
        applies=applies.words,
        met=(perf >= threshold) if threshold is not None and not math.isnan(perf) else None,
        variation=variation,
        assurance=assurance,
        spark=builders.line_chart(f"{defn.short_name}, last {len(series)} months",
                                  series["period"].tolist(),
                                  [_f(v) for v in series["performance"]]),
    )
    return row


def funnel(df: pd.DataFrame, unit_col: str,
           shown: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Funnel points and curves across units (providers, commissioners) for one period.

    ``df`` holds the true counts: limits, baseline and each unit's position are computed
    from them. With ``shown`` (the protected table the viewer sees), a unit whose
    percentage is withheld there is left off the chart, and the others are drawn at the
    figures shown in the table (rounded for display), keeping their true position.
    """
    g = df.groupby(unit_col, as_index=False)[["within", "total"]].sum(min_count=1).dropna()
    g = g[g["total"] > 0]
    if len(g) < 2:
        return None
    units = pd.DataFrame({"unit": g[unit_col].astype(str), "numerator": g["within"].astype(float),
                          "denominator": g["total"].astype(float)})
    points, curve = stats.funnel_plot_data(units)
    if shown is None:
        return points, curve
    view = shown.assign(unit=shown[unit_col].astype(str)).set_index("unit")
    keep = [u for u in points["unit"] if u in view.index
            and not math.isnan(_f(view.at[u, "performance"]))]
    points = points[points["unit"].isin(keep)].copy()
    points["denominator"] = [_f(view.at[u, "total"]) for u in points["unit"]]
    points["proportion"] = [_f(view.at[u, "performance"]) / 100 for u in points["unit"]]
    if points.empty:
        return None
    # the curve spans the shown units only: where it starts would hint at a hidden one
    lo, hi = points["denominator"].min(), points["denominator"].max()
    curve = curve[(curve["denominator"] >= lo) & (curve["denominator"] <= hi)]
    return points.reset_index(drop=True), curve.reset_index(drop=True)
