"""The ``cancer-alliance simulate`` command (issue 17's contract)."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from cancer_alliance.cli import app
from cancer_alliance.outlook import scenarios

COLUMNS = ["scenario", "month", "measure", "mean", "lower", "upper"]


def run(*args):
    result = CliRunner().invoke(app, ["simulate", *map(str, args)])
    return result


def test_baseline_out_then_scenario_prints_the_contract_columns(small_store, tmp_path):
    out = tmp_path / "baseline.toml"
    result = run("--baseline", "--out", out, "--db", small_store)
    assert result.exit_code == 0, result.output
    assert scenarios.load(out).fitted_on == ("2024-03", "2025-02")
    result = run("--scenario", out, "--months", 3, "--replications", 2, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == COLUMNS
    assert {r["month"] for r in rows} == {"2025-03", "2025-04", "2025-05"}
    assert {"FDS", "62_DAY", "62_DAY_BACKLOG"} <= {r["measure"] for r in rows}
    for r in rows:
        assert float(r["lower"]) <= float(r["mean"]) <= float(r["upper"])


def test_json_and_seed(tmp_path, small_store):
    out = tmp_path / "b.toml"
    assert run("--baseline", "--out", out, "--db", small_store).exit_code == 0
    a = run("--scenario", out, "--months", 2, "--replications", 2, "--format", "json",
            "--seed", 5)
    b = run("--scenario", out, "--months", 2, "--replications", 2, "--format", "json",
            "--seed", 5)
    assert a.exit_code == 0, a.output
    rows = json.loads(a.stdout)
    assert set(rows[0]) == set(COLUMNS) and a.stdout == b.stdout


def test_fit_check_prints_actual_beside_simulated(small_store):
    result = run("--baseline", "--fit-check", "--replications", 2, "--db", small_store)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["month", "measure", "actual", "simulated", "lower", "upper",
                             "difference"]
    assert len(rows) == 36  # 12 months x 3 measures


def test_usage_errors_are_clear(tmp_path):
    result = run("--months", 3)
    assert result.exit_code != 0 and "give either --scenario FILE or --baseline" in str(
        result.exception)
    result = run("--scenario", tmp_path / "none.toml")
    assert "no such scenario file" in str(result.exception)
    result = run("--scenario", tmp_path / "x.toml", "--out", tmp_path / "y.toml")
    assert "--out and --fit-check go with --baseline" in str(result.exception)


def test_help_lists_the_options():
    result = CliRunner().invoke(app, ["simulate", "--help"])
    for option in ("--scenario", "--baseline", "--out", "--months", "--replications",
                   "--format", "--db", "--fit-check", "--seed"):
        assert option in result.output
