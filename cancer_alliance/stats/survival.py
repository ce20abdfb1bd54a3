"""Kaplan-Meier survival and the log-rank test, via lifelines.

lifelines' ``KaplanMeierFitter`` gives the product-limit estimate with Greenwood's
variance and "exponential Greenwood" confidence limits, which are the log(-log)
intervals (the default of R's ``survival::survfit`` with ``conf.type = "log-log"``):
they stay inside [0, 1] and are the usual choice for small cancer cohorts. The
log-rank test is lifelines' ``multivariate_logrank_test`` (two or more groups).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

from cancer_alliance.errors import UsageError
from cancer_alliance.stats._checks import check_confidence


def _inputs(times: Sequence[float], events: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(times, dtype=float)
    e = np.asarray(events)
    if t.ndim != 1 or len(t) == 0:
        raise UsageError("survival needs at least one time")
    if len(t) != len(e):
        raise UsageError(f"times ({len(t)}) and events ({len(e)}) must be the same length")
    if np.isnan(t).any() or (t < 0).any():
        raise UsageError("survival times must be present and 0 or more")
    if not np.isin(e.astype(float), (0.0, 1.0)).all():
        raise UsageError("events must be 1 (died/event) or 0 (censored)")
    return t, e.astype(bool)


def _fit(times: Sequence[float], events: Sequence[Any], confidence: float) -> KaplanMeierFitter:
    t, e = _inputs(times, events)
    return KaplanMeierFitter().fit(t, e, alpha=1 - check_confidence(confidence))


def kaplan_meier(
    times: Sequence[float], events: Sequence[Any], confidence: float = 0.95
) -> pd.DataFrame:
    """Kaplan-Meier table, one row per distinct observed time.

    Columns: ``time, at_risk, events, censored, survival, lower, upper`` (log-log limits)
    and ``greenwood_variance``. ``attrs["median"]`` holds the median survival time
    (``inf`` if survival never falls to 0.5) and ``attrs["median_lower"]``/
    ``attrs["median_upper"]`` its confidence limits.
    """
    kmf = _fit(times, events, confidence)
    table = kmf.event_table
    table = table[table["removed"] > 0]
    d = table["observed"].to_numpy(dtype=float)
    n = table["at_risk"].to_numpy(dtype=float)
    surv = kmf.survival_function_.loc[table.index].iloc[:, 0].to_numpy()
    ci = kmf.confidence_interval_.loc[table.index]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n > d, d / (n * (n - d)), np.nan)
    variance = surv**2 * np.cumsum(terms)
    out = pd.DataFrame(
        {
            "time": table.index.to_numpy(dtype=float),
            "at_risk": n.astype(int),
            "events": d.astype(int),
            "censored": table["censored"].to_numpy(dtype=int),
            "survival": surv,
            "lower": ci.iloc[:, 0].to_numpy(),
            "upper": ci.iloc[:, 1].to_numpy(),
            "greenwood_variance": variance,
        }
    )
    median_ci = median_survival_times(kmf.confidence_interval_)
    out.attrs["median"] = float(kmf.median_survival_time_)
    out.attrs["median_lower"] = float(median_ci.iloc[0, 0])
    out.attrs["median_upper"] = float(median_ci.iloc[0, 1])
    return out


def log_rank(
    times: Sequence[float], events: Sequence[Any], groups: Sequence[Any]
) -> dict[str, Any]:
    """Log-rank test of equal survival across ``groups``.

    Returns ``statistic`` (chi-squared), ``p_value``, ``degrees_of_freedom`` and the
    sorted ``groups`` compared.
    """
    t, e = _inputs(times, events)
    g = np.asarray(groups)
    if len(g) != len(t):
        raise UsageError(f"groups ({len(g)}) and times ({len(t)}) must be the same length")
    labels = sorted({str(x) for x in g})
    if len(labels) < 2:
        raise UsageError("a log-rank test needs at least two groups")
    result = multivariate_logrank_test(t, g.astype(str), e)
    return {
        "statistic": float(result.test_statistic),
        "p_value": float(result.p_value),
        "degrees_of_freedom": int(result.degrees_of_freedom),
        "groups": labels,
    }
