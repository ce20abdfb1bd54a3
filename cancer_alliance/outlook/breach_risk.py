"""Breach risk on the tracking list: the probability an open pathway breaches 62 (and 28) days.

Method (why, and how well it does on months it did not see: ``docs/explanation/breach-risk.md``):
a *landmark* (discrete-time) model. For each of the alliance's pathways whose outcome is
known at the census, one training row is made at each landmark day (:data:`LANDMARKS`) it
was still waiting at, describing the pathway *as it stood that day*: days waited, route,
cancer type (the diagnosed tumour group once the patient has been told, else the suspected
type), provider, whether it had been transferred, and the step it had reached. The label is
whether it went on to breach. A gradient-boosted classifier (scikit-learn's
``HistGradientBoostingClassifier``, log-loss, native categorical features) learns
P(breach | still waiting at day d, state at day d); an open pathway on the PTL is scored
from its state on the census date. Log-loss boosting gives probabilities, and the
benchmark's reliability table on later months checks they are calibrated.

What "breach" means, defined once here:

* ``breach_risk_62``: the pathway is still on the tracking list after day 62 (metrics
  reference §5: not treated, not told cancer is ruled out, not closed by day 62, so it
  enters the 62-day backlog; days counted from the clock start with the A1 reset, C1);
* ``breach_risk_28``: the 28-day FDS clock (§2.1) has not stopped by day 28: the patient
  was not told cancer is confirmed or ruled out (nor a decision to treat made) by then.
  Only USC, breast-symptomatic and screening pathways (FDS routes) not yet told and with no
  FDS exclusion; blank otherwise.

A pathway already past the limit on the census date has breached: its risk is 1.

No look-ahead: the model is fitted as of the census. Every event dated after the census is
treated as not having happened, and only pathways whose outcome was known on the census
are used: those whose clock started at least ``limit + 1`` days before it (all of them
have either left the list by day ``limit`` or were still on it after; none is censored),
within the :data:`TRAINING_DAYS` before that, so the model reflects current performance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from cancer_alliance.metrics import platform_rules as rules
from cancer_alliance.metrics.standards import STANDARDS

#: The two risks and their limits (days): the 62-day backlog (§5) and FDS (§2.1).
LIMIT_62 = rules.BACKLOG_AFTER_DAYS
LIMIT_28 = STANDARDS["FDS"].limit_days
FDS_ROUTES = STANDARDS["FDS"].routes
#: Days waited at which completed pathways are described for training.
LANDMARKS = {62: (0, 7, 14, 21, 28, 35, 42, 49, 56, 61),
             28: (0, 4, 7, 11, 14, 18, 21, 25, 27)}
#: How far back clock starts are used (before the last start whose outcome is known).
TRAINING_DAYS = 365
#: At most this many pathways (a seeded random sample) are learned from, so fitting stays
#: in seconds for a national store; the benchmark shows calibration holds with it.
MAX_TRAINING_PATHWAYS = 40_000
#: Fewest training rows (and of each label) before a model is fitted; else risks are blank.
MIN_TRAINING_ROWS = 50
#: The pathway steps, in order, as the PTL names the next one (``next_step``).
STEPS = ("first_seen", "diagnosis", "decision_to_treat", "treatment")
CATEGORIES = ("referral_route", "cancer_type", "provider_code")
FEATURES = ("days_waited", "step", "transferred", *CATEGORIES)
#: Dataset columns (plus the derived ``clock_start`` and ``tumour_group``) the model reads.
COLUMNS = ("provider_code", "pathway_id", "referral_route", "clock_start",
           "suspected_cancer_type", "tumour_group", "first_seen_date",
           "diagnosis_communicated_date", "fds_outcome", "fds_exclusion",
           "decision_to_treat_date", "first_treatment_date", "pathway_closed_date",
           "transfer_received_date")
_EVENTS = ("first_seen_date", "diagnosis_communicated_date", "decision_to_treat_date",
           "first_treatment_date", "pathway_closed_date", "transfer_received_date")
RISK_COLUMNS = ("breach_risk_62", "breach_risk_28")
#: Threads the classifier fits and predicts with. One: its OpenMP threads wait for each
#: other by spinning, so on a shared, busy machine (the serving process, the job worker and
#: other work on two cores) two threads took 16 times as long as one (159 s against 10 s for
#: the demo alliance at load average 11, ``benchmarks/bench_web.py``). Results do not depend
#: on it.
FIT_THREADS = 1
NOT_KNOWN = "Not known"


@dataclass
class BreachRiskModel:
    """The two fitted classifiers (None: too little history) and what they were fitted on."""

    census: date
    models: dict[int, Any] = field(default_factory=dict)
    categories: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    training_rows: dict[int, int] = field(default_factory=dict)
    training_pathways: dict[int, int] = field(default_factory=dict)


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce").astype("datetime64[ns]")


def as_of(pathways: pd.DataFrame, census: date) -> pd.DataFrame:
    """The pathways as the store would have shown them on ``census``: events after it blanked.

    A diagnosis not yet communicated has no tumour group and no FDS outcome yet.
    """
    c = pd.Timestamp(census)
    df = pathways.loc[:, list(COLUMNS)].copy()
    df["clock_start"] = _dates(df["clock_start"])
    for col in _EVENTS:
        d = _dates(df[col])
        df[col] = d.where(d <= c)
    told = df["diagnosis_communicated_date"].notna()
    df["fds_outcome"] = df["fds_outcome"].where(told)
    df["tumour_group"] = df["tumour_group"].where(told)
    return df[df["clock_start"].notna() & (df["clock_start"] <= c)]


def _days(later: pd.Series, start: pd.Series) -> pd.Series:
    return (later - start).dt.days


def exit_day(df: pd.DataFrame, limit: int) -> pd.Series:
    """Day the pathway left the clock that ``limit`` measures (NaN: not left, as of now).

    62: the tracking list (§5): first treatment, told cancer is ruled out, or closure.
    28: the FDS clock (§2.1): told (confirmed or ruled out), or a decision to treat.
    """
    start = df["clock_start"]
    if limit == LIMIT_62:
        ruled_out = df["diagnosis_communicated_date"].where(df["fds_outcome"] == "RULED_OUT")
        stop = pd.concat([df["first_treatment_date"], ruled_out, df["pathway_closed_date"]],
                         axis=1).min(axis=1)
    else:
        stop = df[["diagnosis_communicated_date", "decision_to_treat_date"]].min(axis=1)
    return _days(stop, start)


def applicable(df: pd.DataFrame, limit: int) -> pd.Series:
    """Pathways a risk of breaching ``limit`` means something for (see module doc)."""
    if limit == LIMIT_62:
        return df["referral_route"].isin(rules.PTL_ROUTES)
    return df["referral_route"].isin(FDS_ROUTES) & ~df["fds_exclusion"].isin(
        rules.FDS_EXCLUDING_VALUES)


def _state(df: pd.DataFrame, day: pd.Series) -> pd.DataFrame:
    """The model's features for each pathway as it stood ``day`` days after its clock start."""
    start = df["clock_start"]
    on = start + pd.to_timedelta(day, unit="D")

    def by(col: str) -> pd.Series:
        return df[col].notna() & (df[col] <= on)

    step = np.where(~by("first_seen_date"), 0,
                    np.where(~by("diagnosis_communicated_date"), 1,
                             np.where(~by("decision_to_treat_date"), 2, 3)))
    told = by("diagnosis_communicated_date")
    cancer = df["tumour_group"].where(told & df["tumour_group"].notna(),
                                      df["suspected_cancer_type"])
    return pd.DataFrame({
        "days_waited": np.asarray(day, dtype="int64"),
        "step": step.astype("int64"),
        "transferred": by("transfer_received_date").astype("int64").to_numpy(),
        "referral_route": df["referral_route"].fillna(NOT_KNOWN).to_numpy(),
        "cancer_type": cancer.fillna(NOT_KNOWN).to_numpy(),
        "provider_code": df["provider_code"].fillna(NOT_KNOWN).to_numpy(),
    }, index=df.index)


