"""Commands for the capacity dataset: ingest-capacity, capacity-submissions, capacity-rejections.

They mirror ``ingest``, ``submissions`` and ``rejections`` (:mod:`.data`) for the capacity
dataset, whose submissions are kept in their own tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cancer_alliance.commands.data import list_submissions, print_submission, write_rejections
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
    print_submission(result, as_json, heading="Capacity submission",
                     rejections_command="capacity-rejections")


def capacity_submissions(
    db: DbOption = None,
    provider: Annotated[str | None, typer.Option(help="Only this provider's.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """List capacity submissions: who sent what, when, and how many rows were accepted."""
    list_submissions(db, "capacity_submissions", provider, fmt, title="Capacity submissions")


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

    write_rejections(db, submission, out, CAPACITY_DATASET)


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("ingest-capacity")(ingest_capacity_command)
    app.command("capacity-submissions")(capacity_submissions)
    app.command("capacity-rejections")(capacity_rejections)
