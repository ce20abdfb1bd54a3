"""Fit the baseline scenario of an alliance from its own pathways in the store.

What is fitted, on the last 12 complete months of submissions (the *fit window*):

* **demand**: referrals per month by provider and stream (suspected cancer type of a USC
  referral, else the route), with growth and calendar-month seasonality from a log-linear
  least-squares fit of the alliance's monthly referrals over up to 36 months;
* **conversion**: the share of each stream diagnosed with cancer, its first-treatment
  modality mix and where it is treated (inter-provider transfers);
* **step durations**: quantiles of the days each step took for pathways whose step ended in
  the window (first appointment: clock start to first seen; diagnostics: clock start to
  told, separately for referrals found to have cancer or not; decision: told to decision to
  treat; treatment: decision to treatment), by provider and stream where there are at
  least ``MIN_PATHWAYS`` pathways, else for the stream across the alliance, else for the
  step;
* **capacity**: for each provider and resource, the highest daily rate of activity of any
  month in the window (what the trust has shown it can do) times ``1 + headroom``, and at
  least the window's mean daily activity plus ``SAFETY_Z`` times its square root.
  Diagnostic activity is dated at the told date and split by the platform's diagnostic mix
  (:mod:`cancer_alliance.reference.diagnostic_tests`); treatment activity by the resource of
  the first-treatment modality.

The clock start is the metrics' (referral received, the DNA reset date when there is one, or
the upgrade date). Route OTHER starts at the decision to treat and has no 62-day or FDS
clock, so it is not simulated.
"""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

from cancer_alliance.dataset.capacity_codes import RESOURCE_OF_MODALITY
from cancer_alliance.errors import NotFound
from cancer_alliance.outlook.demand import demand_forecast
from cancer_alliance.outlook.scenarios import (
    ANY,
    FDS_GROUPS,
    FIRST_APPOINTMENT,
    GROUPS,
    Scenario,
    Stream,
    month_index,
    month_text,
)
from cancer_alliance.reference.diagnostic_tests import diagnostic_mix

MIN_PATHWAYS = 30
# Quantiles kept of each step's days: every 2.5% in the body, every 1% in the upper tail
# where the 28- and 62-day limits fall, then 99.5% and the maximum.
QUANTILE_PROBS = tuple(
    [round(i * 0.025, 3) for i in range(32)] + [round(0.8 + i * 0.01, 2) for i in range(20)]
    + [0.995, 1.0])
TREND_MONTHS = 36
DEFAULT_HEADROOM = 0.05
#: Slots a day are at least demand + SAFETY_Z x sqrt(demand) (the square-root safety rule of
#: Halfin and Whitt): a small resource (two patients a day) would otherwise queue for days
#: at its busiest month's rate, on top of fitted durations that already include its waits.
SAFETY_Z = 1.5

_PATHWAYS_SQL = """
SELECT provider_code AS provider,
       CASE WHEN referral_route = 'USC' THEN suspected_cancer_type ELSE referral_route END
           AS grp,
       coalesce(first_seen_clock_reset_date, referral_received_date, upgrade_date) AS start,
       first_seen_date AS seen, first_seen_provider_code AS seen_provider,
       diagnosis_communicated_date AS told,
       (fds_outcome = 'CONFIRMED' OR first_treatment_date IS NOT NULL) AS cancer,
       decision_to_treat_date AS dtt, first_treatment_date AS treat,
       first_treatment_provider_code AS treat_provider,
       first_treatment_modality AS modality, pathway_closed_date AS closed
FROM pathways
WHERE referral_route <> 'OTHER'
  AND coalesce(first_seen_clock_reset_date, referral_received_date, upgrade_date) IS NOT NULL
"""


def fit_window(con) -> tuple[int, int]:
    """The last 12 complete months the store has submissions for (month indices)."""
    rows = con.execute("SELECT max(period) FROM submissions").fetchall()
    if not rows or rows[0][0] is None:
        raise NotFound("the store has no pathway submissions to fit a baseline on")
    last = month_index(str(rows[0][0])[:7])
    return last - 11, last


