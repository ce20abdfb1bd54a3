"""Commands for the capacity dataset: ingest-capacity, capacity-submissions, capacity-rejections.

They mirror ``ingest``, ``submissions`` and ``rejections`` (:mod:`.data`) for the capacity
dataset, whose submissions are kept in their own tables.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance.commands.data import REJECTION_COLUMNS, _emit
from cancer_alliance.commands.options import DbOption
from cancer_alliance.store import connect


def ingest_capacity_command(
    path: Annotated[Path, typer.Argument(help="A folder with capacity.csv and/or "
                                          "workforce.csv, one file, or one .xlsx workbook "
                                          "with sheets capacity and workforce.")],
    provider: Annotated[str, typer.Option(help="ODS code of the submitting provider, e.g. RAA.")],
    period: Annotated[str, typer.Option(help="The month the figures are for, YYYY-MM.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON "
                                          "object.")] = False,
    by: Annotated[str | None, typer.Option(help="Who is submitting (recorded with the "
                                           "submission); default: your user name.")] = None,
    lake: Annotated[str | None, typer.Option(
        "--lake", help="Also write the provider's capacity and workforce rows into this lake "
        "(a folder or a filesystem URI such as s3a://bucket/lake), beside the pathway tables.",
        show_default=False)] = None,
) -> None:
    """Validate and load one provider's monthly capacity and workforce submission.

    Checked against docs/reference/capacity-dataset.md; rows that break a rule are kept
    with their reasons (see `capacity-rejections`) and the rest are loaded in one
    transaction. A later submission for the month replaces the rows it sends; the replaced
    versions are kept. Exit 0 when loaded, even with rejected rows. With --lake the store
    keeps the rows too, and the provider's capacity partitions are exported afterwards.
    """
    from cancer_alliance.ingest.capacity import ingest_capacity
    from cancer_alliance.lake.ingest import with_capacity_lake

    results = []
    with connect(db) as con:
        with_capacity_lake(con, lake, provider, lambda: results.append(ingest_capacity(
            con, path, provider=provider, period=period, submitted_by=by)))
    result = results[0]
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    console = Console()
    console.print(f"Capacity submission [bold]{result.submission_id}[/]: provider "
                  f"{result.provider}, period {result.period}")
    table = Table("file", "rows read", "accepted", "rejected")
    for f in result.files:
        table.add_row(f.file_name, str(f.rows_read), str(f.accepted), str(f.rejected))
    table.add_row("[bold]total", str(result.rows_read), str(result.accepted),
                  str(result.rejected))
    console.print(table)
    for w in result.warnings:
        console.print(f"[yellow]Warning:[/] {w}")
    if result.rejected:
        console.print(f"{result.rejected} row(s) rejected: see `cancer-alliance "
                      f"capacity-rejections --submission {result.submission_id}`")


def capacity_submissions(
    db: DbOption = None,
    provider: Annotated[str | None, typer.Option(help="Only this provider's.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """List capacity submissions: who sent what, when, and how many rows were accepted."""
    sql = ("SELECT submission_id, provider_code, period, submitted_by, "
           "strftime(submitted_at, '%Y-%m-%d %H:%M:%S') AS submitted_at, status, rows_read, "
           "accepted, rejected FROM capacity_submissions")
    params = []
    if provider:
        sql += " WHERE provider_code = ?"
        params.append(provider)
    sql += " ORDER BY submission_id"
    with connect(db) as con:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    _emit(names, rows, fmt, title="Capacity submissions")


def capacity_rejections(
    submission: Annotated[int, typer.Option(help="The submission id (see "
                                            "`capacity-submissions`).")],
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option(help="Write the CSV here instead of to the "
                                             "screen.")] = None,
) -> None:
    """The rejected rows of a capacity submission as CSV: file, row, column, value, rule,
    message (one line per rule broken; the header is row 1)."""
    from cancer_alliance.dataset.datasets import CAPACITY_DATASET
    from cancer_alliance.ingest.submission import require_submission
    from cancer_alliance.metrics.output import write_csv  # pandas: loaded only when used

    with connect(db) as con:
        require_submission(con, submission, CAPACITY_DATASET)
        rows = con.execute(
            'SELECT file, "row", "column", value, rule, message FROM capacity_rejections '
            'WHERE submission_id = ? ORDER BY file, "row", "column", rule', [submission]
        ).fetchall()
    handle = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    write_csv(handle, REJECTION_COLUMNS, rows)
    if out:
        handle.close()


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("ingest-capacity")(ingest_capacity_command)
    app.command("capacity-submissions")(capacity_submissions)
    app.command("capacity-rejections")(capacity_rejections)
