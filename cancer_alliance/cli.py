"""The ``cancer-alliance`` command line.

Each family of commands lives in its own module under ``cancer_alliance/commands/`` and
adds itself to the one Typer app through ``register(app)``. This file only assembles them
and turns :class:`~cancer_alliance.errors.AllianceError` into a clear message and an exit
code, without a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from cancer_alliance.errors import AllianceError

app = typer.Typer(
    name="cancer-alliance",
    help="The Cancer Alliance platform: validated pathway submissions, the national cancer "
    "waiting-time standards, variation statistics and the alliance's Cancer Dashboard.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command families, in the order --help lists them.
COMMAND_MODULES = [
    "cancer_alliance.commands.generate",  # generate
    "cancer_alliance.commands.data",  # ingest, submissions, rejections, reference
    "cancer_alliance.commands.capacity",  # ingest-capacity, capacity-submissions, -rejections
    "cancer_alliance.commands.calendar",  # completeness, finalise, calendar
    "cancer_alliance.commands.metrics",  # outcomes, metrics, ptl, refresh
    "cancer_alliance.commands.lake",  # lake export, show, import-results
    "cancer_alliance.commands.published",  # published data: load, reconcile
    "cancer_alliance.commands.forecast",  # forecast
    "cancer_alliance.commands.web",  # serve, users
    "cancer_alliance.commands.operations",  # report, plans, trajectories, bids ...
    "cancer_alliance.commands.simulate",  # simulate (pathway scenarios)
    "cancer_alliance.commands.demo",  # demo
]


def _register_all() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_all()


def main() -> None:
    """Entry point: run the app, printing user errors without a traceback."""
    try:
        app(standalone_mode=False)
    except AllianceError as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] {exc}", highlight=False,
                                   soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        Console(stderr=True).print("Aborted.")
        sys.exit(1)
    except Exception as exc:
        # usage errors of Typer's (vendored) click: print them the way click does
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
