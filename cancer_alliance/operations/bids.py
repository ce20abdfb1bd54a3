"""Transformation bids in the store: bids, costs, benefits, assessors' scores, decisions.

The arithmetic lives in :mod:`.funding`; this module only reads and writes the tables and
records each funding decision with the rule that produced it.
"""

from __future__ import annotations

import json

import duckdb

from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.operations import actuals, funding
from cancer_alliance.operations.db import rows


def criteria(con) -> dict[str, tuple[str, float]]:
    """The value framework in use (the default one until an alliance loads its own)."""
    got = con.execute("SELECT criterion, label, weight FROM value_criteria ORDER BY 1").fetchall()
    return {c: (lab, float(w)) for c, lab, w in got} if got else dict(funding.DEFAULT_CRITERIA)


def set_criteria(con, crit: dict[str, tuple[str, float]]) -> None:
    funding.check_weights({k: w for k, (_, w) in crit.items()})
    con.execute("DELETE FROM value_criteria")
    for k, (label, w) in crit.items():
        con.execute("INSERT INTO value_criteria VALUES (?, ?, ?)", [k, label, float(w)])


def add_bid(con, bid_id: str, title: str, partner_code: str, priority_area: str,
            costs: dict[int, float], expected_benefit: float, benefit_unit: str = "",
            summary: str = "", risks: str = "", deliverability: str = "",
            benefits: dict[str, tuple[float | None, float | None]] | None = None,
            submitted_by: str | None = None) -> None:
    """Add a new bid (status SUBMITTED) with its costs by year and expected benefits.

    Never replaces one: loading a file of bids once overwrote a funded bid's status and
    costs. The key is checked by the insert itself, in the caller's transaction, so of two
    adds of one id at once one succeeds and the other is refused (at the insert, or at
    its commit: :func:`cancer_alliance.store.commit.commit`)."""
    if priority_area not in funding.PRIORITY_AREAS:
        raise UsageError(f"bid {bid_id}: priority area '{priority_area}' is not one of "
                         f"{', '.join(funding.PRIORITY_AREAS)}")
    if not costs or any(float(v) < 0 for v in costs.values()):
        raise UsageError(f"bid {bid_id}: costs by year are needed and must not be negative")
    try:
        con.execute(
            "INSERT INTO bids (bid_id, title, partner_code, priority_area, summary,"
            " risks, deliverability, expected_benefit, benefit_unit, status, submitted_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'SUBMITTED', ?)",
            [bid_id, title, partner_code, priority_area, summary, risks, deliverability,
             float(expected_benefit), benefit_unit, submitted_by],
        )
    except duckdb.ConstraintException:
        raise UsageError(f"bid {bid_id} already exists: choose a new id, or open the "
                         "existing bid to change it") from None
    for y, amount in costs.items():
        con.execute("INSERT INTO bid_costs VALUES (?, ?, ?)", [bid_id, int(y), float(amount)])
    for code, (base, exp) in (benefits or {}).items():
        con.execute("INSERT OR REPLACE INTO bid_benefits VALUES (?, ?, ?, ?, NULL)",
                    [bid_id, code, base, exp])


def score_bid(con, bid_id: str, assessor: str, scores: dict[str, float],
              comment: str | None = None) -> None:
    """Record one assessor's scores (0-5) on each criterion of the framework."""
    crit = criteria(con)
    if not con.execute("SELECT 1 FROM bids WHERE bid_id = ?", [bid_id]).fetchone():
        raise NotFound(f"bid {bid_id} does not exist")
    for c, s in scores.items():
        if c not in crit:
            raise UsageError(f"bid {bid_id}: criterion '{c}' is not in the value framework")
        s = float(s)
        if not funding.SCORE_MIN <= s <= funding.SCORE_MAX:
            raise UsageError(f"bid {bid_id}: score {s:g} for {c} is outside 0-5")
        con.execute(
            "INSERT OR REPLACE INTO bid_scores VALUES (?, ?, ?, ?, ?, current_timestamp)",
            [bid_id, assessor, c, s, comment],
        )


MILESTONE_STATUSES = ("PLANNED", "DONE", "LATE")


def record_spend(con, bid_id: str, month: str, amount: float) -> None:
    """Actual spend on a bid in a month (replacing that month's figure)."""
    if float(amount) < 0:
        raise UsageError(f"bid {bid_id}: spend {amount:g} for {month} must not be negative")
    con.execute("INSERT OR REPLACE INTO bid_spend VALUES (?, ?, ?)",
                [bid_id, month, float(amount)])


def set_milestone(con, bid_id: str, milestone: str, due_date, status: str = "PLANNED") -> None:
    """Add or update one milestone of a funded bid."""
    if status not in MILESTONE_STATUSES:
        raise UsageError(f"bid {bid_id}: milestone status '{status}' is not one of "
                         f"{', '.join(MILESTONE_STATUSES)}")
    if not (milestone or "").strip():
        raise UsageError(f"bid {bid_id}: a milestone needs a name")
    con.execute("INSERT OR REPLACE INTO bid_milestones VALUES (?, ?, ?, ?)",
                [bid_id, milestone, due_date or None, status])


def list_bids(con) -> list[dict]:
    return rows(
        con,
        "SELECT b.*, coalesce(c.total_cost, 0) AS total_cost, coalesce(s.spent, 0) AS spent"
        " FROM bids b"
        " LEFT JOIN (SELECT bid_id, sum(amount) AS total_cost FROM bid_costs GROUP BY 1) c"
        " USING (bid_id)"
        " LEFT JOIN (SELECT bid_id, sum(amount) AS spent FROM bid_spend GROUP BY 1) s"
        " USING (bid_id) ORDER BY bid_id",
    )


