"""Actual monthly values of a standard or measure, for the alliance or one provider.

The one place operations reads the metrics layer, so trajectories, initiatives, funding rules
and packs all see the same figures as the dashboard. Standards (``FDS``, ``31_DAY``,
``62_DAY`` ...) come from ``metrics.compute_metrics``; other measures (``EARLY_STAGE``,
``HNA_COVERAGE`` ...) from ``metrics.measures.compute_measure``. Values are returned as
percentages (0-100), as the metrics layer gives them and as plans are written, except for
counts (:func:`unit`): the 62-day backlog (open pathways past day 62) and count measures
such as urgent referrals.
"""

from __future__ import annotations

import importlib

import pandas as pd

from cancer_alliance.errors import NotFound

ALLIANCE = "ALLIANCE"
COLUMNS = ["month", "value", "numerator", "denominator"]


def _metrics():
    try:
        return importlib.import_module("cancer_alliance.metrics")
    except ImportError as exc:  # the metrics layer is built in parallel
        raise NotFound(f"the metrics layer is not available: {exc}") from exc


def standard_codes() -> list[str]:
    """Codes of the waiting-time standards the metrics layer defines."""
    try:
        return list(getattr(_metrics(), "STANDARDS", {}))
    except NotFound:
        return []


def is_standard(code: str) -> bool:
    return code in standard_codes()


# Standards whose trajectory is a count, not a percentage: the column of compute_metrics
# that holds it. The 62-day backlog is planned as the number of open pathways past day 62.
COUNT_STANDARDS = {"62_DAY_BACKLOG": "breaches"}
TRAJECTORY_MEASURE_KINDS = ("proportion", "count")


def _measure_defs() -> dict:
    try:
        return dict(importlib.import_module("cancer_alliance.metrics.measures").MEASURES)
    except (ImportError, AttributeError):
        return {}


def unit(code: str) -> str:
    """``"count"`` for counts (the 62-day backlog, urgent referrals), else ``"%"``."""
    if code in COUNT_STANDARDS:
        return "count"
    d = _measure_defs().get(code)
    return "count" if d is not None and getattr(d, "kind", "") == "count" else "%"


def improvement(code: str) -> str:
    """The direction that is better for ``code`` (``increase``/``decrease``/``neutral``), from
    the standard's or measure's own definition; ``increase`` for a code neither defines."""
    try:
        d = getattr(_metrics(), "STANDARDS", {}).get(code)
    except NotFound:
        d = None
    d = d or _measure_defs().get(code)
    return getattr(d, "improvement", None) or "increase"


def trajectory_codes() -> list[str]:
    """Every standard and every percentage or count measure a trajectory can be set for."""
    measures = [c for c, d in _measure_defs().items()
                if getattr(d, "kind", "") in TRAJECTORY_MEASURE_KINDS]
    return standard_codes() + measures


def _month_col(df: pd.DataFrame) -> str:
    return "month" if "month" in df.columns else "period"


def _to_percent(series: pd.Series) -> pd.Series:
    """Metric performance and measure values already are percentages (0-100)."""
    return pd.to_numeric(series, errors="coerce").astype(float)


def provider_standard_monthly(con, standard: str, period: str | None = None) -> pd.DataFrame:
    """compute_metrics by provider and month, with a ``month`` column and percent values."""
    df = _metrics().compute_metrics(con, standard, by=("provider_code", "month"), period=period)
    df = df.copy()
    mcol = _month_col(df)
    df["month"] = df[mcol].astype(str)
    df["performance_pct"] = _to_percent(df["performance"])
    df["threshold_pct"] = _to_percent(df["threshold"]) if "threshold" in df else None
    return df


def monthly(con, code: str, org_code: str = ALLIANCE) -> pd.DataFrame:
    """Month, value (percent), numerator, denominator for ``code`` at ``org_code``."""
    m = _metrics()
    if code in getattr(m, "STANDARDS", {}):
        if org_code == ALLIANCE:
            df = m.compute_metrics(con, code, by=("month",))
        else:
            df = m.compute_metrics(con, code, by=("provider_code", "month"))
            df = df[df["provider_code"] == org_code]
        mcol = _month_col(df)
        count_col = COUNT_STANDARDS.get(code)
        out = pd.DataFrame(
            {
                "month": df[mcol].astype(str),
                "value": (df[count_col].astype(float) if count_col
                          else _to_percent(df["performance"])),
                "numerator": df[count_col or "within"].astype(float),
                "denominator": df["total"].astype(float),
            }
        )
    else:
        try:
            measures = importlib.import_module("cancer_alliance.metrics.measures")
        except ImportError as exc:
            raise NotFound(f"measure {code}: the measures module is not available") from exc
        by = ("month",) if org_code == ALLIANCE else ("provider_code", "month")
        df = measures.compute_measure(con, code, by=by)
        if org_code != ALLIANCE:
            df = df[df["provider_code"] == org_code]
        mcol = _month_col(df)
        if "value" in df.columns:
            value, num = _to_percent(df["value"]), df["numerator"].astype(float)
            den = df["denominator"].astype(float)
        else:  # a count measure: its one count column (e.g. ``referrals``)
            col = next(c for c in df.columns if c not in ("measure", mcol, "provider_code"))
            value = num = df[col].astype(float)
            den = pd.Series(float("nan"), index=df.index)
        out = pd.DataFrame(
            {"month": df[mcol].astype(str), "value": value, "numerator": num,
             "denominator": den}
        )
    return out.sort_values("month").reset_index(drop=True)[COLUMNS]
