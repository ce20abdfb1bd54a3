"""The reconciliation page: the alliance's own figures against NHS England's published ones.

The same table as ``cancer-alliance published reconcile`` (``published.reconcile``): per
provider, standard and month, published and local total, within and breaches, their
differences (local minus published) and a status. The lines that differ come first, so
the page answers "where do we disagree with NHS England, and by how much". Who sees which
providers is :func:`cancer_alliance.auth.policy.reconciliation_scope`.
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
                 "unavailable": None, "loaded": True}
    try:
        df = scoped_reconciliation(con, actor, standard, period, provider)
        ctx["loaded"] = bool(data.published_version(con)[0])
        counts = Counter(df["status"])
        ctx["counts"] = [(s, counts[s]) for s in STATUS_ORDER if counts.get(s)]
        ctx["rows"] = df.to_dict("records")
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    ctx["standards"] = sorted(data.standard_defs())
    return render(request, "reconciliation.html", **ctx)