def load_pathways(con) -> pd.DataFrame:
    df = con.execute(_PATHWAYS_SQL).df()
    for col in ("start", "seen", "told", "dtt", "treat", "closed"):
        df[col] = pd.to_datetime(df[col])
    df["cancer"] = df["cancer"].fillna(False).astype(bool)
    return df[df["grp"].isin(GROUPS)].reset_index(drop=True)


def _month(series: pd.Series) -> pd.Series:
    return series.dt.year * 12 + series.dt.month - 1


def fit_baseline(con, name: str = "baseline", headroom: float = DEFAULT_HEADROOM,
                 seed: int = 2016, forecast_months: int = 0) -> Scenario:
    """The calibrated baseline scenario of the alliance in the store.

    With ``forecast_months``, demand for that many months after the window follows the
    alliance's urgent-referral forecast (:func:`cancer_alliance.outlook.demand.
    demand_forecast`, ETS with working days); after them, and without, the fitted growth.
    """
    first, last = fit_window(con)
    df = load_pathways(con)
    growth, season = _trend(df, last)
    in_window = lambda col: _month(df[col]).between(first, last)  # noqa: E731
    streams = _streams(df, in_window, first, last, growth, season)
    mix = {g: diagnostic_mix(g) for g in FDS_GROUPS if diagnostic_mix(g)}
    return Scenario(
        name=name,
        description=f"Baseline fitted on {month_text(first)} to {month_text(last)}: demand, "
        "conversion, step durations and capacity as the alliance's own pathways show them.",
        start=last + 1, warmup_months=12, seed=seed, growth_per_year=growth,
        reference_month=last, seasonality=season, streams=streams, diagnostic_mix=mix,
        quantile_probs=QUANTILE_PROBS, durations=_durations(df, in_window),
        capacity=_capacity(df, in_window, mix, headroom),
        fitted_on=(month_text(first), month_text(last)),
        forecast=_forecast(con, last, forecast_months) if forecast_months else {},
    )


def _forecast(con, last: int, months: int) -> dict[int, float]:
    """The alliance's USC referral forecast for the months after ``last``."""
    f = demand_forecast(con, "referrals", "alliance", months)
    f = f.assign(m=f["month"].map(month_index))
    f = f[f["m"] > last].groupby("m")["forecast"].sum()  # one alliance: one row a month
    return {int(m): float(v) for m, v in f.items()}


def _trend(df: pd.DataFrame, last: int) -> tuple[float, tuple[float, ...]]:
    """Growth per year and Jan-Dec seasonality: log counts ~ trend + month effects."""
    months = _month(df["start"])
    counts = months[(months > last - TREND_MONTHS) & (months <= last)].value_counts().sort_index()
    if len(counts) < 13:
        return 0.0, (1.0,) * 12
    m = counts.index.to_numpy()
    x = np.column_stack([(m - last) / 12.0, np.eye(12)[m % 12]])
    coef, *_ = np.linalg.lstsq(x, np.log(counts.to_numpy(dtype=float)), rcond=None)
    effects = coef[1:]
    present = np.isin(np.arange(12), m % 12)
    effects = np.where(present, effects, effects[present].mean())
    season = np.exp(effects - effects.mean())
    return float(np.exp(coef[0]) - 1.0), tuple(round(float(v), 4) for v in season)


def _streams(df, in_window, first, last, growth, season) -> list[Stream]:
    m = np.arange(first, last + 1)
    # per_month is the deseasonalised rate at the window's last month
    shape = np.mean(np.asarray(season)[m % 12] * (1 + growth) ** ((m - last) / 12))
    started = df[in_window("start")]
    known = df[df["told"].notna() | df["treat"].notna() | df["closed"].notna()]
    known = known[known["start"].pipe(_month).between(first, last)]
    treated = df[in_window("treat")]
    out = []
    for (provider, grp), rows in started.groupby(["provider", "grp"], sort=True):
        k = known[(known["provider"] == provider) & (known["grp"] == grp)]
        t = treated[(treated["provider"] == provider) & (treated["grp"] == grp)]
        out.append(Stream(
            provider=provider, group=grp, per_month=float(len(rows) / 12 / shape),
            cancer_share=float(k["cancer"].mean()) if len(k) else 0.0,
            treatment_mix=_shares(t["modality"]), treated_at=_shares(t["treat_provider"]),
        ))
    return out


