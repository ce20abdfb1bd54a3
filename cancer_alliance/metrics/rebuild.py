"""The pathway rows behind a figure: what a reader sums to rebuild it (issue 13).

A completed-waits figure is a sum of outcome rows: by *accountable* provider, with
inter-provider transfer shares (a half-patient each side), over included rows; ``within``
rows give its numerator. :func:`rows_behind` returns exactly those rows for a standard, a
month or span, the accountable provider and any breakdown filters, so that

    sum(share over included rows) == the figure's total, and
    sum(share over included rows with outcome "within") == its within,

to the half-patient. The web's "pathways behind this figure" downloads and the packs'
companion download (``reports.figure_rows``) both use it: one rule for every figure.

Patient-level, so who sees which rows is decided by ``auth.policy``: :func:`figure_rows`
applies :func:`policy.figure_scope` (a provider: the rows accountable to it, whoever
submitted them) and blanks, in a provider's rows another trust submitted, the fields
:data:`policy.OTHER_TRUST_HIDDEN` (what the figure does not need). Callers check
``policy.decide(actor, "view_patient", ...)`` and audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.metrics.api import outcomes
from cancer_alliance.metrics.data_start import data_start

EXPORT_COLUMNS = ("standard", "provider_code", "commissioner_code", "pathway_id",
                  "treatment_number", "included", "exclusion_reason", "clock_start",
                  "clock_stop", "adjustment_days", "days", "limit_days", "outcome",
                  "reporting_period", "accountable_provider_code", "share", "allocation_rule",
                  "tumour_group", "referral_route", "modality")
"""The pathway-level trace of a figure; no demographic columns (not needed to check one)."""


def as_text(value: object) -> str:
    """A breakdown value as a figure names it: a whole number without ``.0`` (an IMD
    quintile read as 1.0 is group ``1``), anything else as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def figure_rows(df: pd.DataFrame, actor: Actor | None, provider: str | None = None,
                tumour_group: str | None = None,
                filters: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The outcome rows of ``df`` behind the figure ``actor`` sees (optionally one
    accountable provider's, one tumour group's, or rows whose columns equal ``filters``),
    so that summing ``share`` over included rows gives the figure.

    ``actor=None`` is the platform itself (a command run by the operator): every row. A
    provider's rows that another trust submitted keep only what the figure needs."""
    scope = {} if actor is None else policy.figure_scope(actor)
    if scope is None:
        return df.iloc[0:0]
    for column, value in scope.items():
        df = df[df[column] == value]
    if provider:
        df = df[df["accountable_provider_code"] == provider]
    if tumour_group:
        df = df[df["tumour_group"] == tumour_group]
    for column, value in (filters or {}).items():
        df = df[df[column].map(as_text) == as_text(value)]
    df = df.copy()
    if actor is not None and actor.role == "provider":
        others = df["provider_code"] != actor.org_code
        for column in policy.OTHER_TRUST_HIDDEN:
            if column in df.columns:
                df[column] = df[column].astype(object).where(~others, None)
    return df


def standard_rows(con: duckdb.DuckDBPyConnection, standard: str,
                  period: str | tuple[str, str]) -> pd.DataFrame:
    """Every wide outcome row of ``standard`` in ``period`` from the alliance's data start
    on (months before it are in no aggregate, so in no figure's rows either)."""
    df = outcomes(con, standard=standard, period=period, wide=True)
    start = data_start(con)
    if start is not None and len(df):
        df = df[df["reporting_period"].astype(str) >= start]
    return df


def rows_behind(con: duckdb.DuckDBPyConnection, actor: Actor | None, standard: str,
                period: str | tuple[str, str], provider: str | None = None,
                tumour_group: str | None = None,
                filters: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The rows behind one figure (:func:`figure_rows` over :func:`standard_rows`), in
    :data:`EXPORT_COLUMNS`."""
    out = figure_rows(standard_rows(con, standard, period), actor, provider, tumour_group,
                      filters)
    return out[[c for c in EXPORT_COLUMNS if c in out.columns]]


def sums(rows: pd.DataFrame) -> tuple[float, float]:
    """(total, within) of a figure rebuilt from its rows: shares of included rows."""
    inc = rows[rows["included"].fillna(False).astype(bool)]
    return float(inc["share"].sum()), float(inc.loc[inc["outcome"] == "within", "share"].sum())
