"""Transformation funding: the value framework, the funding decision and funding rules as data.

Two jobs, both pure functions over plain data so a board can check them by hand:

* **Value framework** (after NHS England's Best Possible Value): weighted criteria, each
  assessor scores each criterion 0-5, scores are averaged per criterion across assessors, and
  the weighted score is the sum of weight x mean score (so it is on the same 0-5 scale). Value
  for money is expected benefit per pound of total cost. Bids are ranked by weighted score
  (ties: better value for money, then bid id) and funded greedily within the budget: a bid
  that does not fit in what is left is skipped and the next one is tried.
* **Funding rules**: a quarterly performance-linked rule, written as a dict, simulated against
  actual results by provider by quarter, beside an unconditional allocation of the same pot, so
  the board can see the incentive a rule creates before adopting it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError

PRIORITY_AREAS = {
    "EARLY_DIAGNOSIS": "Earlier and faster diagnosis",
    "PERSONALISED_CARE": "Recovery Package and personalised care",
    "STRATIFIED_FOLLOW_UP": "Personalised stratified follow-up",
    "OTHER": "Other transformation",
}

DEFAULT_CRITERIA = {
    "STRATEGIC_FIT": ("Strategic fit", 0.25),
    "PATIENT_BENEFIT": ("Patient benefit", 0.30),
    "DELIVERABILITY": ("Deliverability", 0.20),
    "VALUE_FOR_MONEY": ("Value for money", 0.15),
    "SUSTAINABILITY": ("Sustainability", 0.10),
}

SCORE_MIN, SCORE_MAX = 0.0, 5.0
GREEDY_RULE = (
    "Bids are ranked by weighted score (0-5), ties broken by value for money then bid id, and "
    "funded in that order while the budget lasts; a bid whose total cost does not fit in the "
    "remaining budget is skipped and the next bid is tried."
)


def check_weights(weights: Mapping[str, float], tol: float = 1e-9) -> None:
    """Refuse a framework whose weights are negative or do not sum to 1."""
    if not weights:
        raise UsageError("value framework: no criteria defined")
    bad = {k: w for k, w in weights.items() if w < 0}
    if bad:
        raise UsageError(f"value framework: negative weight(s) {bad}")
    total = sum(weights.values())
    if abs(total - 1.0) > tol:
        raise UsageError(f"value framework: weights sum to {total:g}, they must sum to 1")


@dataclass(frozen=True)
class Score:
    """One assessor's score of one bid on one criterion."""

    bid_id: str
    assessor: str
    criterion: str
    score: float


@dataclass(frozen=True)
class Bid:
    """What the framework needs of a bid: its total cost and expected benefit."""

    bid_id: str
    title: str
    total_cost: float
    expected_benefit: float


@dataclass
class Assessment:
    """A bid's assessed value: mean score per criterion, weighted score, value for money."""

    bid_id: str
    title: str
    total_cost: float
    expected_benefit: float
    criterion_means: dict[str, float]
    assessors: int
    weighted_score: float | None
    value_for_money: float | None  # benefit units per pound
    complete: bool  # every criterion scored by at least one assessor
    rank: int | None = None
    decision: str = ""  # FUNDED | SKIPPED_OVER_BUDGET | NOT_SCORED | BELOW_MINIMUM
    remaining_after: float | None = None


def assess(
    bids: Iterable[Bid], scores: Iterable[Score], weights: Mapping[str, float]
) -> list[Assessment]:
    """Average each criterion's scores over assessors and weight them (bids in input order)."""
    check_weights(weights)
    by_bid: dict[str, dict[str, list[float]]] = {}
    assessors: dict[str, set[str]] = {}
    for s in scores:
        if s.criterion not in weights:
            raise UsageError(f"bid {s.bid_id}: criterion '{s.criterion}' is not in the framework")
        if not SCORE_MIN <= s.score <= SCORE_MAX:
            raise UsageError(
                f"bid {s.bid_id}: score {s.score:g} for {s.criterion} by {s.assessor} "
                f"is outside {SCORE_MIN:g}-{SCORE_MAX:g}"
            )
        by_bid.setdefault(s.bid_id, {}).setdefault(s.criterion, []).append(s.score)
        assessors.setdefault(s.bid_id, set()).add(s.assessor)
    out = []
    for b in bids:
        per = by_bid.get(b.bid_id, {})
        means = {c: sum(v) / len(v) for c, v in per.items()}
        complete = all(c in means for c in weights)
        weighted = sum(weights[c] * means[c] for c in weights) if complete else None
        vfm = b.expected_benefit / b.total_cost if b.total_cost > 0 else None
        out.append(
            Assessment(
                bid_id=b.bid_id,
                title=b.title,
                total_cost=b.total_cost,
                expected_benefit=b.expected_benefit,
                criterion_means=means,
                assessors=len(assessors.get(b.bid_id, ())),
                weighted_score=weighted,
                value_for_money=vfm,
                complete=complete,
            )
        )
    return out


