"""Provider and board packs: what goes in them (the figures), not how they look.

A **provider pack** is built for one provider and one month: its standards with SPC and its
funnel position, backlog and long waits, transfer phases, tumour-group hot spots, equity
gaps, data quality, trajectory status and its open actions. Other providers appear only as
anonymous points on a funnel. A **board pack** is alliance-wide and passes every table of
counts through small-number protection.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.dataset import periods
from cancer_alliance.errors import NotFound
from cancer_alliance.operations import bids, plan, trajectories, voice
from cancer_alliance.operations.actuals import ALLIANCE
from cancer_alliance.operations.db import rows
from cancer_alliance.reports import patients
from cancer_alliance.reports import sections as s
from cancer_alliance.reports.capacity_section import capacity_section
from cancer_alliance.reports.summary import board_summary


def provider_name(con, code: str) -> str:
    r = con.execute("SELECT org_name FROM organisations WHERE org_code = ?", [code]).fetchone()
    if r is None:
        r = con.execute("SELECT org_name FROM alliance_members WHERE org_code = ?",
                        [code]).fetchone()
    if r is None:
        known = [x[0] for x in con.execute(
            "SELECT DISTINCT provider_code FROM pathways ORDER BY 1").fetchall()]
        if code not in known:
            raise NotFound(f"provider {code} is not known (providers with data: "
                           f"{', '.join(known) or 'none'})")
        return code
    return r[0]


def org_names(con) -> dict[str, str]:
    """Organisation code -> name (reference data, then alliance members): what the pack
    writes for a code (``labels.org``)."""
    names = dict(con.execute("SELECT org_code, org_name FROM alliance_members").fetchall())
    names.update(con.execute("SELECT org_code, org_name FROM organisations").fetchall())
    return names


def providers(con) -> list[dict]:
    return rows(con, "SELECT DISTINCT p.provider_code AS code,"
                     " coalesce(o.org_name, p.provider_code) AS name FROM pathways p"
                     " LEFT JOIN organisations o ON o.org_code = p.provider_code ORDER BY 1")


def provider_pack(con, provider_code: str, period: str, protect: bool = False,
                  with_patients: bool = False, risk_ptl: pd.DataFrame | None = None,
                  figures: dict | None = None) -> dict:
    """Everything a provider is shown for ``period``, as aggregates only.

    ``protect`` builds it for a board member: every count below the alliance level passes
    the dashboard's small-number protection (metrics reference §8); the provider itself
    gets exact counts. With ``with_patients`` (only for a reader ``auth.policy`` lets see
    this provider's patients, audited by the caller) it also lists its highest-risk open
    pathways (:mod:`.patients`); ``risk_ptl`` is the month-end tracking list with breach
    risks when the caller already has it (the web keeps it per data version), else it is
    computed here. ``figures``: :func:`provider_figures` for the same arguments when the
    caller keeps them (the web, per data version and plan edit), else computed here."""
    period = periods.check_month(period)
    name = provider_name(con, provider_code)
    as_of = periods.month_end(period)
    if figures is None:
        figures = provider_figures(con, provider_code, period, protect)
    return {
        "kind": "PROVIDER",
        "provider_code": provider_code,
        "provider_name": name,
        "org_names": org_names(con),
        "period": period,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "edition": s.edition_section(con, period, name_missing=False),
        "protected": protect,
        **figures,
        "data_quality": s.data_quality_section(con, period, provider_code, protect=protect),
        "actions": s.actions_section(con, provider_code, as_of),
        "high_risk": (patients.high_risk_section(con, period, provider_code,
                                                 risk_ptl=risk_ptl)
                      if with_patients else None),
    }


#: The sections of a provider pack computed from the submitted data and the plans (the slow
#: part): what :func:`provider_figures` returns.
FIGURE_SECTIONS = ("standards", "backlog", "transfers", "hotspots", "equity", "trajectories")


def provider_figures(con, provider_code: str, period: str, protect: bool = False) -> dict:
    """The pack's :data:`FIGURE_SECTIONS`: they change only with a submission or a plan
    edit, so a caller may keep them. Sections asking the same aggregate share one
    computation (:func:`metrics.reusing`)."""
    period = periods.check_month(period)
    with metrics.reusing():
        return {
            "standards": [s.standard_section(con, c, period, provider_code, protect=protect)
                          for c in s.PACK_STANDARDS],
            "backlog": s.backlog_section(con, period, provider_code, protect=protect),
            "transfers": s.transfer_section(con, period, provider_code, protect=protect),
            "hotspots": s.hotspot_section(con, period, provider_code, protect=protect),
            "equity": s.equity_section(con, period, provider_code, protect=protect),
            "trajectories": s.trajectory_section(con, provider_code, period),
        }


def board_pack(con, period: str) -> dict:
    """The alliance-wide pack for the board: protected aggregates, plan, money, voice."""
    with metrics.reusing():
        return _board_pack(con, period)


def _board_pack(con, period: str) -> dict:
    period = periods.check_month(period)
    as_of = periods.month_end(period)
    provs = providers(con)
    # the standards, backlog and executive summary the board's web page shows too
    one_page = board_summary(con, period)
    league = one_page["standards"]
    by_provider = []
    for code in s.PACK_STANDARDS:
        try:
            df = metrics.compute_metrics(con, code, by=("provider_code", "month"), period=period)
            items = [{"provider_code": r.provider_code, "total": float(r.total),
                      "within": float(r.within)} for r in df.itertuples()]
            prot = s._protect(items, "provider_code") if items else []
            by_provider.append({"code": code, "rows": prot})
        except Exception as exc:  # noqa: BLE001 - visible in the pack
            by_provider.append({"code": code, "error": str(exc), "rows": []})
    funding_ = {"bids": bids.list_bids(con)}
    return {
        "kind": "BOARD",
        "period": period,
        "org_names": org_names(con),
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "edition": s.edition_section(con, period),
        "providers": provs,
        "standards": league,
        "by_provider": by_provider,
        "summary": one_page["summary"],
        "backlog": one_page["backlog"],
        "hotspots": s.hotspot_section(con, period, None, protect=True),
        "trajectories": s.trajectory_section(con, trajectories_org(), period),
        "plan": {"vision": plan.vision(con), "deliverables": plan.deliverables(con)},
        "funding": funding_,
        "voice": [r for r in voice.results(con) if r["group_type"] == "ALL"][:12],
        "actions": s.actions_section(con, None, as_of),
        "outlook": s.outlook_section(con, period),
        "capacity": capacity_section(con, period),
    }


def trajectories_org() -> str:
    return ALLIANCE


__all__ = ["board_pack", "provider_figures", "provider_pack", "providers", "trajectories"]
