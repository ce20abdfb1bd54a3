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

import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.errors import UsageError
from cancer_alliance.metrics import measures

ALLIANCE = "ALLIANCE"
COLUMNS = ["month", "value", "numerator", "denominator"]


def standard_codes() -> list[str]:
    """Codes of the waiting-time standards the metrics layer defines."""
    return list(metrics.STANDARDS)


# Standards whose trajectory is a count, not a percentage: the column of compute_metrics
# that holds it. The 62-day backlog is planned as the number of open pathways past day 62.
COUNT_STANDARDS = {"62_DAY_BACKLOG": "breaches"}
TRAJECTORY_MEASURE_KINDS = ("proportion", "count")


def _measure_defs() -> dict:
    return dict(measures.MEASURES)


def unit(code: str) -> str:
    """``"count"`` for counts (the 62-day backlog, urgent referrals), else ``"%"``."""
    if code in COUNT_STANDARDS:
        return "count"
    d = _measure_defs().get(code)
    return "count" if d is not None and d.kind == "count" else "%"


def improvement(code: str) -> str:
    """The direction that is better for ``code`` (``increase``/``decrease``/``neutral``), from
    the standard's or measure's own definition; ``increase`` for a code neither defines."""
    d = metrics.STANDARDS.get(code) or _measure_defs().get(code)
    return d.improvement if d is not None else "increase"


def trajectory_codes() -> list[str]:
    """Every standard and every percentage or count measure a trajectory can be set for."""
    measures = [c for c, d in _measure_defs().items()
                if d.kind in TRAJECTORY_MEASURE_KINDS]
    return standard_codes() + measures


def measure_codes() -> list[str]:
    """Every code :func:`monthly` can give values for: the standards, then the measures."""
    return standard_codes() + list(_measure_defs())


def check_measure_codes(text: str | None, what: str = "measure",
                        trajectory: bool = False) -> list[str]:
    """The measure codes of a form field (one code, or several separated by commas),
    each checked against the reference: the standards of ``metrics.STANDARDS`` and the
    measures of ``metrics.measures.MEASURES`` (with ``trajectory``, only those a
    trajectory can be set for: :func:`trajectory_codes`).

    One rule for the operations forms that name measures (trajectories, the delivery plan,
    initiatives), so a typo is refused with the codes that exist, rather than stored and
    silently never matched. An empty field gives ``[]``; a UsageError names the field and
    at most 20 characters of the unknown code.
    """
    known = trajectory_codes() if trajectory else measure_codes()
    codes = [c.strip() for c in (text or "").split(",") if c.strip()]
    for code in codes:
        if code not in known:
            raise UsageError(f'{what} "{code[:20]}" is not a standard or measure code; '
                             f"the codes are {', '.join(known)}")
    return codes


def _month_col(df: pd.DataFrame) -> str:
    return "month" if "month" in df.columns else "period"


def _to_percent(series: pd.Series) -> pd.Series:
    """Metric performance and measure values already are percentages (0-100)."""
    return pd.to_numeric(series, errors="coerce").astype(float)


def provider_standard_monthly(con, standard: str, period: str | None = None) -> pd.DataFrame:
    """compute_metrics by provider and month, with a ``month`` column and percent values."""
    df = metrics.compute_metrics(con, standard, by=("provider_code", "month"), period=period)
    df = df.copy()
    mcol = _month_col(df)
    df["month"] = df[mcol].astype(str)
    df["performance_pct"] = _to_percent(df["performance"])
    df["threshold_pct"] = _to_percent(df["threshold"]) if "threshold" in df else None
    return df


def monthly(con, code: str, org_code: str = ALLIANCE) -> pd.DataFrame:
    """Month, value (percent), numerator, denominator for ``code`` at ``org_code``."""
    if code in metrics.STANDARDS:
        if org_code == ALLIANCE:
            df = metrics.compute_metrics(con, code, by=("month",))
        else:
            df = metrics.compute_metrics(con, code, by=("provider_code", "month"))
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
