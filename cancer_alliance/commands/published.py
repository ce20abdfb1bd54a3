"""Commands: published load/show/metrics, and reconcile (published data mode).

``published load`` reads NHS England's Monthly Combined CSV or the older CWT-CRS XLSX
extract into the store; ``published alliances --load FILE`` stores the ONS sub-ICB location
to Cancer Alliance lookup (``--standard``: each alliance's published figures); ``published
show`` lists what was loaded; ``published metrics`` aggregates it in the ``metrics``
command's shape; ``reconcile`` compares the store's
patient-level totals with the published ones per provider, standard and month.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cancer_alliance.commands.options import DbOption


class Format(StrEnum):
    csv = "csv"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="Output format on stdout.")]
StandardOption = Annotated[str | None, typer.Option(
    "--standard", help="One standard code (FDS, 31_DAY, 62_DAY, 2WW_USC, ...); default all.")]
PeriodOption = Annotated[str | None, typer.Option(
    "--period", help="Month YYYY-MM, or a range YYYY-MM..YYYY-MM.")]

published_app = typer.Typer(
    help="NHS England's published Cancer Waiting Times extracts: load, show, aggregate.",
    no_args_is_help=True,
)


def _open(db: str | None):
    from cancer_alliance.store import connect

    return connect(db)


def _echo(df, fmt: Format) -> None:
    from cancer_alliance.metrics.output import to_csv, to_json

    typer.echo(to_csv(df) if fmt is Format.csv else to_json(df) + "\n", nl=False)


@published_app.command("load")
def load_command(
    files: Annotated[list[Path], typer.Argument(
        help="Monthly Combined .csv or CWT-CRS Data Extract .xlsx file(s).")],
    db: DbOption = None,
) -> None:
    """Load published CWT file(s); loading a file of the same name again replaces it."""
    from cancer_alliance.published import load_published

    con = _open(db)
    for f in files:
        typer.echo(json.dumps(load_published(con, f)))


@published_app.command("show")
def show_command(
    db: DbOption = None,
    standard: StandardOption = None,
    fmt: FormatOption = Format.csv,
) -> None:
    """Every loaded published row (subtotals flagged by is_subtotal)."""
    from cancer_alliance.published import published_rows

    _echo(published_rows(_open(db), standard), fmt)


@published_app.command("metrics")
def metrics_command(
    db: DbOption = None,
    standard: StandardOption = None,
    by: Annotated[str, typer.Option(
        "--by", help="Comma-separated: provider or commissioner, cancer_type, referral_route, "
        "modality, and one of month, quarter, financial_year.")] = "provider,month",
    period: PeriodOption = None,
    fmt: FormatOption = Format.csv,
) -> None:
    """Published totals in the metrics command's shape (dashboard on public data alone)."""
    from cancer_alliance.published import published_metrics

    _echo(published_metrics(_open(db), standard, by=by, period=period), fmt)


@published_app.command("peers")
def peers_command(
    db: DbOption = None,
    set_codes: Annotated[str | None, typer.Option(
        "--set", help="Comma-separated organisation codes of the peer set (replaces it).")] = None,
    basis: Annotated[str, typer.Option(
        "--basis", help="provider or commissioner: whose published figures.")] = "provider",
    clear: Annotated[bool, typer.Option("--clear", help="Remove the peer set.")] = False,
) -> None:
    """Show, set or clear the peers the dashboard compares the alliance with (pooled
    published figures, beside England's)."""
    from cancer_alliance.published import peers

    con = _open(db)
    if clear and set_codes:
        from cancer_alliance.errors import UsageError

        raise UsageError("use --set or --clear, not both")
    if clear:
        peers.clear_peers(con)
    elif set_codes is not None:
        peers.set_peers(con, set_codes.split(","), basis)
    kind, codes = peers.read_peers(con)
    typer.echo(f"{kind or 'no'} peers: {', '.join(codes) if codes else '(none set)'}")


@published_app.command("alliances")
def alliances_command(
    db: DbOption = None,
    load: Annotated[Path | None, typer.Option(
        "--load", help="The ONS sub-ICB location to Cancer Alliance lookup (.csv or .xlsx, "
        "columns SICBLyyCD, SICBLyyCDH, SICBLyyNM, CALyyCD, CALyyNM); replaces the stored "
        "lookup.")] = None,
    standard: StandardOption = None,
    period: PeriodOption = None,
    fmt: FormatOption = Format.csv,
) -> None:
    """Which Cancer Alliance each commissioner belongs to, and the alliances' published
    figures: with --load, store the lookup; with --standard, each alliance's published
    figure by month (summed over its sub-ICB locations); else list the stored lookup."""
    from cancer_alliance.published import alliances

    con = _open(db)
    if load is not None:
        typer.echo(json.dumps(alliances.load_alliances(con, load)))
        return
    if standard is not None:
        _echo(alliances.alliance_figures(con, standard, period), fmt)
        return
    _echo(alliances.read_alliances(con), fmt)


def reconcile_command(
    db: DbOption = None,
    standard: StandardOption = None,
    period: PeriodOption = None,
    fmt: FormatOption = Format.csv,
) -> None:
    """Compare the store's patient-level totals with NHS England's published ones.

    One row per provider, standard and month: published and local total, within and
    breaches, their differences (local minus published) and a status.
    """
    from cancer_alliance.published import reconcile

    _echo(reconcile(_open(db), standard, period), fmt)


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.add_typer(published_app, name="published")
    app.command("reconcile")(reconcile_command)
