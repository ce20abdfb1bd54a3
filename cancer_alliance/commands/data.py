"""Commands for data coming in: ingest, ingest-folder, submissions, rejections, reference."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cancer_alliance.commands.options import DbOption
from cancer_alliance.errors import UsageError
from cancer_alliance.store import connect

if TYPE_CHECKING:
    from cancer_alliance.dataset.datasets import Dataset
    from cancer_alliance.ingest.submission import SubmissionResult

REJECTION_COLUMNS = ["file", "row", "column", "value", "rule", "message"]

LakeOption = Annotated[str | None, typer.Option(
    "--lake", help="Also write the accepted rows into this lake (a folder or a filesystem URI "
    "such as s3a://bucket/lake): the partitions of the providers loaded are exported after "
    "the ingest.", show_default=False)]
LakeOnlyOption = Annotated[bool, typer.Option(
    "--lake-only", help="With --lake: the lake, not the store, keeps the rows (national "
    "backfills). The store keeps submissions, rejections and reference data; validation "
    "and registration are unchanged.")]


def _lake_target(lake: str | None, lake_only: bool):
    from cancer_alliance.lake.ingest import LakeTarget

    if lake_only and not lake:
        raise UsageError("--lake-only needs --lake URI (where the rows go)")
    return LakeTarget(lake, lake_only) if lake else None


reference_app = typer.Typer(help="Reference data: organisations, the alliance footprint, "
                            "tumour groups, the ICD-10 map, deprivation and populations.",
                            no_args_is_help=True)


def ingest(
    path: Annotated[Path, typer.Argument(help="A folder of the month's files (pathways.csv and "
                                          "the optional tables), one file, or one .xlsx "
                                          "workbook with a sheet per table.")],
    provider: Annotated[str, typer.Option(help="ODS code of the submitting provider, e.g. RAA.")],
    period: Annotated[str, typer.Option(help="The reporting month, YYYY-MM.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON "
                                          "object.")] = False,
    by: Annotated[str | None, typer.Option(help="Who is submitting (recorded with the "
                                           "submission); default: your user name.")] = None,
    lake: LakeOption = None,
    lake_only: LakeOnlyOption = False,
) -> None:
    """Validate and load one provider's monthly submission.

    Every row is checked against the dataset rules; rows that break a rule are kept with
    their reasons (see `rejections`) and the rest are loaded in one transaction; the
    waiting-time results of the providers it touched are then refreshed. Exit 0 when
    the submission was loaded, even with rejected rows; a file that cannot be read at all
    rejects the whole submission and changes nothing.
    """
    from cancer_alliance import metrics
    from cancer_alliance.ingest import ingest_submission
    from cancer_alliance.lake.ingest import with_lake

    target = _lake_target(lake, lake_only)
    results = []
    with connect(db) as con:
        with_lake(con, target, [provider], lambda: results.append(ingest_submission(
            con, path, provider=provider, period=period, submitted_by=by)))
        result = results[0]
        if not lake_only:  # only the providers this submission touched are recomputed
            metrics.refresh(con, result.submission_id)
    print_submission(result, as_json, heading="Submission", rejections_command="rejections")


def print_submission(result: SubmissionResult, as_json: bool, heading: str,
                     rejections_command: str) -> None:
    """What ``ingest`` and ``ingest-capacity`` print: the summary as one JSON object, or a
    table of the files read with any warnings and the command that lists rejected rows."""
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    console = Console()
    console.print(f"{heading} [bold]{result.submission_id}[/]: provider {result.provider}, "
                  f"period {result.period}")
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
                      f"{rejections_command} --submission {result.submission_id}`")


def ingest_folder_command(
    folder: Annotated[Path, typer.Argument(help="A folder laid out like the generator's output: "
                                            "reference/ and submissions/<PROVIDER>/<YYYY-MM>/.")],
    db: DbOption = None,
    lake: LakeOption = None,
    lake_only: LakeOnlyOption = False,
) -> None:
    """Load a whole folder of submissions (reference data first, then months in order).

    The materialised waiting-time results are refreshed once at the end (not with
    --lake-only: the engines compute them from the lake).
    """
    from cancer_alliance.ingest.folder import folder_submissions, ingest_folder
    from cancer_alliance.lake.ingest import with_lake

    target = _lake_target(lake, lake_only)

    subs = folder_submissions(folder)
    totals = {"submissions": 0, "rows_read": 0, "accepted": 0, "rejected": 0}
    with connect(db) as con, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task("Ingesting submissions", total=len(subs))

        def step(result) -> None:
            totals["submissions"] += 1
            for k in ("rows_read", "accepted", "rejected"):
                totals[k] += getattr(result, k)
            progress.advance(task)

        with_lake(con, target, [p for p, _, _ in subs],
                  lambda: ingest_folder(con, folder, on_submission=step))
        from cancer_alliance import metrics

        if not lake_only:
            metrics.refresh(con)
    print(json.dumps(totals))


def submissions(
    db: DbOption = None,
    provider: Annotated[str | None, typer.Option(help="Only this provider's.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """List submissions: who sent what, when, and how many rows were accepted or rejected."""
    list_submissions(db, "submissions", provider, fmt, title="Submissions")


def list_submissions(db: str | None, submissions_table: str, provider: str | None, fmt: str,
                     title: str) -> None:
    """Print the submissions recorded in ``submissions_table`` (``submissions`` or
    ``capacity_submissions``), oldest first, optionally one provider's, as ``fmt``."""
    sql = ("SELECT submission_id, provider_code, period, submitted_by, "
           "strftime(submitted_at, '%Y-%m-%d %H:%M:%S') AS submitted_at, status, rows_read, "
           f"accepted, rejected FROM {submissions_table}")
    params = []
    if provider:
        sql += " WHERE provider_code = ?"
        params.append(provider)
    sql += " ORDER BY submission_id"
    with connect(db) as con:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    _emit(names, rows, fmt, title=title)


