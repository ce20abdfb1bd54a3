"""Actual monthly values of a standard or measure, for the alliance or one provider.

The one place operations reads the metrics layer, so trajectories, initiatives, funding rules
and packs all see the same figures as the dashboard. Standards (``FDS``, ``31_DAY``,
``62_DAY`` ...) come from ``metrics.compute_metrics``; other measures (``EARLY_STAGE``,
``HNA_COVERAGE`` ...) from ``metrics.measures.compute_measure``. Values are returned as
percentages (0-100), as the metrics layer gives them and as plans are written.
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
    df["month"] = df[mcol].astype(str).str[:7]
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
        out = pd.DataFrame(
            {
                "month": df[mcol].astype(str).str[:7],
                "value": _to_percent(df["performance"]),
                "numerator": df["within"].astype(float),
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
        out = pd.DataFrame(
            {
                "month": df[mcol].astype(str).str[:7],
                "value": _to_percent(df["value"]),
                "numerator": df["numerator"].astype(float),
                "denominator": df["denominator"].astype(float),
            }
        )
    return out.sort_values("month").reset_index(drop=True)[COLUMNS]
