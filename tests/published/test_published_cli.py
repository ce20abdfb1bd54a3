"""The published-data commands: load, show, metrics and reconcile, through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from cancer_alliance.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_load_show_metrics_and_reconcile(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    out = _run("published", "load", str(FIXTURES / "monthly_combined_2024-05.csv"),
               str(FIXTURES / "cwt_crs_data_extract_provider_2019-04.xlsx"), "--db", db)
    summaries = [json.loads(line) for line in out.splitlines()]
    assert [s["layout"] for s in summaries] == ["monthly_combined_csv", "cwt_crs_xlsx"]

    shown = list(csv.DictReader(io.StringIO(_run("published", "show", "--db", db,
                                                 "--standard", "FDS"))))
    assert len(shown) == 3 and {r["standard"] for r in shown} == {"FDS"}
    assert {r["is_subtotal"] for r in shown} == {"true", "false"}

    rows = json.loads(_run("published", "metrics", "--db", db, "--standard", "62_DAY",
                           "--by", "provider,month", "--format", "json"))
    raa = next(r for r in rows if r["provider_code"] == "RAA")
    assert (raa["total"], raa["within"], raa["breaches"], raa["period"]) == (10, 8, 2, "2024-05")

    rec = list(csv.DictReader(io.StringIO(_run("reconcile", "--db", db, "--format", "csv"))))
    # the store has no pathways, so no provider is local: nothing to reconcile
    assert rec == []


def test_unreadable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "nonsense.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["published", "load", str(bad), "--db",
                                 str(tmp_path / "x.duckdb")])
    assert result.exit_code != 0
    assert "nonsense.csv" in str(result.exception) and "missing column" in str(result.exception)
