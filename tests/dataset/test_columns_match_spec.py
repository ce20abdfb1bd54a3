"""The column description in code must say what the published spec says.

``shared/spec/pathway-dataset.md`` is the contract other tools write files against; this
test reads its tables and compares names, code lists and "required" wording with
``cancer_alliance.dataset.columns``, so the two cannot drift apart silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cancer_alliance.dataset import TABLES, table
from cancer_alliance.dataset import codes as code_lists

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "pathway-dataset.md"


def spec_tables() -> dict[str, list[list[str]]]:
    """Rows of each '## <file>.csv' section's Markdown table, as cell lists."""
    text = SPEC.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)
    out: dict[str, list[list[str]]] = {}
    for section in sections:
        title, _, body = section.partition("\n")
        if not title.strip().endswith(".csv"):
            continue
        rows = []
        for line in body.splitlines():
            if line.startswith("| `"):
                rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        out[title.strip()] = rows
    return out


def spec_columns(file_name: str) -> dict[str, list[str]]:
    cols: dict[str, list[str]] = {}
    for row in spec_tables()[file_name]:
        for name in re.findall(r"`([a-z_0-9]+)`", row[0]):
            cols[name] = row
    return cols


pytestmark = pytest.mark.skipif(not SPEC.exists(), reason="shared/spec not beside the checkout")


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.file_name)
def test_same_columns_in_same_order_as_spec(t):
    assert list(spec_columns(t.file_name)) == t.column_names


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.file_name)
def test_required_columns_agree_with_spec(t):
    for name, row in spec_columns(t.file_name).items():
        spec_required = row[2].replace("`", "")
        col = t.column(name)
        if spec_required == "yes":
            assert col.required, name
        elif spec_required == "" or spec_required.startswith("no"):
            assert not col.required and not col.required_when, name
        else:  # conditional: "for USC", "with first_seen_date", ...
            assert col.required_when and col.required_words == spec_required, name


def test_code_lists_agree_with_spec():
    pathways = spec_columns("pathways.csv")
    for name in ("sex", "referral_route", "fds_outcome", "fds_exclusion", "stage_group",
                 "first_treatment_modality", "pathway_closed_reason"):
        written = set(re.findall(r"`([A-Z0-9_]+)`", pathways[name][1] + pathways[name][3]))
        assert set(table("pathways").column(name).codes) <= written | {"9", "0"}, name
    cancer_types = re.findall(r"`([A-Z_]+)`", SPEC.read_text().split("## Cancer types")[1])
    listed = tuple(dict.fromkeys(c for c in cancer_types if c in code_lists.CANCER_TYPE))
    assert listed == code_lists.CANCER_TYPE
    recovery = spec_columns("recovery_events.csv")
    assert set(re.findall(r"`([A-Z_]+)`", recovery["event"][1])) == set(code_lists.RECOVERY_EVENT)