def rejections(
    submission: Annotated[int, typer.Option(help="The submission id (see `submissions`).")],
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option(help="Write the CSV here instead of to the "
                                             "screen.")] = None,
) -> None:
    """The rejected rows of a submission as CSV: file, row, column, value, rule, message.

    One line per rule broken; the row number is the spreadsheet row (the header is row 1).
    The report contains patient-level values: keep it within your organisation.
    """
    from cancer_alliance.dataset.datasets import PATHWAY_DATASET

    write_rejections(db, submission, out, PATHWAY_DATASET)


def write_rejections(db: str | None, submission: int, out: Path | None,
                     dataset: Dataset) -> None:
    """Write the rejected rows of one of ``dataset``'s submissions as CSV to ``out`` (or
    stdout); :class:`~cancer_alliance.errors.NotFound` when there is no such submission."""
    from cancer_alliance.ingest.submission import require_submission
    from cancer_alliance.metrics.output import write_csv  # pandas: loaded only when used

    with connect(db) as con:
        require_submission(con, submission, dataset)
        rows = con.execute(
            'SELECT file, "row", "column", value, rule, message FROM '
            f'{dataset.rejections_table} '
            'WHERE submission_id = ? ORDER BY file, "row", "column", rule', [submission]
        ).fetchall()
    handle = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    write_csv(handle, REJECTION_COLUMNS, rows)
    if out:
        handle.close()


@reference_app.command("load")
def reference_load(
    kind: Annotated[str, typer.Argument(help="alliances, organisations, lsoa_imd, populations, "
                                        "icd10_tumour_groups, tumour_groups or cancer_types.")],
    file: Annotated[Path, typer.Argument(help="A CSV file with that table's columns.")],
    db: DbOption = None,
) -> None:
    """Replace one reference table with the rows of a CSV file (checked first)."""
    from cancer_alliance.reference import load_reference_file

    with connect(db) as con:
        n = load_reference_file(con, kind, file)
    print(f"{kind}: {n} rows loaded")


@reference_app.command("show")
def reference_show(
    kind: Annotated[str, typer.Argument(help="Which reference table: alliances, "
                                        "organisations, lsoa_imd, populations, "
                                        "icd10_tumour_groups, tumour_groups or "
                                        "cancer_types.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "csv",
) -> None:
    """Print a reference table, as the platform uses it (e.g. the ICD-10 to tumour-group map)."""
    from cancer_alliance.reference import KINDS

    if kind not in KINDS:
        raise UsageError(f"unknown reference kind {kind!r}; choose one of {', '.join(KINDS)}")
    with connect(db) as con:
        cur = con.execute(f"SELECT * FROM {KINDS[kind].table} ORDER BY 1")
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    _emit(names, rows, fmt, title=kind)


@reference_app.command("init")
def reference_init(db: DbOption = None) -> None:
    """Load the reference data shipped with the platform (cancer types, tumour groups, ICD-10)."""
    from cancer_alliance.reference import load_reference_data

    with connect(db) as con:
        counts = load_reference_data(con)
    print(json.dumps(counts))


def _emit(names: list[str], rows: list[tuple], fmt: str, title: str) -> None:
    if fmt == "csv":
        from cancer_alliance.metrics.output import write_csv  # pandas: loaded only when used

        write_csv(sys.stdout, names, rows)
    elif fmt == "json":
        print(json.dumps([dict(zip(names, r, strict=True)) for r in rows], default=str))
    elif fmt == "table":
        t = Table(*names, title=title)
        for r in rows:
            t.add_row(*("" if v is None else str(v) for v in r))
        Console().print(t)
    else:
        raise UsageError(f"--format must be table, csv or json, not {fmt!r}")


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("ingest")(ingest)
    app.command("ingest-folder")(ingest_folder_command)
    app.command("submissions")(submissions)
    app.command("rejections")(rejections)
    app.add_typer(reference_app, name="reference")