@dataclass
class FundingDecision:
    """The ranked list, what was funded, and the rule used, stated in words."""

    budget: float
    ranked: list[Assessment]
    funded_total: float
    remaining: float
    rule: str = GREEDY_RULE
    notes: list[str] = field(default_factory=list)

    @property
    def funded(self) -> list[Assessment]:
        return [a for a in self.ranked if a.decision == "FUNDED"]


def decide(
    assessments: Iterable[Assessment], budget: float, min_score: float | None = None
) -> FundingDecision:
    """Rank assessed bids and fund them greedily within ``budget`` (see :data:`GREEDY_RULE`)."""
    if budget < 0:
        raise UsageError(f"budget must not be negative (got {budget:g})")
    items = list(assessments)
    scored = [a for a in items if a.weighted_score is not None]
    unscored = [a for a in items if a.weighted_score is None]
    scored.sort(key=lambda a: (-a.weighted_score, -(a.value_for_money or 0.0), a.bid_id))
    remaining = float(budget)
    for i, a in enumerate(scored, start=1):
        a.rank = i
        if min_score is not None and a.weighted_score < min_score:
            a.decision = "BELOW_MINIMUM"
        elif a.total_cost <= remaining + 1e-9:
            a.decision = "FUNDED"
            remaining -= a.total_cost
        else:
            a.decision = "SKIPPED_OVER_BUDGET"
        a.remaining_after = remaining
    for a in unscored:
        a.decision = "NOT_SCORED"
    rule = GREEDY_RULE
    if min_score is not None:
        rule += f" Bids scoring below {min_score:g} are not funded."
    notes = [f"{a.bid_id}: not every criterion has a score" for a in unscored]
    return FundingDecision(
        budget=float(budget),
        ranked=scored + unscored,
        funded_total=float(budget) - remaining,
        remaining=remaining,
        rule=rule,
        notes=notes,
    )


# --- funding rules as data ----------------------------------------------------------------

EXAMPLE_RULE = {
    "name": "62-day performance-linked payment",
    "standard": "62_DAY",
    "pot_per_quarter": 100_000,
    "split": "equal",  # each provider's share of the pot: equal | activity
    "pay_if": {"meets_threshold": True, "improves_by_points": 2.0},
    "threshold": None,  # None: the standard's own operational threshold
    "unconditional_split": "activity",  # the comparison allocation: equal | activity
}


def _check_rule(rule: Mapping) -> None:
    for key in ("standard", "pot_per_quarter", "pay_if"):
        if key not in rule:
            raise UsageError(f"funding rule: '{key}' is missing")
    if rule.get("split", "equal") not in ("equal", "activity"):
        raise UsageError("funding rule: 'split' must be 'equal' or 'activity'")
    if rule.get("unconditional_split", "activity") not in ("equal", "activity"):
        raise UsageError("funding rule: 'unconditional_split' must be 'equal' or 'activity'")


def describe_rule(rule: Mapping) -> str:
    """The rule in words, printed beside its results."""
    pay = rule["pay_if"]
    conds = []
    thr = rule.get("threshold")
    if pay.get("meets_threshold"):
        conds.append(
            "performance meets the threshold"
            + (f" of {thr:g}%" if thr is not None else " of the standard")
        )
    if pay.get("improves_by_points") is not None:
        conds.append(
            f"performance improves by at least {pay['improves_by_points']:g} percentage points "
            "on the previous quarter"
        )
    split = rule.get("split", "equal")
    return (
        f"Each quarter a pot of £{rule['pot_per_quarter']:,.0f} is divided between providers "
        f"({'equally' if split == 'equal' else 'by their share of the quarter’s pathways'}). "
        f"A provider is paid its share for {rule['standard']} when "
        + " or ".join(conds or ["(no condition)"])
        + ". Unearned shares are not redistributed. Beside it: the same pot allocated "
        + (
            "equally"
            if rule.get("unconditional_split", "activity") == "equal"
            else "by activity share"
        )
        + " with no condition."
    )