def _shares(values: pd.Series) -> dict[str, float]:
    counts = values.dropna().value_counts()
    if counts.empty:
        return {}
    return {str(k): float(v / counts.sum()) for k, v in counts.sort_index().items()}


def _step_days(df: pd.DataFrame, in_window) -> dict[str, pd.DataFrame]:
    fds = df["grp"].isin(FDS_GROUPS)
    parts = {
        "first_appointment": (fds & in_window("seen"), df["seen"] - df["start"]),
        "diagnostics": (in_window("told") & ~df["cancer"], df["told"] - df["start"]),
        "diagnostics_cancer": (in_window("told") & df["cancer"], df["told"] - df["start"]),
        "decision": (in_window("dtt") & df["cancer"] & df["told"].notna(),
                     df["dtt"] - df["told"]),
        "treatment": (in_window("treat") & df["dtt"].notna(), df["treat"] - df["dtt"]),
    }
    out = {}
    for step, (sel, delta) in parts.items():
        days = pd.Series(delta)[sel].dt.days.clip(lower=0)
        out[step] = pd.DataFrame({"provider": df.loc[sel, "provider"], "grp": df.loc[sel, "grp"],
                                  "days": days})
    return out


def _quantiles(days: pd.Series) -> tuple[float, ...]:
    return tuple(round(float(v), 2)
                 for v in np.quantile(days.to_numpy(dtype=float), QUANTILE_PROBS))


def _durations(df, in_window) -> dict[tuple[str, str, str], tuple[float, ...]]:
    out = {}
    for step, d in _step_days(df, in_window).items():
        if len(d):
            out[(ANY, ANY, step)] = _quantiles(d["days"])
        for grp, rows in d.groupby("grp"):
            if len(rows) >= MIN_PATHWAYS:
                out[(ANY, grp, step)] = _quantiles(rows["days"])
        for (provider, grp), rows in d.groupby(["provider", "grp"]):
            if len(rows) >= MIN_PATHWAYS:
                out[(provider, grp, step)] = _quantiles(rows["days"])
    return out


def _capacity(df, in_window, mix, headroom) -> dict[tuple[str, str], float]:
    """Slots per day: the busiest month's activity per day in the window, plus headroom."""
    activity: list[pd.DataFrame] = []
    seen = df[in_window("seen") & df["seen_provider"].notna()]
    activity.append(pd.DataFrame({"provider": seen["seen_provider"], "resource":
                                  FIRST_APPOINTMENT, "month": _month(seen["seen"]),
                                  "n": 1.0}))
    told = df[in_window("told") & df["grp"].isin(list(mix))]
    for grp, rows in told.groupby("grp"):
        for modality, share in mix[grp].items():
            activity.append(pd.DataFrame({"provider": rows["provider"], "resource": modality,
                                          "month": _month(rows["told"]), "n": share}))
    treated = df[in_window("treat") & df["modality"].isin(list(RESOURCE_OF_MODALITY))]
    activity.append(pd.DataFrame({"provider": treated["treat_provider"],
                                  "resource": treated["modality"].map(RESOURCE_OF_MODALITY),
                                  "month": _month(treated["treat"]), "n": 1.0}))
    a = pd.concat(activity, ignore_index=True)
    monthly = a.groupby(["provider", "resource", "month"])["n"].sum().reset_index()
    days = monthly["month"].map(lambda m: calendar.monthrange(m // 12, m % 12 + 1)[1])
    monthly["per_day"] = monthly["n"] / days
    peak = monthly.groupby(["provider", "resource"])["per_day"].max() * (1 + headroom)
    window_days = days.groupby(monthly["month"]).first().sum()
    mean = monthly.groupby(["provider", "resource"])["n"].sum() / window_days
    floor = mean + SAFETY_Z * np.sqrt(mean)
    return {(p, r): float(max(peak[(p, r)], floor[(p, r)])) for p, r in peak.index}
