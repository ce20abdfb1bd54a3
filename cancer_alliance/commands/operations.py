"""Commands: report, trajectories, bids, plan, governance, voice, initiatives (operations).

``report provider CODE --period YYYY-MM --out pack.pdf`` and ``report board`` make and
archive packs, and ``report cycle --period YYYY-MM --out-dir packs/ --if-due`` makes every
provider's pack and the board pack when the month is in the bi-monthly cycle (for a monthly
scheduler). The ``load`` commands set up an alliance in bulk from CSV or xlsx files (the
same checks as the browser forms); ``bids decide`` and ``bids simulate`` run the value
framework and funding rules; ``initiatives evaluate`` judges each initiative on SPC evidence.
Every command that changes data writes an audit row, as the browser does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cancer_alliance.commands.options import DbOption
from cancer_alliance.dataset import periods

PeriodArg = Annotated[str | None, typer.Option(
    "--period", help="Reporting month, YYYY-MM. Default: the alliance's latest complete month "
    "(every expected provider in; see `completeness --latest`).")]
OutOption = Annotated[Path, typer.Option("--out", help="File to write (.pdf or .html).")]
FileArg = Annotated[Path, typer.Argument(help="A .csv file (named after its table) or an .xlsx "
                                         "workbook with one sheet per table.")]

report_app = typer.Typer(help="Provider and board packs (PDF or HTML), archived byte for byte.",
                         no_args_is_help=True)
traj_app = typer.Typer(help="Trajectories: planned monthly values against actuals.",
                       no_args_is_help=True)
bids_app = typer.Typer(help="Transformation funding bids, the value framework and funding rules.",
                       no_args_is_help=True)
plan_app = typer.Typer(help="The delivery plan: vision and deliverables.", no_args_is_help=True)
gov_app = typer.Typer(help="Governance: members, board, meetings, actions.", no_args_is_help=True)
voice_app = typer.Typer(help="Patient voice: survey results and panel feedback.",
                        no_args_is_help=True)
init_app = typer.Typer(help="What works: local initiatives and their SPC evaluation.",
                       no_args_is_help=True)


def _con(db):
    from cancer_alliance.store import connect

    return connect(db)


def _cli_actor():
    """Who a command acts as in the audit log: the operating-system user, as an admin."""
    import getpass

    from cancer_alliance.auth.model import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "cli"
    return Actor(username=f"cli:{user}", role="admin")


def _audit(con, resource: str, detail: str, action: str = "edit_operations") -> None:
    """CLI changes (and patient-level outputs, ``action="view_patient"``) are audited like
    the browser's, under the operating-system user."""
    from cancer_alliance.auth import audit

    audit.record(con, _cli_actor(), action, resource, detail)


def _pack_period(con, period: str | None) -> str:
    """The month asked for, else the alliance's latest complete month (packs never default
    to a month only some providers have sent)."""
    from cancer_alliance.calendar import read_calendar
    from cancer_alliance.errors import UsageError

    if period is not None:
        return periods.check_month(period)
    latest = read_calendar(con).latest_complete
    if latest is None:
        raise UsageError("no month is complete yet (see `cancer-alliance completeness`): "
                         "give --period")
    return latest


def _fmt_of(out: Path) -> str:
    return "html" if out.suffix.lower() in (".html", ".htm") else "pdf"


def _refresh(con) -> None:
    """Materialise outcomes first so a pack reads stored rows (much faster)."""
    from cancer_alliance import metrics

    if not metrics.is_fresh(con):
        metrics.refresh(con)


@report_app.command("provider")
def report_provider(code: Annotated[str, typer.Argument(help="Provider ODS code.")],
                    out: OutOption, period: PeriodArg = None, db: DbOption = None,
                    pathways_out: Annotated[Path | None, typer.Option(
                        "--pathways-out", help="Also write the pathways behind every figure "
                        "of the pack (CSV, patient-level, audited): one block of rows per "
                        "figure reference, by accountable provider with transfer shares, so "
                        "each figure's rows sum to it.")] = None) -> None:
    """Write one provider's performance pack for a month and archive it."""
    from cancer_alliance import reports

    con = _con(db)
    period = _pack_period(con, period)
    _refresh(con)
    pack = reports.packs.provider_pack(con, code, period)
    content, meta = reports.output_pack(con, pack, _fmt_of(out), "cli")
    out.write_bytes(content)
    _audit(con, "pack", f"generated PROVIDER {code} {period} report {meta['report_id']}")
    result = {"out": str(out), **meta}
    if pathways_out is not None:
        rows = reports.figure_rows.pack_pathways(con, pack, None)
        pathways_out.write_text(reports.figure_rows.to_csv(rows), encoding="utf-8")
        _audit(con, "pack-pathways", f"provider={code} period={period} rows={len(rows)} "
               f"report {meta['report_id']}", action="view_patient")
        result.update(pathways_out=str(pathways_out), pathway_rows=int(len(rows)),
                      figures=int(rows["figure_id"].nunique()) if len(rows) else 0)
    typer.echo(json.dumps(result))


