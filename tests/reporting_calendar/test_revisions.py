"""A resubmission of a final month is kept, flagged and recorded as a revision (old value,
new value, who, when); a resubmission of a provisional month is an ordinary update."""

from __future__ import annotations

from cancer_alliance import metrics
from cancer_alliance.calendar import read_calendar, set_setting
from cancer_alliance.ingest import ingest_submission
from cancer_alliance.metrics.revisions import revisions
from cancer_alliance.store import connect
from tests.ingest.ingest_helpers import NHS_NUMBERS, csv_bytes
from tests.reporting_calendar.test_data_start import _ruled_out


def _send(con, tmp_path, rows, who):
    result = ingest_submission(con, files={"pathways.csv": csv_bytes(rows)}, provider="RAA",
                               period="2024-01", archive_dir=tmp_path / "archive",
                               submitted_by=who)
    metrics.refresh(con, result.submission_id)
    return result.submission_id


FIRST = [_ruled_out("P1", NHS_NUMBERS[0], "2024-01-02", "2024-01-20"),   # 18 days: within
         _ruled_out("P2", NHS_NUMBERS[1], "2024-01-03", "2024-01-25")]   # 22 days: within
# the trust corrects P1: the patient was told on day 40, a breach
FIXED = [_ruled_out("P1", NHS_NUMBERS[0], "2023-12-11", "2024-01-20"), FIRST[1]]


def test_a_resubmission_of_a_final_month_is_recorded_with_old_and_new_values(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    first = _send(con, tmp_path, FIRST, "trust-a")
    # January 2024 is long final, but this is RAA's first submission for it: late, no revision
    assert revisions(con).empty
    again = _send(con, tmp_path, FIXED, "trust-b")
    cell = next(c for c in read_calendar(con).cells if c.period == "2024-01")
    assert cell.revised_after_final and [s.submission_id for s in cell.revisions] == [again]
    rev = revisions(con)
    fds = rev[rev["standard"] == "FDS"].iloc[0]
    assert (fds["provider_code"], fds["period"]) == ("RAA", "2024-01")
    assert (fds["old_within"], fds["old_total"], fds["new_within"], fds["new_total"]) == (
        2.0, 2.0, 1.0, 2.0)
    assert (fds["old_performance"], fds["new_performance"]) == (100.0, 50.0)
    assert (fds["submission_id"], fds["submitted_by"]) == (again, "trust-b")
    assert first != again
    # the new rows are what the figures now show (kept, not thrown away)
    now = metrics.compute_metrics(con, "FDS", by="month")
    assert now.loc[now["period"] == "2024-01", "within"].item() == 1.0


def test_a_resubmission_of_a_provisional_month_is_not_a_revision(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    set_setting(con, "revision_months", "120", "tester")  # January 2024 stays open
    _send(con, tmp_path, FIRST, "trust-a")
    _send(con, tmp_path, FIXED, "trust-b")
    cell = next(c for c in read_calendar(con).cells if c.period == "2024-01")
    assert cell.state == "resubmitted" and not cell.revised_after_final
    assert revisions(con).empty
