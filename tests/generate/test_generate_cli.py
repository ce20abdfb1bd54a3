"""The ``cancer-alliance generate`` command."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cancer_alliance.cli import app


def test_generate_command_writes_the_folder_and_prints_a_summary(tmp_path):
    out = tmp_path / "data"
    result = CliRunner().invoke(app, ["generate", "--out", str(out), "--scale", "small",
                                      "--start", "2024-06", "--months", "2", "--seed", "3",
                                      "--dirty", "0.01", "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert "submissions" in result.output and "ingest-folder" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["months"], manifest["dirty"]) == (3, 2, 0.01)
    assert (out / "submissions/RA1/2024-07/pathways.parquet").exists()
    assert manifest["injected"] and manifest["injected"][0]["file"].endswith(".parquet")


def test_generate_help_explains_itself():
    result = CliRunner().invoke(app, ["generate", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--scale", "--start", "--months", "--seed", "--dirty", "--format"):
        assert option in result.output


def test_bad_scale_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path), "--scale", "huge"])
    assert result.exit_code != 0
    assert "huge" in str(result.exception) or "huge" in result.output
