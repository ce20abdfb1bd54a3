"""Files that cannot be read at all reject the whole submission and change nothing."""

from __future__ import annotations

import pytest

from cancer_alliance.errors import SubmissionRejected

from .ingest_helpers import VALID_PATHWAY, csv_bytes

GOOD = csv_bytes([VALID_PATHWAY])
NO_NHS = csv_bytes([{k: v for k, v in VALID_PATHWAY.items() if k != "nhs_number"}])

CASES = [
    ("not_utf8", {"pathways.csv": "provider_code,pathway_id\nRAA,Zoë\n".encode("latin-1")},
     "pathways.csv: the file is not UTF-8 text (undecodable byte at position 31); save it as "
     "CSV UTF-8"),
    ("empty", {"pathways.csv": b""},
     "pathways.csv: the file is empty or has no header row"),
    ("blank_first_line", {"pathways.csv": b"\n" + GOOD},
     "pathways.csv: the file is empty or has no header row"),
    ("binary_junk", {"pathways.csv": bytes(range(256)) * 4},
     "pathways.csv: the file is not UTF-8 text (undecodable byte at position 128); save it "
     "as CSV UTF-8"),
    ("missing_required_column", {"pathways.csv": NO_NHS},
     "pathways.csv: required column(s) missing: nhs_number. The header row must name every "
     "required column of pathways.csv (see the dataset reference)"),
    ("no_pathways_file", {"deaths.csv": b"nhs_number,date_of_death\n9434765919,2024-05-01\n"},
     "the submission has no pathways file (pathways.csv, pathways.parquet or a pathways "
     "sheet); it is required"),
    ("not_parquet", {"pathways.parquet": GOOD}, None),
    ("not_xlsx", {"pathways.xlsx": GOOD}, None),
]


@pytest.mark.parametrize(("files", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_unreadable_submission_is_rejected_and_changes_nothing(store, files, message):
    store.ingest({"pathways.csv": GOOD})
    before = store.snapshot()
    archived = sorted(p.name for p in store.archive.iterdir())
    with pytest.raises(SubmissionRejected) as info:
        store.ingest(files)
    if message is not None:
        assert str(info.value) == message
    else:
        assert str(info.value).startswith("pathways.")
    assert store.snapshot() == before
    assert sorted(p.name for p in store.archive.iterdir()) == archived


def test_unknown_file_in_folder_is_named(store, tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "pathways.csv").write_bytes(GOOD)
    (folder / "patients.csv").write_bytes(b"a,b\n1,2\n")
    before = store.snapshot()
    with pytest.raises(SubmissionRejected, match="patients.csv"):
        store.ingest({}, path=folder)
    assert store.snapshot() == before


def test_cli_exit_code_and_one_message(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "pathways.csv"
    bad.write_bytes(NO_NHS)
    db = tmp_path / "a.duckdb"
    p = subprocess.run([sys.executable, "-m", "cancer_alliance", "ingest", str(bad),
                        "--provider", "RAA", "--period", "2024-05", "--db", str(db), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == SubmissionRejected.exit_code
    assert p.stdout == ""
    assert "required column(s) missing: nhs_number" in p.stderr
    assert "Traceback" not in p.stderr