@report_app.command("board")
def report_board(out: OutOption, period: PeriodArg = None, db: DbOption = None) -> None:
    """Write the alliance-wide board pack for a month and archive it."""
    from cancer_alliance import reports

    con = _con(db)
    period = _pack_period(con, period)
    _refresh(con)
    content, meta = reports.generate_board_pack(con, period, _fmt_of(out), "cli")
    out.write_bytes(content)
    _audit(con, "pack", f"generated BOARD {period} report {meta['report_id']}")
    typer.echo(json.dumps({"out": str(out), **meta}))


@report_app.command("cycle")
def report_cycle(out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for the packs.")],
                 period: PeriodArg = None,
                 if_due: Annotated[bool, typer.Option(
                     "--if-due", help="Do nothing unless the month is in the bi-monthly cycle "
                     "(April, June, ... February), so a monthly scheduler can call it.")] = False,
                 html: Annotated[bool, typer.Option(help="HTML instead of PDF.")] = False,
                 db: DbOption = None) -> None:
    """Every provider's pack and the board pack for a month: the bi-monthly dialogue."""
    from cancer_alliance import reports

    con = _con(db)
    period = _pack_period(con, period)
    if if_due and not reports.is_pack_month(period):
        typer.echo(json.dumps({"period": period, "due": False, "made": []}))
        return
    _refresh(con)
    made = reports.generate_cycle(con, period, out_dir, "html" if html else "pdf", "cli")
    _audit(con, "pack", f"generated the {period} cycle: reports "
           + ", ".join(str(m["report_id"]) for m in made))
    typer.echo(json.dumps({"period": period, "due": True, "made": made}))


@report_app.command("archive")
def report_archive(db: DbOption = None,
                   provider: Annotated[str | None, typer.Option(help="Only this provider.")]
                   = None) -> None:
    """List archived packs (id, kind, provider, period, SHA-256) as CSV."""
    from cancer_alliance.reports import archive

    typer.echo("report_id,kind,provider_code,period,format,sha256,size,generated_at")
    for r in archive.listing(_con(db), provider):
        typer.echo(f"{r['report_id']},{r['kind']},{r['provider_code'] or ''},{r['period']},"
                   f"{r['format']},{r['sha256']},{r['size']},{r['generated_at']}")


def _load(family: str, file: Path, db) -> None:
    from cancer_alliance.operations import loaders

    counts = loaders.load_and_audit(_con(db), file, family, _cli_actor())
    typer.echo(json.dumps({"file": str(file), "loaded": counts}))


@traj_app.command("load")
def trajectories_load(file: FileArg, db: DbOption = None) -> None:
    """Load planned values: org_code (provider or ALLIANCE), measure_code, month, planned."""
    _load("trajectories", file, db)


@traj_app.command("show")
def trajectories_show(org: Annotated[str, typer.Argument(help="Provider code or ALLIANCE.")],
                      measure: Annotated[str, typer.Argument(help="Standard or measure code.")],
                      db: DbOption = None) -> None:
    """Plan against actual by month, months off plan and the year-end forecast (CSV)."""
    from cancer_alliance.operations import trajectories

    c = trajectories.plan_vs_actual(_con(db), org, measure)
    typer.echo("month,planned,actual,gap,off_plan")
    for r in c.rows:
        vals = ["" if r[k] is None else f"{r[k]:.2f}" for k in ("planned", "actual", "gap")]
        typer.echo(f"{r['month']},{','.join(vals)},{str(r['off_plan']).lower()}")
    fc = "" if c.forecast_year_end is None else f"{c.forecast_year_end:.2f}"
    typer.echo(f"# status={c.status} forecast_year_end={fc} ({c.year_end_month}); {c.method}",
               err=True)


@bids_app.command("load")
def bids_load(file: FileArg, db: DbOption = None) -> None:
    """Load bids (cost_<year> columns), scores, the value framework (criteria), spend,
    milestones and funding rules."""
    _load("bids", file, db)


