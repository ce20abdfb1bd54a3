"""Command: forecast (demand forecasts with prediction intervals, and their backtest)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cancer_alliance.commands.options import DbOption


class Format(StrEnum):
    csv = "csv"
    json = "json"


def forecast_command(
    measure: Annotated[str, typer.Option(
        "--measure", help="referrals (urgent suspected-cancer referrals), urgent-referrals "
        "(the URGENT_REFERRALS measure: suspected cancer and breast symptomatic) or "
        "<STANDARD_CODE>-denominator, e.g. FDS-denominator, 62_DAY-denominator.")],
    by: Annotated[str, typer.Option(
        "--by", help="alliance, provider, or cancer_type (suspected type for referrals, "
        "FDS and 2WW; diagnosed tumour group for 31- and 62-day standards), or a "
        "comma-separated combination such as provider,cancer_type.")] = "alliance",
    horizon: Annotated[int, typer.Option(
        "--horizon", help="Months ahead, 1-24.")] = 12,
    fmt: Annotated[Format, typer.Option("--format", help="Output format on stdout.")]
    = Format.csv,
    backtest: Annotated[bool, typer.Option(
        "--backtest", help="Print the rolling-origin backtest over the last 12 complete "
        "months instead (group, method, mase, coverage_80, coverage_95), the model beside "
        "the seasonal-naive baseline.")] = False,
    db: DbOption = None,
) -> None:
    """Monthly forecasts with 80% and 95% prediction intervals (trend, seasonality, working
    days), from complete months only. Columns: measure, group, month, forecast, lower_80,
    upper_80, lower_95, upper_95, method."""
    from cancer_alliance.metrics.output import render
    from cancer_alliance.outlook import demand, forecast, series
    from cancer_alliance.store import connect

    series.parse_measure(measure)
    series.parse_by(by)
    forecast.check_horizon(horizon)
    con = connect(db)
    make = demand.demand_backtest if backtest else demand.demand_forecast
    typer.echo(render(make(con, measure, by, horizon), fmt.value), nl=False)


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("forecast")(forecast_command)
