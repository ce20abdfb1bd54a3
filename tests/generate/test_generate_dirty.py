"""``dirty``: a known share of rows, each breaking exactly the one rule the manifest names."""

from __future__ import annotations

import json

import pandas as pd
from generate_oracle import check_folder

from cancer_alliance.dataset.rules import CSV_RULES
from cancer_alliance.generate.dirty import RULES_INJECTED


def _injected(out):
    manifest = json.loads((out / "manifest.json").read_text())
    return manifest, {(i["provider"], i["period"], i["file"], i["row"], i["column"], i["rule"])
                      for i in manifest["injected"]}


def test_every_single_cell_rule_of_the_catalogue_is_injected(dirty_run):
    out, summary = dirty_run
    manifest, injected = _injected(out)
    # the catalogue has no rule a CSV can break that we cannot inject
    assert set(RULES_INJECTED) == CSV_RULES
    assert {i[-1] for i in injected} == CSV_RULES
    assert summary.injected == len(manifest["injected"]) == len(injected)


def test_the_checks_find_exactly_what_was_injected(dirty_run):
    out, _ = dirty_run
    _, injected = _injected(out)
    assert check_folder(out) == injected


def test_share_of_corrupted_rows_is_the_one_asked_for(clean_run, dirty_run):
    clean, _ = clean_run
    dirty, _ = dirty_run
    manifest, _ = _injected(dirty)
    for entry in manifest["submissions"]:
        rows = len(pd.read_csv(clean / entry["path"] / "pathways.csv", dtype=str))
        bad = [i for i in manifest["injected"] if (i["provider"], i["period"]) ==
               (entry["provider"], entry["period"])]
        assert len(bad) >= round(0.03 * rows)  # a duplicate counts both copies
        assert len(bad) <= round(0.03 * rows) * 2


def test_dirty_rows_differ_from_clean_only_in_the_named_cell(clean_run, dirty_run):
    clean, _ = clean_run
    dirty, _ = dirty_run
    manifest, _ = _injected(dirty)
    for item in manifest["injected"]:
        if item["rule"] in ("duplicate_key", "unknown_pathway"):
            continue  # extra rows, checked by the exact-set test
        path = f"submissions/{item['provider']}/{item['period']}/{item['file']}"
        before = pd.read_csv(clean / path, dtype=str, keep_default_na=False)
        after = pd.read_csv(dirty / path, dtype=str, keep_default_na=False)
        i = item["row"] - 2
        changed = [c for c in before.columns if before.at[i, c] != after.at[i, c]]
        assert changed == [item["column"]], item


def test_unknown_pathways_are_injected_into_both_child_files(dirty_run):
    """The spec's "must exist in this or an earlier submission" holds for both child files."""
    out, _ = dirty_run
    manifest, _ = _injected(out)
    files = {i["file"] for i in manifest["injected"] if i["rule"] == "unknown_pathway"}
    assert files == {"recovery_events.csv", "subsequent_treatments.csv"}