def bid_detail(con, bid_id: str) -> dict:
    b = [x for x in list_bids(con) if x["bid_id"] == bid_id]
    if not b:
        raise NotFound(f"bid {bid_id} does not exist")
    d = b[0]
    d["costs"] = rows(con, "SELECT year, amount FROM bid_costs WHERE bid_id = ? ORDER BY 1",
                      [bid_id])
    d["benefits"] = rows(con, "SELECT * FROM bid_benefits WHERE bid_id = ? ORDER BY 2", [bid_id])
    d["scores"] = rows(con, "SELECT * FROM bid_scores WHERE bid_id = ? ORDER BY 2, 3", [bid_id])
    d["spend"] = rows(con, "SELECT month, amount FROM bid_spend WHERE bid_id = ? ORDER BY 1",
                      [bid_id])
    d["milestones"] = rows(con, "SELECT * FROM bid_milestones WHERE bid_id = ? ORDER BY due_date",
                           [bid_id])
    return d


def before_after(con, bid_id: str, months: int = 3) -> list[dict]:
    """Each linked measure's alliance value before the bid's first spend month and latest.

    Before = mean of the ``months`` months before spending started; after = mean of the
    latest ``months`` months. A description, not an evaluation: use *what works* (SPC rebased
    at go-live) to judge whether a change is real.
    """
    first = con.execute("SELECT min(month) FROM bid_spend WHERE bid_id = ?", [bid_id]).fetchone()
    start = first[0] if first else None
    out = []
    for b in rows(con, "SELECT measure_code, baseline, expected FROM bid_benefits"
                       " WHERE bid_id = ?", [bid_id]):
        rec = {**b, "since": start, "before": None, "after": None}
        try:
            df = actuals.monthly(con, b["measure_code"]).dropna(subset=["value"])
        except Exception as exc:  # noqa: BLE001 - shown on the page
            rec["note"] = f"no actuals: {exc}"
            out.append(rec)
            continue
        if start is not None:
            pre = df[df["month"] < start].tail(months)["value"]
            post = df[df["month"] >= start].tail(months)["value"]
            rec["before"] = float(pre.mean()) if len(pre) else None
            rec["after"] = float(post.mean()) if len(post) else None
        out.append(rec)
    return out


def assessments(con) -> list[funding.Assessment]:
    crit = criteria(con)
    bids = [funding.Bid(b["bid_id"], b["title"], float(b["total_cost"]),
                        float(b["expected_benefit"]))
            for b in list_bids(con) if b["status"] != "WITHDRAWN"]
    scores = [funding.Score(*r) for r in con.execute(
        "SELECT bid_id, assessor, criterion, score FROM bid_scores").fetchall()]
    return funding.assess(bids, scores, {k: w for k, (_, w) in crit.items()})


def run_decision(con, budget: float, decided_by: str, min_score: float | None = None,
                 apply: bool = False) -> funding.FundingDecision:
    """Rank and fund within ``budget``; with ``apply`` record it and set each bid's status."""
    d = funding.decide(assessments(con), budget, min_score=min_score)
    if apply:
        result = [{"bid_id": a.bid_id, "rank": a.rank, "score": a.weighted_score,
                   "cost": a.total_cost, "decision": a.decision} for a in d.ranked]
        con.execute(
            "INSERT INTO funding_decisions (decision_id, budget, rule, result, decided_by)"
            " VALUES (nextval('ops_id_seq'), ?, ?, ?, ?)",
            [budget, d.rule, json.dumps(result), decided_by],
        )
        for a in d.ranked:
            if a.decision in ("FUNDED", "SKIPPED_OVER_BUDGET", "BELOW_MINIMUM"):
                con.execute("UPDATE bids SET status = ? WHERE bid_id = ?",
                            ["FUNDED" if a.decision == "FUNDED" else "NOT_FUNDED", a.bid_id])
    return d


def recorded_decisions(con, limit: int = 5) -> list[dict]:
    """The latest recorded funding decisions with the rule and ranking that produced them."""
    out = rows(con, "SELECT decision_id, budget, rule, result, decided_by, decided_at"
                    " FROM funding_decisions ORDER BY decided_at DESC, decision_id DESC"
                    " LIMIT ?", [limit])
    for r in out:
        r["result"] = json.loads(r["result"]) if isinstance(r["result"], str) else r["result"]
    return out


def save_rule(con, rule_id: str, name: str, rule: dict) -> None:
    """Store a funding rule (checked as :func:`funding.simulate_rule` would check it)."""
    if not (rule_id or "").strip() or not (name or "").strip():
        raise UsageError("a funding rule needs an id and a name")
    if not isinstance(rule, dict):
        raise UsageError(f"funding rule {rule_id}: the rule must be a JSON object")
    funding._check_rule(rule)
    funding.describe_rule(rule)  # refuses a rule it cannot put into words
    con.execute("INSERT OR REPLACE INTO funding_rules VALUES (?, ?, ?)",
                [rule_id, name, json.dumps(rule)])


def funding_rules(con) -> list[dict]:
    out = rows(con, "SELECT * FROM funding_rules ORDER BY rule_id")
    for r in out:
        r["rule"] = json.loads(r["rule"]) if isinstance(r["rule"], str) else r["rule"]
    return out


def simulate_stored_rule(con, rule: dict) -> tuple[list[dict], list[dict]]:
    """Simulate a rule against actual results by provider by quarter (from the metrics layer)."""
    monthly = actuals.provider_standard_monthly(con, rule["standard"])
    monthly = monthly.assign(period=monthly["month"], threshold=monthly["threshold_pct"])
    rows_ = funding.simulate_rule(rule, funding.quarter_results(monthly))
    return rows_, funding.summarise_simulation(rows_)
