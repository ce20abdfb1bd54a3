"""The reconciliation page: the alliance's own figures against NHS England's published ones.

The same table as ``cancer-alliance published reconcile`` (``published.reconcile``): per
provider, standard and month, published and local total, within and breaches, their
differences (local minus published) and a status. The lines that differ come first, so
the page answers "where do we disagree with NHS England, and by how much". Who sees which
providers is :func:`cancer_alliance.auth.policy.reconciliation_scope`.

Below it, **other Cancer Alliances**: NHS England's commissioner (sub-ICB location) extract
summed by Cancer Alliance through the ONS lookup loaded with ``published alliances --load``
(:mod:`cancer_alliance.published.alliances`), for the chosen standard and month (else the
latest month published), so the alliance can be compared with the others on published
figures alone.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
from fastapi import APIRouter, Depends, Request

from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.web import data, params
from cancer_alliance.web.deps import Forbidden, get_con, render, require

router = APIRouter()

#: The standards compared across alliances when none is chosen: those NHS England's
#: commissioner extract publishes.
ALLIANCE_STANDARDS = ("FDS", "31_DAY", "62_DAY")

#: Statuses in the order the page lists them: disagreements first.
STATUS_ORDER = ("differs", "published only", "local only", "not published", "match",
                "not computed locally")


def scoped_reconciliation(con, actor: Actor, standard: str | None, period: str | None,
                          provider: str | None) -> pd.DataFrame:
    """The reconciliation rows ``actor`` may see, optionally for one provider."""
    decision, only = policy.reconciliation_scope(actor)
    if not decision.allowed:
        raise Forbidden(decision.reason)
    if only is not None and provider not in (None, only):
        raise Forbidden(f"provider users may only see the reconciliation of {only}")
    df = data.reconciliation(con, standard, period)
    wanted = provider or only
    if wanted is not None:
        df = df[df["provider_code"] == wanted]
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    df = df.assign(_order=df["status"].map(order).fillna(len(order)))
    df = df.sort_values(["_order", "standard", "period", "provider_code"])
    return df.drop(columns="_order").reset_index(drop=True)


@router.get("/reconciliation", include_in_schema=False)
def reconciliation_page(
    request: Request, standard: str | None = None, period: str | None = None,
    provider: str | None = None, con=Depends(get_con),
    actor: Actor = Depends(require("view_operations")),
):
    standard = params.standard(standard) if standard else None
    period, provider = params.period(period), params.org_code(provider)
    ctx: dict = {"title": "Reconciliation with NHS England", "standard": standard,
                 "period": period, "provider": provider, "rows": [], "counts": [],
                 "unavailable": None, "loaded": True, "alliances": [],
                 "alliances_period": None}
    try:
        df = scoped_reconciliation(con, actor, standard, period, provider)
        ctx["loaded"] = bool(data.published_version(con)[0])
        counts = Counter(df["status"])
        ctx["counts"] = [(s, counts[s]) for s in STATUS_ORDER if counts.get(s)]
        ctx["rows"] = df.to_dict("records")
        ctx["alliances"], ctx["alliances_period"] = other_alliances(con, standard, period)
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    ctx["standards"] = sorted(data.standard_defs())
    return render(request, "reconciliation.html", **ctx)


def other_alliances(con, standard: str | None, period: str | None
                    ) -> tuple[list[dict], str | None]:
    """Every Cancer Alliance's published figures for ``period`` (else the latest month
    published), for ``standard`` or each of :data:`ALLIANCE_STANDARDS`, and the month."""
    frames = [data.other_alliances(con, code) for code in
              ((standard,) if standard else ALLIANCE_STANDARDS)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return [], period
    df = pd.concat(frames, ignore_index=True)
    month = period or str(df["period"].max())
    df = df[df["period"] == month].sort_values(["standard", "performance"],
                                               ascending=[True, False], na_position="last")
    return df.to_dict("records"), month
