"""Commands: outcomes, metrics, ptl, refresh (the metrics engine).

``outcomes`` traces every figure to its pathways, ``metrics`` aggregates one standard,
``ptl`` lists open pathways on a census date, ``refresh`` materialises outcomes. ``--engine
spark`` runs the same definitions on Spark: ``local[*]`` by default, or any cluster named by
``--spark-master`` (or Spark Connect, ``--spark-remote``); with ``--lake`` the engine reads
the lake's Parquet directly and no store is opened.
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
    "--engine", help="Where the definitions run: duckdb (the store itself, or the lake with "
    "--lake) or spark (--spark-master, default local[*]; reads --lake directly, else the "
    "store exported to a temporary folder).")]
LakeOption = Annotated[str | None, typer.Option(
    "--lake", help="Read the data from this lake (a folder or a URI such as s3a://bucket/lake "
    "or hdfs://nn:8020/lake) instead of the store; fresh results in the lake are used.",
    show_default=False)]
MasterOption = Annotated[str | None, typer.Option(
    "--spark-master", help="Spark master URL for --engine spark: local[*], spark://host:7077, "
    "yarn, k8s://https://host:443 (default: $CANCER_ALLIANCE_SPARK_MASTER, else local[*]).",
    show_default=False)]
RemoteOption = Annotated[str | None, typer.Option(
    "--spark-remote", help="A Spark Connect server, sc://host:15002, instead of a master.",
    show_default=False)]
ConfOption = Annotated[list[str] | None, typer.Option(
    "--spark-conf", help="Extra Spark configuration key=value (repeatable), e.g. "
    "spark.executor.memory=4g.", show_default=False)]
ConfFileOption = Annotated[str | None, typer.Option(
    "--spark-conf-file", help="A spark-defaults.conf-style file of extra configuration "
    "(--spark-conf wins).", show_default=False)]
TimeoutOption = Annotated[float, typer.Option(
    "--spark-timeout", help="Seconds to wait for the Spark master and an executor before "
    "failing with a message naming the URL.")]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format on stdout.")]
PeriodOption = Annotated[str | None, typer.Option(
    "--period", help="Reporting month YYYY-MM (month of the clock stop), or a range "
    "YYYY-MM..YYYY-MM.")]


def _open(db: str | None, lake: str | None = None):
    """The store, unless the data come from a lake (then no store is opened at all)."""
    if lake is not None:
        return None
    from cancer_alliance.store import connect

    return connect(db)


def _engine(engine: Engine, lake: str | None = None, master: str | None = None,
            remote: str | None = None, conf: list[str] | None = None,
            conf_file: str | None = None, timeout: float = 60.0):
    """The engine object the options describe (a Spark session is made when first used)."""
    from cancer_alliance.metrics.engines import (
        DuckDBRunner,
        SparkRunner,
        SparkSettings,
        parse_spark_conf,
    )

    if engine is Engine.duckdb:
        if master or remote or conf or conf_file:
            raise UsageError("--spark-master, --spark-remote and --spark-conf apply to "
                             "--engine spark")
        return DuckDBRunner(lake)
    if master and remote:
        raise UsageError("use --spark-master or --spark-remote, not both")
    settings = SparkSettings(master, remote, parse_spark_conf(conf or [], conf_file), timeout)
    return SparkRunner(settings=settings, lake=lake)


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
    lake: LakeOption = None,
    spark_master: MasterOption = None,
    spark_remote: RemoteOption = None,
    spark_conf: ConfOption = None,
    spark_conf_file: ConfFileOption = None,
    spark_timeout: TimeoutOption = 60.0,
) -> None:
    """One row per pathway, standard, treatment and accountable provider, with the reason
    for any exclusion: how to trace a published figure to the pathways behind it."""
    from cancer_alliance import metrics

    eng = _engine(engine, lake, spark_master, spark_remote, spark_conf, spark_conf_file,
                  spark_timeout)
    try:
        df = metrics.outcomes(_open(db, lake), standard=standard, period=period, engine=eng)
    finally:
        eng.stop()
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
    lake: LakeOption = None,
    spark_master: MasterOption = None,
    spark_remote: RemoteOption = None,
    spark_conf: ConfOption = None,
    spark_conf_file: ConfFileOption = None,
    spark_timeout: TimeoutOption = 60.0,
) -> None:
    """Aggregate one standard: total, within, breaches, performance %, threshold, met,
    and edition (final or provisional, from the reporting calendar; blank with no calendar).

    Months before the alliance's data start (its first complete month, or the configured
    start) are left out, as on every page; stderr says so.
    """
    from cancer_alliance import metrics

    filters = {}
    if provider:
        filters["provider_code"] = provider
    if tumour_group:
        filters["tumour_group"] = [t.strip() for t in tumour_group.split(",")]
    eng = _engine(engine, lake, spark_master, spark_remote, spark_conf, spark_conf_file,
                  spark_timeout)
    con = _open(db, lake)
    try:
        df = metrics.compute_metrics(con, standard, by=by, period=period,
                                     filters=filters or None, engine=eng)
    finally:
        eng.stop()
    from cancer_alliance.metrics.api import BREAKDOWNS
    from cancer_alliance.metrics.editions import with_edition

    df = with_edition(con, df, BREAKDOWNS.parse_by(by)[1])
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
    lake: LakeOption = None,
    spark_master: MasterOption = None,
    spark_remote: RemoteOption = None,
    spark_conf: ConfOption = None,
    spark_conf_file: ConfFileOption = None,
    spark_timeout: TimeoutOption = 60.0,
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
    eng = _engine(engine, lake, spark_master, spark_remote, spark_conf, spark_conf_file,
                  spark_timeout)
    con = _open(db, lake)
    try:
        df = with_breach_risk(con, metrics.ptl(con, day, engine=eng), day, engine=eng)
    finally:
        eng.stop()
    _echo(df, fmt)


def refresh_command(
    db: DbOption = None,
    submission: Annotated[int | None, typer.Option(
        "--submission", help="Recompute only the provider this submission touched.")] = None,
    engine: EngineOption = Engine.duckdb,
    lake: LakeOption = None,
    spark_master: MasterOption = None,
    spark_remote: RemoteOption = None,
    spark_conf: ConfOption = None,
    spark_conf_file: ConfFileOption = None,
    spark_timeout: TimeoutOption = 60.0,
) -> None:
    """Materialise per-pathway outcomes so dashboards aggregate stored rows.

    With --lake: compute them from the lake on the engine (a Spark cluster writes them from
    its executors) and write outcomes and monthly aggregates back into the lake, partitioned
    by reporting month and provider (load them into a store with `lake import-results`)."""
    from cancer_alliance import metrics

    if lake is not None:
        import json

        from cancer_alliance.metrics.lake_results import write_results

        if submission is not None:
            raise UsageError("--submission applies to a store; a lake refresh recomputes all")
        eng = _engine(engine, lake, spark_master, spark_remote, spark_conf, spark_conf_file,
                      spark_timeout)
        try:
            typer.echo(json.dumps(write_results(eng)))
        finally:
            eng.stop()
        return
    if engine is not Engine.duckdb:
        raise UsageError("refresh of a store runs on duckdb; use --lake to refresh on Spark")
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
