"""Commands: metrics (see cli.COMMAND_MODULES)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