@bids_app.command("decide")
def bids_decide(budget: Annotated[float, typer.Option(help="Budget in pounds.")],
                min_score: Annotated[float | None, typer.Option(help="Lowest fundable score.")]
                = None,
                apply: Annotated[bool, typer.Option(help="Record the decision and statuses.")]
                = False, db: DbOption = None) -> None:
    """Rank scored bids by the value framework and fund them greedily within the budget."""
    from cancer_alliance.auth import audit
    from cancer_alliance.operations import bids

    con = _con(db)
    if apply:  # the decision and its audit row in one transaction, as on the web
        with audit.atomic(con, _cli_actor(), "edit_operations", "funding_decision",
                          f"budget {budget:.0f}") as done:
            d = bids.run_decision(con, budget, "cli", min_score=min_score, apply=True)
            done.detail += f": funded {', '.join(a.bid_id for a in d.funded) or 'none'}"
    else:
        d = bids.run_decision(con, budget, "cli", min_score=min_score)
    typer.echo("rank,bid_id,weighted_score,value_for_money,total_cost,decision")
    for a in d.ranked:
        ws = "" if a.weighted_score is None else f"{a.weighted_score:.3f}"
        vfm = "" if a.value_for_money is None else f"{a.value_for_money:.6f}"
        typer.echo(f"{a.rank or ''},{a.bid_id},{ws},{vfm},{a.total_cost:.0f},{a.decision}")
    typer.echo(f"# funded £{d.funded_total:,.0f} of £{d.budget:,.0f}. Rule: {d.rule}", err=True)


@bids_app.command("simulate")
def bids_simulate(rule_id: Annotated[str | None, typer.Argument(help="A stored rule id.")] = None,
                  rule_file: Annotated[Path | None, typer.Option(help="A rule as JSON.")] = None,
                  db: DbOption = None) -> None:
    """What a performance-linked rule would have paid each provider, beside unconditional."""
    from cancer_alliance.errors import NotFound, UsageError
    from cancer_alliance.operations import bids, funding

    con = _con(db)
    if rule_file:
        rule = json.loads(rule_file.read_text())
    elif rule_id:
        got = [r for r in bids.funding_rules(con) if r["rule_id"] == rule_id]
        if not got:
            raise NotFound(f"funding rule {rule_id} is not stored")
        rule = got[0]["rule"]
    else:
        raise UsageError("give a stored rule id or --rule-file")
    _, summary = bids.simulate_stored_rule(con, rule)
    typer.echo("provider_code,quarters,quarters_paid,paid,unconditional,difference")
    for s in summary:
        typer.echo(f"{s['provider_code']},{s['quarters']},{s['quarters_paid']},{s['paid']:.0f},"
                   f"{s['unconditional']:.0f},{s['difference']:.0f}")
    typer.echo("# " + funding.describe_rule(rule), err=True)


@plan_app.command("load")
def plan_load(file: FileArg, db: DbOption = None) -> None:
    """Load the plan's vision and deliverables."""
    _load("plan", file, db)


@gov_app.command("load")
def governance_load(file: FileArg, db: DbOption = None) -> None:
    """Load members, board, meetings, decisions and actions."""
    _load("governance", file, db)


@voice_app.command("load-survey")
def voice_load_survey(file: FileArg, db: DbOption = None) -> None:
    """Load patient experience survey aggregates (and panel feedback sheets)."""
    _load("voice", file, db)


@init_app.command("load")
def initiatives_load(file: FileArg, db: DbOption = None) -> None:
    """Load the register of local initiatives and pilots."""
    _load("initiatives", file, db)


@init_app.command("evaluate")
def initiatives_evaluate(db: DbOption = None,
                         initiative: Annotated[str | None, typer.Option(help="Only this one.")]
                         = None) -> None:
    """Rebase each initiative's SPC chart at go-live and say whether a real shift followed."""
    from cancer_alliance.operations import initiatives

    con = _con(db)
    ids = [initiative] if initiative else [i["initiative_id"]
                                           for i in initiatives.list_initiatives(con)]
    typer.echo("initiative_id,measure_code,months_before,months_after,mean_before,mean_after,"
               "shift_detected,verdict")
    for i in ids:
        for r in initiatives.evaluate_initiative(con, i):
            def f(k, r=r):
                v = r.get(k)
                return "" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
            typer.echo(f"{i},{r['measure_code']},{f('months_before')},{f('months_after')},"
                       f"{f('mean_before')},{f('mean_after')},"
                       f"{str(r.get('shift_detected')).lower()},\"{r['verdict']}\"")


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.add_typer(report_app, name="report")
    app.add_typer(traj_app, name="trajectories")
    app.add_typer(bids_app, name="bids")
    app.add_typer(plan_app, name="plan")
    app.add_typer(gov_app, name="governance")
    app.add_typer(voice_app, name="voice")
    app.add_typer(init_app, name="initiatives")
