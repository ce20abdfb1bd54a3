"""Commands: completeness, finalise, calendar (the reporting calendar).

``completeness`` prints the grid (one row per provider and month) or, with ``--latest``,
only the alliance's latest complete month. ``finalise`` makes a month's figures final
before the rule would (audited). ``calendar set`` and ``calendar joined`` change the
alliance's timetable and a provider's joining month.
"""

from __future__ import annotations

import getpass
from enum import StrEnum
from typing import Annotated

import typer

from cancer_alliance.commands.options import DbOption


class Format(StrEnum):
    csv = "csv"
    json = "json"


calendar_app = typer.Typer(help="The reporting calendar's settings: deadlines, the share of "
                           "providers that makes a month complete, the data start, and the "
                           "month a provider joined.", no_args_is_help=True)


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _audited(con, detail: str):
    """A calendar change and its audit row in one transaction (both or neither), as the
    browser's changes: a refused audit text once left the change made and a traceback."""
    from cancer_alliance.auth import audit
    from cancer_alliance.auth.model import Actor

    return audit.atomic(con, Actor(username=_user(), role="analyst"), "edit_operations",
                        "calendar", detail)


def completeness_command(
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format on stdout.")] = (
        Format.csv),
    latest: Annotated[bool, typer.Option(
        "--latest", help="Print only the latest complete month, YYYY-MM (nothing when no "
        "month is complete).")] = False,
) -> None:
    """Which providers have submitted which months: one row per provider and month.

    `state` is one of not_due, awaiting, submitted, resubmitted, late, final. A month is
    complete when every expected provider is in (or the configured share); the latest
    complete month is the alliance's latest month.
    """
    from cancer_alliance.calendar import grid_frame, read_calendar
    from cancer_alliance.metrics.output import render
    from cancer_alliance.store import connect

    con = connect(db)
    cal = read_calendar(con)
    if latest:
        if cal.latest_complete:
            typer.echo(cal.latest_complete)
        return
    df = grid_frame(cal)
    df["submitted_at"] = [None if v is None or v != v else v.isoformat(timespec="seconds")
                          for v in df["submitted_at"]]
    typer.echo(render(df, fmt.value), nl=False)


def finalise_command(
    period: Annotated[str, typer.Option("--period", help="The month to make final, YYYY-MM.")],
    db: DbOption = None,
    note: Annotated[str | None, typer.Option(help="Why, recorded with the finalisation.")] = None,
) -> None:
    """Make a month's figures final now (before the rule would), audited.

    Later submissions for the month are kept and shown as revisions, never silently
    changing the published figure.
    """
    from cancer_alliance.calendar import finalise
    from cancer_alliance.store import connect

    con = connect(db)
    with _audited(con, f"finalised {period}"):
        done = finalise(con, period, _user(), note)
    typer.echo(f"{period} is final (by {done.finalised_by} at "
               f"{done.finalised_at.isoformat(timespec='seconds')})")


@calendar_app.command("set")
def set_command(
    key: Annotated[str, typer.Argument(help="working_days, revision_months, complete_share, "
                                       "data_start or alliance_code.")],
    value: Annotated[str | None, typer.Argument(help="The new value; leave out to go back "
                                                "to the default.")] = None,
    db: DbOption = None,
) -> None:
    """Change one setting of the alliance's reporting calendar (audited)."""
    from cancer_alliance.calendar import set_setting
    from cancer_alliance.store import connect

    con = connect(db)
    with _audited(con, f"set {key}={value if value is not None else 'default'}"):
        set_setting(con, key, value, _user())
    typer.echo(f"{key} = {value if value is not None else '(default)'}")


@calendar_app.command("joined")
def joined_command(
    provider: Annotated[str, typer.Argument(help="ODS code of the provider.")],
    month: Annotated[str, typer.Argument(help="The month it joined the footprint, YYYY-MM.")],
    db: DbOption = None,
) -> None:
    """Record the month a provider joined the alliance: it is expected from then on."""
    from cancer_alliance.calendar import set_provider_start
    from cancer_alliance.store import connect

    con = connect(db)
    with _audited(con, f"{provider} expected from {month}"):
        set_provider_start(con, provider, month, _user())
    typer.echo(f"{provider} is expected from {month}")


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("completeness")(completeness_command)
    app.command("finalise")(finalise_command)
    app.add_typer(calendar_app, name="calendar")