def training_rows(pathways: pd.DataFrame, census: date, limit: int) -> pd.DataFrame:
    """Landmark rows (:data:`FEATURES` and ``breached``) from pathways known at ``census``."""
    df = as_of(pathways, census)
    c = pd.Timestamp(census)
    newest = c - pd.Timedelta(days=limit + 1)
    oldest = newest - pd.Timedelta(days=TRAINING_DAYS)
    df = df[applicable(df, limit) & (df["clock_start"] >= oldest)
            & (df["clock_start"] <= newest)]
    if limit == LIMIT_28:  # FDS exclusions are out of the standard (as known at the census)
        df = df[df["fds_exclusion"].isna()]
    # The store returns rows in no fixed order, so put them in pathway order: the seeded
    # sample, and the model's own seeded binning, then see the same rows in the same order
    # on every run over the same data (runs differed by a few hundred training rows).
    order = ["provider_code", "pathway_id", "clock_start"]
    df = df.sort_values(order, kind="stable")
    if len(df) > MAX_TRAINING_PATHWAYS:
        df = df.sample(MAX_TRAINING_PATHWAYS, random_state=census.toordinal())
        df = df.sort_values(order, kind="stable")
    left = exit_day(df, limit)
    breached = left.isna() | (left > limit)
    frames = []
    for d in LANDMARKS[limit]:
        waiting = left.isna() | (left > d)
        part = df[waiting]
        rows = _state(part, pd.Series(d, index=part.index))
        rows["breached"] = breached[waiting].astype("int64").to_numpy()
        rows["pathway"] = np.flatnonzero(waiting.to_numpy())
        frames.append(rows)
    if not frames:
        return pd.DataFrame(columns=[*FEATURES, "breached", "pathway"])
    return pd.concat(frames, ignore_index=True)


