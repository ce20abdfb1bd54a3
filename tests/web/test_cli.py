"""``cancer-alliance users`` and ``tokens`` against a real store file."""

from __future__ import annotations

from typer.testing import CliRunner

from cancer_alliance.auth import tokens
from cancer_alliance.cli import app
from cancer_alliance.store import connect

runner = CliRunner()


def test_users_add_list_disable(tmp_path):
    db = str(tmp_path / "a.duckdb")
    r = runner.invoke(app, ["users", "add", "alice", "--role", "provider", "--org", "RAA",
                            "--password-stdin", "--db", db], input="a-long-password-1\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["users", "list", "--db", db])
    assert "alice" in r.output and "RAA" in r.output and "password" not in r.output.lower()
    r = runner.invoke(app, ["users", "disable", "alice", "--db", db])
    assert r.exit_code == 0
    con = connect(db)
    assert con.execute("SELECT active FROM users WHERE username='alice'").fetchall() == [
        (False,)]


def test_users_add_refuses_bad_input(tmp_path):
    db = str(tmp_path / "a.duckdb")
    r = runner.invoke(app, ["users", "add", "bob", "--role", "provider", "--password-stdin",
                            "--db", db], input="a-long-password-1\n")
    assert r.exit_code != 0 and "--org" in str(r.exception or r.output)
    r = runner.invoke(app, ["users", "add", "bob", "--role", "wizard", "--password-stdin",
                            "--db", db], input="a-long-password-1\n")
    assert r.exit_code != 0
    r = runner.invoke(app, ["users", "add", "bob", "--role", "analyst", "--password-stdin",
                            "--db", db], input="short\n")
    assert r.exit_code != 0


def test_tokens_add_list_revoke(tmp_path):
    db = str(tmp_path / "a.duckdb")
    r = runner.invoke(app, ["tokens", "add", "--provider", "RAA", "--db", db])
    token = r.output.strip()
    assert r.exit_code == 0 and token.startswith("cat_")
    con = connect(db)
    assert tokens.actor_for_token(con, token).org_code == "RAA"
    assert token not in str(con.execute("SELECT * FROM api_tokens").fetchall())
    con.close()
    assert runner.invoke(app, ["tokens", "revoke", "1", "--db", db]).exit_code == 0
    con = connect(db)
    assert tokens.actor_for_token(con, token) is None


def test_serve_offers_db_host_port():
    out = runner.invoke(app, ["serve", "--help"]).output
    assert "--db" in out and "--host" in out and "--port" in out


def test_demo_accounts_one_per_role_and_they_can_log_in(tmp_path):
    from cancer_alliance.auth import users
    from cancer_alliance.web.demo_accounts import create_demo_accounts

    con = connect(str(tmp_path / "d.duckdb"))
    accounts = create_demo_accounts(con)
    assert sorted(a[2] for a in accounts) == sorted(
        ["admin", "analyst", "provider", "commissioner", "board"])
    for username, password, role, org in accounts:
        actor = users.authenticate(con, username, password, "test")
        assert (actor.role, actor.org_code) == (role, org)
    assert create_demo_accounts(con) == accounts  # running the demo twice is harmless
