"""Command: simulate (pathway scenarios; see cli.COMMAND_MODULES).

``simulate --scenario FILE`` runs a scenario file and prints ``scenario, month, measure, mean,
lower, upper``; ``simulate --baseline --out FILE`` writes the alliance's calibrated baseline
scenario; ``simulate --baseline --fit-check`` shows how the baseline reproduces the months it
was fitted on.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cancer_alliance.commands.options import DbOption
from cancer_alliance.errors import UsageError

HELP = (
    "Run a pathway scenario: referrals move through first appointment, diagnostics by "
    "modality, decision and treatment, each step with its provider's capacity, and come out "
    "as FDS, 62-day performance and the 62-day backlog by month, with a 95% interval over "
    "replications.\n\n"
    "Start from the alliance's baseline (simulate --baseline --out baseline.toml), copy it, "
    "edit capacity or add [[changes]] (see docs/reference/scenario-file.md), then run "
    "simulate --scenario my.toml. The same seed gives the same figures."
)


class Demand(StrEnum):
    forecast = "forecast"
    history = "history"


class Format(StrEnum):
    csv = "csv"
    json = "json"


def simulate_command(
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Scenario file (TOML) to run.")] = None,
    baseline: Annotated[bool, typer.Option(
        "--baseline", help="Fit the alliance's baseline from the store: with --out, write it "
        "as a scenario file; with --fit-check, compare it with the months it was fitted "
        "on; alone, run it.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="With --baseline: where to write the baseline scenario file.")] = None,
    fit_check: Annotated[bool, typer.Option(
        "--fit-check", help="With --baseline: simulate the fit window and print the "
        "simulated and actual FDS, 62-day and backlog by month.")] = False,
    months: Annotated[int, typer.Option(help="Months to simulate from the scenario's "
                                        "start.")] = 24,
    replications: Annotated[int, typer.Option(help="Independent replications (the interval "
                                              "is over these).")] = 20,
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's).")] = None,
    headroom: Annotated[float, typer.Option(help="With --baseline: capacity above the busiest "
                                            "month of the fit window (0.05 = 5%).")] = 0.05,
    demand: Annotated[Demand, typer.Option(
        "--demand", help="With --baseline: future referrals from the alliance's referral "
        "forecast (cancer-alliance forecast --measure referrals) or from the fitted growth "
        "alone.")] = Demand.forecast,
    fmt: Annotated[Format, typer.Option("--format", help="Output format on stdout.")] =
    Format.csv,
    db: DbOption = None,
) -> None:
    """Run a scenario, or write / check the baseline (help text: HELP)."""
    from cancer_alliance.metrics.output import render
    from cancer_alliance.outlook import scenarios, simulation

    if (scenario is None) == (not baseline):
        raise UsageError("give either --scenario FILE or --baseline")
    if (out or fit_check) and not baseline:
        raise UsageError("--out and --fit-check go with --baseline")
    if months < 1 or replications < 1:
        raise UsageError("--months and --replications must be at least 1")
    if baseline:
        from cancer_alliance.outlook.simulation_fit import fit_baseline
        from cancer_alliance.store import connect

        con = connect(db)
        try:
            use_forecast = demand is Demand.forecast and not fit_check
            fitted = fit_baseline(con, headroom=headroom,
                                  forecast_months=months if use_forecast else 0)
            if fit_check:
                from cancer_alliance.outlook.simulation_check import fit_check as check

                typer.echo(render(check(con, fitted, replications, seed), fmt.value), nl=False)
                return
        finally:
            con.close()
        if out is not None:
            scenarios.write(fitted, out)
            typer.echo(f"Baseline scenario written to {out} (fitted on "
                       f"{fitted.fitted_on[0]} to {fitted.fitted_on[1]}).", err=True)
            return
        run = fitted
    else:
        run = scenarios.load(scenario)
    df = simulation.simulate(run, months, replications, seed)
    typer.echo(render(df, fmt.value), nl=False)


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("simulate", help=HELP)(simulate_command)
