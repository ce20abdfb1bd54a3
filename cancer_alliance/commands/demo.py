"""``cancer-alliance demo``: the synthetic alliance, loaded and served, in one command.

On a fresh machine it generates the demo alliance (if ``--data`` has none yet), ingests
every submission into the store (if the store has none yet), refreshes the materialised
metrics, seeds the alliance's plan, trajectories, bids, board and initiatives, creates one
demo account per role, prints them, and serves the dashboard. Running it again reuses what
is there, so the second start is quick.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance.commands.options import DbOption
from cancer_alliance.store import connect, resolve_db_path


def _has_submissions(con) -> bool:
    return con.execute("SELECT count(*) FROM submissions").fetchall()[0][0] > 0


def prepare_demo(db: str | None, data: Path, console: Console) -> list[tuple]:
    """Generate, ingest, refresh and seed as needed; return the demo accounts."""
    from cancer_alliance.generate import demo_folder
    from cancer_alliance.ingest import ingest_folder
    from cancer_alliance.ingest.folder import folder_submissions
    from cancer_alliance.metrics import refresh
    from cancer_alliance.operations.demo import seed_demo
    from cancer_alliance.web.demo_accounts import create_demo_accounts

    started = time.perf_counter()
    if not (data / "manifest.json").exists():
        console.print(f"Generating the synthetic alliance into {data}/ ...")
        demo_folder(data, progress=True)
    con = connect(db)
    try:
        if not _has_submissions(con):
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            subs = folder_submissions(data)
            with Progress("{task.description}", BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console) as progress:
                task = progress.add_task("Ingesting submissions", total=len(subs))
                results = ingest_folder(con, data, submitted_by="demo",
                                        on_submission=lambda _r: progress.advance(task))
            rows = sum(r.rows_read for r in results)
            rejected = sum(r.rejected for r in results)
            console.print(f"Loaded {len(results)} submissions: {rows:,} rows read, "
                          f"{rows - rejected:,} accepted, {rejected:,} rejected.")
        console.print("Refreshing the materialised metrics ...")
        refresh(con)
        seed_demo(con)
        accounts = create_demo_accounts(con)
        _print_loaded(con, console, resolve_db_path(db))
    finally:
        con.close()
    console.print(f"Ready in {time.perf_counter() - started:.0f} s.")
    return accounts


def _print_loaded(con, console: Console, path: Path) -> None:
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
              for t in ("submissions", "pathways", "subsequent_treatments", "recovery_events",
                        "deaths", "rejections")}
    span = con.execute("SELECT min(period), max(period), count(DISTINCT provider_code) "
                       "FROM submissions").fetchall()[0]
    console.print(f"{path} holds "
                  f"{counts['pathways']:,} pathways from {span[2]} providers, "
                  f"{span[0]} to {span[1]}: " + json.dumps(counts))


def demo(
    db: DbOption = None,
    data: Annotated[Path, typer.Option(help="Where the synthetic alliance's files are (or "
                                       "will be written).")] = Path("demo-data"),
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the dashboard "
                                        "when ready (default) or stop after loading.")] = True,
) -> None:
    """Generate the synthetic alliance, load it, and serve its Cancer Dashboard.

    The first run takes a few minutes (generation and ingest); later runs reuse the data.
    One demo account per role is printed: use them to see what each kind of user sees.
    """
    console = Console()
    accounts = prepare_demo(db, data, console)
    table = Table("username", "password", "role", "organisation", title="Demo accounts")
    for username, password, role, org in accounts:
        table.add_row(username, password, role, org or "")
    console.print(table)
    if serve:
        from cancer_alliance.commands.web import serve_app

        console.print(f"Open http://{host}:{port} (the public view needs no login).")
        serve_app(db, host, port, secure_cookies=host in ("127.0.0.1", "localhost"))


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("demo")(demo)
