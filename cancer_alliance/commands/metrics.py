"""Commands: outcomes, metrics, ptl, refresh (the metrics engine).

``outcomes`` traces every figure to its pathways, ``metrics`` aggregates one standard,
``ptl`` lists open pathways on a census date, ``refresh`` materialises outcomes. ``--engine
spark`` runs the same definitions on a local Spark session over a Parquet export of the store.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from cancer_alliance.commands.options import DbOption
from cancer_alliance.errors import UsageError


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


class Format(StrEnum):
    csv = "csv"
    json = "json"


EngineOption = Annotated[Engine, typer.Option(
    "--engine", help="Where the definitions run: duckdb (the store itself) or spark (a local "
    "Spark session reading the store exported as Parquet).")]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format on stdout.")]
PeriodOption = Annotated[str | None, typer.Option(
    "--period", help="Reporting month YYYY-MM (month of the clock stop), or a range "
    "YYYY-MM..YYYY-MM.")]


def _open(db: str | None):
    from cancer_alliance.store import connect

    return connect(db)


def _spark(engine: Engine):
    if engine is Engine.spark:
        from cancer_alliance.metrics.engines import local_spark_session

        return local_spark_session()
    return None


def _echo(df, fmt: Format) -> None:
    from cancer_alliance.metrics.output import render

    typer.echo(render(df, fmt.value), nl=False)


def outcomes_command(
    db: DbOption = None,
    standard: Annotated[str | None, typer.Option(
        "--standard", help="Standard code, e.g. 62_DAY (default: every completed-waits "
        "standard).")] = None,
    period: PeriodOption = None,
    fmt: FormatOption = Format.csv,
    engine: EngineOption = Engine.duckdb,
) -> None:
    """One row per pathway, standard, treatment and accountable provider, with the reason
    for any exclusion: how to trace a published figure to the pathways behind it."""
    from cancer_alliance import metrics

    con = _open(db)
    df = metrics.outcomes(con, standard=standard, period=period, engine=engine.value,
                          spark=_spark(engine))
    _echo(df, fmt)


def metrics_command(
    standard: Annotated[str, typer.Option("--standard", help="Standard code, e.g. FDS.")],
    db: DbOption = None,
    by: Annotated[str, typer.Option(
        "--by", help="Comma-separated breakdown: provider (accountable provider, summing "
        "shares), commissioner_code, tumour_group, rare_less_common, suspected_cancer_type, "
        "referral_route, modality, age_band, sex, ethnic_group, imd_quintile, alliance_code, "
        "and at most one of month, quarter, financial_year.")] = "provider,month",
    period: PeriodOption = None,
    provider: Annotated[str | None, typer.Option(
        "--provider", help="Only this accountable provider.")] = None,
    tumour_group: Annotated[str | None, typer.Option(
        "--tumour-group", help="Only these tumour groups (comma-separated).")] = None,
    fmt: FormatOption = Format.csv,
    engine: EngineOption = Engine.duckdb,
) -> None:
    """Aggregate one standard: total, within, breaches, performance %, threshold, met.

    Months before the alliance's data start (its first complete month, or the configured
    start) are left out, as on every page; stderr says so.
    """
    from cancer_alliance import metrics

    filters = {}
    if provider:
        filters["provider_code"] = provider
    if tumour_group:
        filters["tumour_group"] = [t.strip() for t in tumour_group.split(",")]
    con = _open(db)
    df = metrics.compute_metrics(con, standard, by=by, period=period, filters=filters or None,
                                 engine=engine.value, spark=_spark(engine))
    _echo(df, fmt)
    from cancer_alliance.metrics.data_start import data_start

    start = data_start(con)
    if start is not None:  # said on stderr, so the CSV or JSON on stdout stays clean
        typer.echo(f"Months before the alliance's data start ({start}) are left out; "
                   "see `cancer-alliance completeness`.", err=True)


def ptl_command(
    census: Annotated[str, typer.Option("--census", help="Census date YYYY-MM-DD.")],
    db: DbOption = None,
    fmt: FormatOption = Format.csv,
    engine: EngineOption = Engine.duckdb,
) -> None:
    """Every open urgent pathway on the census date: days waited, band, 62-day backlog, and
    breach_risk_62 / breach_risk_28 (0-1, blank where not applicable): the chance it is still
    on the list after day 62, or not told by day 28 (FDS), learned from the alliance's
    pathways whose outcome was known on the census date."""
    from cancer_alliance import metrics
    from cancer_alliance.outlook.tracking_list import with_breach_risk

    try:
        day = date.fromisoformat(census)
    except ValueError:
        raise UsageError(f"--census {census!r} is not a date written YYYY-MM-DD") from None
    con = _open(db)
    spark = _spark(engine)
    ptl = metrics.ptl(con, day, engine=engine.value, spark=spark)
    _echo(with_breach_risk(con, ptl, day, engine=engine.value, spark=spark), fmt)


def refresh_command(
    db: DbOption = None,
    submission: Annotated[int | None, typer.Option(
        "--submission", help="Recompute only the provider this submission touched.")] = None,
) -> None:
    """Materialise per-pathway outcomes so dashboards aggregate stored rows."""
    from cancer_alliance import metrics

    con = _open(db)
    summary = metrics.refresh(con, submission)
    typer.echo(f"refreshed {summary['scope']}: {len(summary['providers'])} provider(s), "
               f"{summary['rows']} outcome rows stored")


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("outcomes")(outcomes_command)
    app.command("metrics")(metrics_command)
    app.command("ptl")(ptl_command)
    app.command("refresh")(refresh_command)
