"""Commands: generate (see cli.COMMAND_MODULES)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("generate", help=HELP)(generate_command)


HELP = (
    "Write a realistic synthetic cancer alliance: reference files and one folder of pathway "
    "submissions per trust per month, in the exact upload format.\n\n"
    "The data are fictional (NHS numbers from the never-issued test range) but shaped like "
    "England's: referral growth and seasonality, route and cancer-type mix, about 6 cancers per "
    "100 urgent referrals, trusts that meet the waiting-time standards and trusts that do not, "
    "transfers, deaths and an open backlog. The same seed always writes the same files."
)


def generate_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the synthetic data "
                                      "into.")] = Path("demo-data"),
    scale: Annotated[str, typer.Option(help="small (2 trusts, ~300 urgent referrals a "
                                       "month), alliance (8 trusts, 10 commissioners) or "
                                       "national (21 alliances, ~3 million referrals a "
                                       "year).")] = "alliance",
    start: Annotated[str, typer.Option(help="First reporting month, YYYY-MM.")] = "2023-01",
    months: Annotated[int, typer.Option(help="How many monthly submissions per trust.")] = 36,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed writes the same "
                                      "files.")] = 2016,
    dirty: Annotated[float, typer.Option(help="Share of pathway rows to corrupt, each "
                                         "breaking one validation rule (listed in "
                                         "manifest.json).")] = 0.0,
    file_format: Annotated[str, typer.Option("--format", help="csv or parquet (smaller and "
                                             "faster for national runs).")] = "csv",
) -> None:
    """Generate the synthetic alliance (help text: HELP)."""
    from cancer_alliance.generate import generate

    summary = generate(out, scale=scale, start=start, months=months, seed=seed, dirty=dirty,
                       file_format=file_format, progress=True)
    table = Table(title=f"Synthetic {summary.scale} data written to {summary.out_dir}")
    table.add_column("item")
    table.add_column("count", justify="right")
    for label, value in (
        ("alliances", summary.alliances), ("trusts", summary.providers),
        ("commissioners", summary.commissioners), ("submissions", summary.submissions),
        *((f"{name} rows", n) for name, n in summary.rows.items()),
        ("corrupted rows (see manifest.json)", summary.injected),
    ):
        table.add_row(label, f"{value:,}")
    console = Console()
    console.print(table)
    console.print(f"Done in {summary.seconds:.1f} s. Load it with: cancer-alliance ingest-folder "
                  f"{summary.out_dir}")
