"""What works: evaluating a local initiative with an SPC chart rebased at its go-live.

Method (Making Data Count): the chart is split at go-live (``stats.spc(..., rebase_at=)``), so
the before and after segments each have their own mean and XmR limits. Whether a *real* shift
followed is judged against the **baseline** (before) process, because a rebased segment's own
rules cannot see a shift it has absorbed into its new mean. A shift is real when, after
go-live, in the improvement direction:

* a point falls beyond the baseline process limit (``beyond baseline limit``), or
* at least :data:`RUN_LENGTH` consecutive points fall on the improvement side of the baseline
  mean (``run of 7``).

Points exactly on the mean break a run, as in Making Data Count. The report gives both
segments' means and limits and the change in mean, so a reader can check the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cancer_alliance import stats
from cancer_alliance.dataset import periods
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.operations import actuals

RUN_LENGTH = 7
MIN_BEFORE = 6  # fewer baseline months make limits too unstable to judge a shift


@dataclass
class Evaluation:
    """The verdict on one initiative and one measure."""

    months_before: int
    months_after: int
    mean_before: float
    mean_after: float
    change: float
    limits_before: tuple[float, float]
    limits_after: tuple[float, float]
    shift_detected: bool
    signals: list[str] = field(default_factory=list)
    verdict: str = ""
    warnings: list[str] = field(default_factory=list)
    chart: stats.SPCResult | None = None


def _longest_run(flags: Sequence[bool]) -> int:
    best = cur = 0
    for f in flags:
        cur = cur + 1 if f else 0
        best = max(best, cur)
    return best


def evaluate(
    values: Sequence[float], go_live_index: int, improvement: str = "increase"
) -> Evaluation:
    """Evaluate a monthly series whose position ``go_live_index`` is the first month live."""
    if improvement not in ("increase", "decrease"):
        raise UsageError("an initiative must say whether the measure should increase or decrease")
    n = len(values)
    if not 0 < go_live_index < n:
        raise UsageError(
            f"go-live is at position {go_live_index}; the series has {n} months, and at least "
            "one month before and one after go-live are needed"
        )
    chart = stats.spc(list(values), improvement=improvement, rebase_at=(go_live_index,))
    before, after = chart.segments[0], chart.segments[1]
    post = [float(v) for v in values[go_live_index:]]
    sign = 1 if improvement == "increase" else -1
    signals = []
    beyond = [
        i for i, v in enumerate(post, start=go_live_index)
        if (sign > 0 and v > before.upper) or (sign < 0 and v < before.lower)
    ]
    if beyond:
        signals.append(f"beyond baseline limit at month position(s) {beyond}")
    run = _longest_run([(v - before.mean) * sign > 0 for v in post])
    if run >= RUN_LENGTH:
        signals.append(f"run of {run} months on the improvement side of the baseline mean")
    warnings = list(chart.warnings)
    if go_live_index < MIN_BEFORE:
        warnings.append(f"only {go_live_index} months before go-live; judge the shift with care")
    change = after.mean - before.mean
    shift = bool(signals)
    if shift:
        verdict = (
            f"Real shift: mean moved from {before.mean:.1f} to {after.mean:.1f} "
            f"({change:+.1f}) in the improvement direction"
        )
    elif change * sign > 0:
        verdict = (
            f"No real shift yet: mean {before.mean:.1f} -> {after.mean:.1f} ({change:+.1f}) is "
            "within the variation the baseline already showed"
        )
    else:
        verdict = (
            f"No improvement: mean {before.mean:.1f} -> {after.mean:.1f} ({change:+.1f})"
        )
    return Evaluation(
        months_before=go_live_index,
        months_after=n - go_live_index,
        mean_before=before.mean,
        mean_after=after.mean,
        change=change,
        limits_before=(before.lower, before.upper),
        limits_after=(after.lower, after.upper),
        shift_detected=shift,
        signals=signals,
        verdict=verdict,
        warnings=warnings,
        chart=chart,
    )


def evaluate_initiative(con, initiative_id: str, store: bool = True) -> list[dict]:
    """Evaluate each target measure of a registered initiative; with ``store`` (the CLI and
    the page's audited "record" form) keep the verdicts, which the register lists."""
    row = con.execute(
        "SELECT initiative_id, provider_code, go_live, target_measures, improvement "
        "FROM initiatives WHERE initiative_id = ?",
        [initiative_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"initiative {initiative_id} is not registered")
    _, provider, go_live, measures, improvement = row
    out = []
    for code in [m.strip() for m in measures.split(",") if m.strip()]:
        series = actuals.monthly(con, code, provider or actuals.ALLIANCE).dropna(subset=["value"])
        months = list(series["month"])
        pos = next((i for i, m in enumerate(months) if m >= go_live), len(months))
        rec = {"initiative_id": initiative_id, "measure_code": code, "go_live": go_live}
        try:
            ev = evaluate(list(series["value"]), pos, improvement)
        except UsageError as exc:
            rec.update(verdict=f"cannot evaluate: {exc}", shift_detected=None)
            out.append(rec)
            continue
        rec.update(
            months_before=ev.months_before, months_after=ev.months_after,
            mean_before=ev.mean_before, mean_after=ev.mean_after, change=ev.change,
            shift_detected=ev.shift_detected, verdict=ev.verdict,
            signals="; ".join(ev.signals), months=months, values=list(series["value"]),
            evaluation=ev,
        )
        if not store:
            out.append(rec)
            continue
        con.execute(
            "INSERT OR REPLACE INTO initiative_evaluations (initiative_id, measure_code,"
            " evaluated_at, months_before, months_after, mean_before, mean_after,"
            " shift_detected, verdict) VALUES (?, ?, current_timestamp, ?, ?, ?, ?, ?, ?)",
            [initiative_id, code, ev.months_before, ev.months_after, ev.mean_before,
             ev.mean_after, ev.shift_detected, ev.verdict],
        )
        out.append(rec)
    return out


def register(con, initiative_id: str, name: str, kind: str, provider_code: str | None,
             go_live: str, target_measures: str, improvement: str = "increase",
             owner: str | None = None, description: str | None = None) -> None:
    """Add or replace one initiative in the register (browser form and file loader)."""
    if not (initiative_id or "").strip() or not (name or "").strip():
        raise UsageError("an initiative needs an id and a name")
    if improvement not in ("increase", "decrease"):
        raise UsageError(f"initiative {initiative_id}: improvement '{improvement}' is not "
                         "increase or decrease")
    measures = ",".join(m.strip() for m in (target_measures or "").split(",") if m.strip())
    if not measures:
        raise UsageError(f"initiative {initiative_id}: name at least one target measure")
    go_live = periods.check_month(go_live or "", "go-live month")
    con.execute(
        "INSERT OR REPLACE INTO initiatives VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [initiative_id, name, kind, provider_code, go_live, measures,
         improvement, owner, description],
    )


def list_initiatives(con) -> list[dict]:
    cur = con.execute(
        "SELECT i.*, e.shift_detected, e.verdict FROM initiatives i "
        "LEFT JOIN (SELECT initiative_id, bool_or(shift_detected) AS shift_detected,"
        " string_agg(measure_code || ': ' || verdict, ' | ') AS verdict"
        " FROM initiative_evaluations GROUP BY initiative_id) e USING (initiative_id)"
        " ORDER BY go_live, initiative_id"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
