"""Commands: serve the Cancer Dashboard; manage user accounts and provider API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance.commands.options import DbOption
from cancer_alliance.errors import UsageError

users_app = typer.Typer(help="Manage dashboard user accounts (administrators).",
                        no_args_is_help=True)
tokens_app = typer.Typer(help="Manage per-provider API tokens for automatic submission.",
                         no_args_is_help=True)


#: How often (seconds) Python's interpreter lock is handed between threads while ``serve``
#: runs; Python's default is 0.005. The job worker and the warm-up run long stretches of
#: Python in the serving process (ingest, pandas, pack figures), and each time a request's
#: thread wants the lock it waits up to one interval, many times a request (the "convoy"
#: effect). A shorter interval trims that wait; measured with ``benchmarks/bench_load.py``
#: (20 users, a 150 MB upload ingested meanwhile), see docs/explanation/security.md.
SWITCH_INTERVAL_S = 0.001


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies",
        help="Send cookies over plain http to a host other than localhost (testing only).",
    )] = False,
) -> None:
    """Run the Cancer Dashboard web application on the store."""
    serve_app(db, host, port, secure_cookies=not insecure_cookies)


def serve_app(db: str | None, host: str, port: int, *, secure_cookies: bool = True,
              con=None) -> None:
    """Start uvicorn on a new app (shared with ``demo``)."""
    import uvicorn

    from cancer_alliance.store import connect
    from cancer_alliance.store.sharing import release_lenders
    from cancer_alliance.web.app import create_app
    from cancer_alliance.web.settings import WebSettings

    if con is None:  # wait for a running command; never borrow from another dashboard
        release_lenders()
        con = connect(db, borrow=False)
    settings = WebSettings(db=db, secure_cookies=secure_cookies, warm_pages=True)
    app = create_app(settings, con=con)
    store = app.state.store
    runner = app.state.jobs
    warmer = app.state.warmer
    runner.recover()  # jobs a stopped service left running: re-queued or settled truthfully
    runner.start()
    store.start_lending()  # commands run meanwhile borrow the store (store/sharing.py)
    console = Console(stderr=True)
    # the first visits are warm: prepare the pages, up to a budget, then carry on behind
    warmer.request()
    if not warmer.wait_idle(settings.warm_budget_s):
        console.print("Preparing the remaining pages in the background.")
    console.print(f"Cancer Dashboard on http://{host}:{port}  (Ctrl+C stops)")
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        warmer.stop()
        runner.stop()
        store.close()


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin, analyst, provider, commissioner or board.")],
    org: Annotated[str | None, typer.Option(
        "--org", help="Organisation code: the trust (provider) or commissioner.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (for scripts).")] = False,
    oidc_subject: Annotated[str | None, typer.Option(
        "--oidc-subject", help="Link the account to this single sign-on subject.")] = None,
    db: DbOption = None,
) -> None:
    """Add an account. Without --password-stdin the password is asked for twice."""
    from cancer_alliance.auth import users
    from cancer_alliance.store import connect

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif oidc_subject and not sys.stdin.isatty():
        password = None
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password is not None and password == "":
        raise UsageError("the password is empty")
    con = connect(db)
    users.add_user(con, username, role, org, password, oidc_subject=oidc_subject)
    Console().print(f"Added {username} ({role}{', ' + org if org else ''}).")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List accounts (never passwords)."""
    from cancer_alliance.auth import users
    from cancer_alliance.store import connect

    df = users.list_users(connect(db))
    table = Table("username", "role", "org", "active", "single sign-on", "created")
    for r in df.itertuples():
        table.add_row(r.username, r.role, r.org_code or "", "yes" if r.active else "no",
                      "yes" if r.single_sign_on else "no", str(r.created_at)[:19])
    Console().print(table)


@users_app.command("disable")
def users_disable(username: str, db: DbOption = None) -> None:
    """Stop an account logging in and end its sessions at once."""
    from cancer_alliance.auth import users
    from cancer_alliance.store import connect

    users.disable_user(connect(db), username)
    Console().print(f"Disabled {username}.")


@tokens_app.command("add")
def tokens_add(
    provider: Annotated[str, typer.Option(help="The provider (trust) ODS code.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    db: DbOption = None,
) -> None:
    """Make an API token for a provider and print it (once; only a hash is kept)."""
    from cancer_alliance.auth import tokens
    from cancer_alliance.store import connect

    token = tokens.create_token(connect(db), provider, created_by="cli", label=label)
    print(token)


@tokens_app.command("list")
def tokens_list(db: DbOption = None) -> None:
    """List tokens (id, first characters, provider, last used)."""
    from cancer_alliance.auth import tokens
    from cancer_alliance.store import connect

    df = tokens.list_tokens(connect(db))
    table = Table("id", "starts with", "provider", "label", "last used", "revoked")
    for r in df.itertuples():
        table.add_row(str(r.token_id), r.token_prefix, r.provider_code, r.label or "",
                      str(r.last_used_at or "")[:19], "yes" if r.revoked else "no")
    Console().print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int, db: DbOption = None) -> None:
    """Stop a token working."""
    from cancer_alliance.auth import tokens
    from cancer_alliance.store import connect

    tokens.revoke_token(connect(db), token_id)
    Console().print(f"Revoked token {token_id}.")


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