def _encode(rows: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    x = rows.loc[:, list(FEATURES)].copy()
    for col in CATEGORIES:
        x[col] = pd.Categorical(x[col], categories=categories[col])
    return x


def _classifier() -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        loss="log_loss", learning_rate=0.1, max_iter=100, max_leaf_nodes=31,
        min_samples_leaf=40, l2_regularization=1.0, categorical_features="from_dtype",
        early_stopping=False, random_state=0)


def fit(pathways: pd.DataFrame, census: date) -> BreachRiskModel:
    """Fit both risks as of ``census`` on ``pathways`` (see :data:`COLUMNS`)."""
    model = BreachRiskModel(census=census)
    for limit in (LIMIT_62, LIMIT_28):
        rows = training_rows(pathways, census, limit)
        counts = rows["breached"].value_counts()
        model.training_rows[limit] = len(rows)
        model.training_pathways[limit] = int(rows["pathway"].nunique()) if len(rows) else 0
        if len(rows) < MIN_TRAINING_ROWS or counts.get(0, 0) < 5 or counts.get(1, 0) < 5:
            continue
        cats = {c: sorted(rows[c].unique().tolist()) for c in CATEGORIES}
        clf = _classifier()
        with threadpool_limits(FIT_THREADS):
            clf.fit(_encode(rows, cats), rows["breached"].to_numpy())
        model.models[limit] = clf
        model.categories[limit] = cats
    return model


def _predict(clf: Any, categories: dict[str, list[str]], state: pd.DataFrame) -> np.ndarray:
    """P(breach) for each row of ``state``, each distinct state predicted once.

    The features are few and discrete (days, step, route, type, provider, transferred), so
    a tracking list has far fewer distinct states than pathways; the model is a function of
    the state alone, so this changes no figure and makes a national list quick to score.
    """
    cols = list(FEATURES)
    distinct = state.drop_duplicates(subset=cols).reset_index(drop=True)
    with threadpool_limits(FIT_THREADS):
        p = clf.predict_proba(_encode(distinct, categories))[:, 1]
    distinct["_p"] = np.round(p, 4)
    return state.merge(distinct, on=cols, how="left")["_p"].to_numpy()


def score(model: BreachRiskModel, pathways: pd.DataFrame, census: date) -> pd.DataFrame:
    """``breach_risk_62`` and ``breach_risk_28`` of each open pathway in ``pathways``.

    Index as ``pathways``'s. Blank for a pathway no longer on the tracking list, where the
    risk does not apply, where its clock has already stopped, or where there was too little
    history to fit a model.
    """
    df = as_of(pathways, census).reindex(pathways.index)
    waited = _days(pd.Series(pd.Timestamp(census), index=df.index), df["clock_start"])
    out = pd.DataFrame(index=pathways.index, columns=list(RISK_COLUMNS), dtype="float64")
    on_list = applicable(df, LIMIT_62) & df["clock_start"].notna() & exit_day(df, LIMIT_62).isna()
    for limit, column in ((LIMIT_62, "breach_risk_62"), (LIMIT_28, "breach_risk_28")):
        waiting = on_list & applicable(df, limit) & exit_day(df, limit).isna()
        past = waiting & (waited >= limit)
        out.loc[past, column] = 1.0
        clf = model.models.get(limit)
        todo = waiting & (waited < limit)
        if clf is None or not todo.any():
            continue
        out.loc[todo, column] = _predict(clf, model.categories[limit],
                                         _state(df[todo], waited[todo]))
    return out
