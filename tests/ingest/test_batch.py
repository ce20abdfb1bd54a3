"""Loading many submissions in rounds gives exactly what loading them one at a time gives.

``ingest_submissions`` validates and applies a round of submissions (no provider twice)
together; these tests compare every table it writes with a one-at-a-time load of the same
submissions: dirty data with every kind of rejection, resubmitted months, several rounds,
a death reported by two providers, and a submission that cannot be read in the middle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.generate import generate
from cancer_alliance.ingest import SubmissionItem, ingest_submission, ingest_submissions
from cancer_alliance.ingest.folder import folder_submissions, load_folder_reference
from cancer_alliance.store import connect

from .ingest_helpers import VALID_DEATH, VALID_PATHWAY, csv_bytes

SNAPSHOT = {
    "submissions": "SELECT * EXCLUDE (submitted_at, archive_path) FROM submissions",
    "submission_files": "SELECT * FROM submission_files",
    "rejections": "SELECT * EXCLUDE (raw_row), raw_row::VARCHAR FROM rejections",
    **{t: f"SELECT * FROM {t}" for t in (
        "pathways", "pathways_superseded", "pathways_history",
        "subsequent_treatments", "subsequent_treatments_superseded",
        "recovery_events", "recovery_events_superseded", "deaths", "deaths_superseded")},
}


def snapshot(con) -> dict[str, list[tuple]]:
    return {name: sorted(map(repr, con.execute(sql).fetchall()))
            for name, sql in SNAPSHOT.items()}


@pytest.fixture(scope="module")
def dirty_folder(tmp_path_factory) -> Path:
    """Three months of a small alliance, 5% of pathways rows corrupted (every rule)."""
    out = tmp_path_factory.mktemp("batch") / "gen"
    generate(out, scale="small", start="2024-01", months=3, seed=5, dirty=0.05)
    return out


def _load(folder: Path, db: Path, *, batch: bool, **options) -> dict[str, list[tuple]]:
    con = connect(db)
    load_folder_reference(con, folder)
    found = folder_submissions(folder)
    archive = db.with_suffix(".archive")
    setting = "SELECT current_setting('checkpoint_threshold')"
    before = con.execute(setting).fetchall()
    if batch:
        results = ingest_submissions(
            con, [SubmissionItem(p, period, path) for p, period, path in found],
            submitted_by="test", archive_dir=archive, **options)
    else:
        results = [ingest_submission(con, path, provider=p, period=period,
                                     submitted_by="test", archive_dir=archive)
                   for p, period, path in found]
    assert [(r.provider, r.period) for r in results] == [(p, m) for p, m, _ in found]
    for r in results:  # every submission has its own archive, byte for byte
        assert sorted(f.name for f in Path(r.archive_path).iterdir()) == sorted(
            f.file_name for f in r.files)
    assert con.execute(setting).fetchall() == before  # a batch's deferred checkpoints end
    got = snapshot(con)
    con.close()
    return got


def test_rounds_give_exactly_the_one_at_a_time_result(dirty_folder, tmp_path):
    one_at_a_time = _load(dirty_folder, tmp_path / "seq.duckdb", batch=False)
    assert len(one_at_a_time["rejections"]) > 20  # the dirty rows really were rejected
    assert one_at_a_time["pathways_superseded"]  # later months resent earlier pathways
    rules = {eval(r)[5] for r in one_at_a_time["rejections"]}  # noqa: S307 - our own repr
    assert {"invalid_date", "required", "unknown_pathway"} <= rules
    assert _load(dirty_folder, tmp_path / "batch.duckdb", batch=True) == one_at_a_time
    # a round per few hundred rows: many rounds, each committed on its own
    assert _load(dirty_folder, tmp_path / "small.duckdb", batch=True,
                 max_round_rows=300) == one_at_a_time


def _death_submission(provider: str, date_of_death: str) -> dict[str, bytes]:
    pathway = {**VALID_PATHWAY, "provider_code": provider, "first_seen_provider_code": provider,
               "first_treatment_provider_code": provider}
    return {"pathways.csv": csv_bytes([pathway]),
            "deaths.csv": csv_bytes([{**VALID_DEATH, "date_of_death": date_of_death}])}


def test_a_death_sent_by_two_providers_in_one_round_keeps_the_later(tmp_path):
    items = [SubmissionItem("RAA", "2024-05", files=_death_submission("RAA", "2024-05-20")),
             SubmissionItem("RBB", "2024-05", files=_death_submission("RBB", "2024-05-21"))]
    con = connect(tmp_path / "batch.duckdb")
    ingest_submissions(con, items, submitted_by="t", archive_dir=tmp_path / "a1")
    batch = snapshot(con)
    seq = connect(tmp_path / "seq.duckdb")
    for item in items:
        ingest_submission(seq, files=item.files, provider=item.provider, period=item.period,
                          submitted_by="t", archive_dir=tmp_path / "a2")
    assert batch == snapshot(seq)
    assert con.execute("SELECT date_of_death::VARCHAR, submission_id FROM deaths").fetchall() \
        == [("2024-05-21", 2)]
    assert con.execute("SELECT submission_id FROM deaths_superseded").fetchall() == [(1,)]


def test_an_unreadable_submission_stops_the_batch_after_loading_those_before(tmp_path):
    good = _death_submission("RAA", "2024-05-20")
    items = [SubmissionItem("RAA", "2024-05", files=good),
             SubmissionItem("RBB", "2024-05", files={"deaths.csv": good["deaths.csv"]}),
             SubmissionItem("RCC", "2024-05", files=_death_submission("RCC", "2024-05-21"))]
    con = connect(tmp_path / "a.duckdb")
    loaded = []
    with pytest.raises(SubmissionRejected, match="no pathways file"):
        ingest_submissions(con, items, submitted_by="t", archive_dir=tmp_path / "a",
                           on_result=loaded.append)
    assert [r.provider for r in loaded] == ["RAA"]
    assert con.execute("SELECT provider_code FROM submissions").fetchall() == [("RAA",)]
    assert con.execute("SELECT count(*) FROM pathways").fetchall() == [(1,)]


def test_a_child_row_cannot_borrow_another_providers_pathway_in_the_same_round(tmp_path):
    """RBB's recovery file names RAA's pathway P1, which RAA sends in the same round: the
    row breaks wrong_provider and unknown_pathway, exactly as when RBB loads on its own."""
    from .ingest_helpers import VALID_RECOVERY

    raa = _death_submission("RAA", "2024-05-20")
    rbb = _death_submission("RBB", "2024-05-21")
    rbb["recovery_events.csv"] = csv_bytes([VALID_RECOVERY])  # provider_code RAA, P1
    con = connect(tmp_path / "a.duckdb")
    ingest_submissions(con, [SubmissionItem("RAA", "2024-05", files=raa),
                             SubmissionItem("RBB", "2024-05", files=rbb)],
                       submitted_by="t", archive_dir=tmp_path / "a")
    got = con.execute('SELECT submission_id, "column", rule, message FROM rejections '
                      'ORDER BY "column", rule').fetchall()
    assert [g[:3] for g in got] == [(2, "pathway_id", "unknown_pathway"),
                                   (2, "provider_code", "wrong_provider")]
    assert got[0][3].endswith(
        "it is in neither pathways.csv nor an earlier submission of RBB (rule unknown_pathway)")
    assert con.execute("SELECT count(*) FROM recovery_events").fetchall() == [(0,)]
