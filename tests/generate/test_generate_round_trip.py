"""Generator -> ingest round trip: clean data load with no rejections; dirty data are
rejected exactly where the manifest says, and nowhere else.

Goes through the one ingest path (:func:`cancer_alliance.ingest.ingest_submission`).
"""

from __future__ import annotations

import json

from cancer_alliance.ingest import ingest_submission
from cancer_alliance.reference import load_reference_file
from cancer_alliance.store import connect


def _ingest_all(out, db):
    con = connect(db)
    for kind in ("alliances", "organisations", "lsoa_imd", "populations"):
        load_reference_file(con, kind, out / "reference" / f"{kind}.csv")
    manifest = json.loads((out / "manifest.json").read_text())
    results = []
    for entry in manifest["submissions"]:
        result = ingest_submission(con, out / entry["path"], provider=entry["provider"],
                                          period=entry["period"], submitted_by="test")
        results.append((entry, result))
    rejected = set()
    for entry, result in results:
        rows = con.execute('SELECT file, "row", "column", rule FROM rejections '
                           "WHERE submission_id = ?", [result.submission_id]).fetchall()
        rejected |= {(entry["provider"], entry["period"], f, int(r), c, rule)
                     for f, r, c, rule in rows}
    return con, manifest, results, rejected


def test_clean_data_load_with_no_rejections(clean_run, tmp_path):
    out, summary = clean_run
    con, manifest, results, rejected = _ingest_all(out, tmp_path / "clean.duckdb")
    assert rejected == set()
    assert sum(r.rejected for _, r in results) == 0
    assert sum(r.accepted for _, r in results) == sum(r.rows_read for _, r in results)
    loaded = con.execute("SELECT count(*) FROM pathways").fetchone()[0]
    assert loaded == con.execute(
        "SELECT count(DISTINCT provider_code || '/' || pathway_id) FROM pathways_history"
    ).fetchone()[0]
    con.close()


def test_dirty_data_rejected_exactly_as_injected(dirty_run, tmp_path):
    out, _ = dirty_run
    con, manifest, results, rejected = _ingest_all(out, tmp_path / "dirty.duckdb")
    injected = {(i["provider"], i["period"], i["file"], i["row"], i["column"], i["rule"])
                for i in manifest["injected"]}
    assert rejected == injected
    con.close()
