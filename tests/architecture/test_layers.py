"""The layers point one way: the import-linter contracts in pyproject.toml hold.

An import from a lower layer into a higher one (``operations`` importing ``web``, say),
a cycle between packages, or a new top-level package not placed in the contract fails here,
with import-linter's report of the offending chain. The layers and why they are in that
order: docs/explanation/architecture.md.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"


def test_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out


def test_every_package_has_a_place_in_the_layers():
    """The contract is exhaustive; this says so plainly when a package is missing."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    placed = {name.strip().strip("()") for layer in layers for name in layer.split("|")}
    package = ROOT / "cancer_alliance"
    present = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    present |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert present <= placed, f"place these in pyproject.toml's layers: {present - placed}"
