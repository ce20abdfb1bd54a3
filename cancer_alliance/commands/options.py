"""Options shared by many commands, so each is spelled and explained once."""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Path of the store (a DuckDB file). Default: $CANCER_ALLIANCE_DB, else "
        "./alliance.duckdb.",
        show_default=False,
    ),
]