@dataclass(frozen=True)
class QuarterResult:
    """One provider's result for the rule's standard in one quarter."""

    provider_code: str
    quarter: str  # e.g. 2024-Q2 (calendar quarter)
    total: float
    within: float
    threshold: float  # percent


def simulate_rule(rule: Mapping, results: Iterable[QuarterResult]) -> list[dict]:
    """What the rule would have paid each provider each quarter, beside an unconditional split.

    Performance is within / total x 100 for the quarter (counts summed over its months, never
    an average of monthly percentages). The previous quarter is the provider's preceding row in
    time; a provider's first quarter can only be paid on the threshold condition.
    """
    _check_rule(rule)
    rows = sorted(results, key=lambda r: (r.quarter, r.provider_code))
    pot = float(rule["pot_per_quarter"])
    pay = rule["pay_if"]
    prev_perf: dict[str, float] = {}
    out: list[dict] = []
    quarters = sorted({r.quarter for r in rows})
    for q in quarters:
        qrows = [r for r in rows if r.quarter == q]
        activity = sum(r.total for r in qrows)

        def share(r: QuarterResult, how: str, qrows=qrows, activity=activity) -> float:
            if how == "equal":
                return pot / len(qrows)
            return pot * r.total / activity if activity else 0.0

        for r in qrows:
            perf = 100.0 * r.within / r.total if r.total else None
            thr = rule.get("threshold")
            thr = float(thr) if thr is not None else float(r.threshold)
            before = prev_perf.get(r.provider_code)
            change = perf - before if perf is not None and before is not None else None
            met = bool(pay.get("meets_threshold")) and perf is not None and perf >= thr - 1e-9
            need = pay.get("improves_by_points")
            improved = need is not None and change is not None and change >= float(need) - 1e-9
            reasons = [w for w, ok in (("met threshold", met), ("improved", improved)) if ok]
            eligible = share(r, rule.get("split", "equal"))
            out.append(
                {
                    "quarter": q,
                    "provider_code": r.provider_code,
                    "total": r.total,
                    "within": r.within,
                    "performance": perf,
                    "threshold": thr,
                    "change_points": change,
                    "eligible_share": eligible,
                    "paid": eligible if reasons else 0.0,
                    "reason": ", ".join(reasons) if reasons else "condition not met",
                    "unconditional": share(r, rule.get("unconditional_split", "activity")),
                }
            )
            if perf is not None:
                prev_perf[r.provider_code] = perf
    return out


def summarise_simulation(rows: Iterable[dict]) -> list[dict]:
    """Totals per provider: paid under the rule, unconditional, and the difference."""
    tot: dict[str, dict] = {}
    for r in rows:
        t = tot.setdefault(
            r["provider_code"],
            {"provider_code": r["provider_code"], "paid": 0.0, "unconditional": 0.0,
             "quarters_paid": 0, "quarters": 0},
        )
        t["paid"] += r["paid"]
        t["unconditional"] += r["unconditional"]
        t["quarters"] += 1
        t["quarters_paid"] += 1 if r["paid"] > 0 else 0
    for t in tot.values():
        t["difference"] = t["paid"] - t["unconditional"]
    return sorted(tot.values(), key=lambda t: t["provider_code"])


def quarter_results(monthly) -> list[QuarterResult]:
    """Monthly metric rows (provider_code, period YYYY-MM, total, within, threshold) -> quarters.

    Counts are summed over the quarter's months, so a quarter's performance is its own
    within / total and small months do not weigh as much as large ones. Thresholds are
    percentages (0-100), as :func:`cancer_alliance.metrics.compute_metrics` returns them: a
    threshold of 1 is 1%, never a fraction.
    """
    acc: dict[tuple[str, str], list[float]] = {}
    for r in monthly.to_dict("records"):
        key = (str(r["provider_code"]), periods.label(str(r["period"]), "quarter"))
        a = acc.setdefault(key, [0.0, 0.0, float(r["threshold"])])
        a[0] += float(r["total"])
        a[1] += float(r["within"])
    return [
        QuarterResult(provider_code=p, quarter=q, total=t, within=w, threshold=thr)
        for (p, q), (t, w, thr) in sorted(acc.items())
    ]
