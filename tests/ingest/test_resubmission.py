"""Resubmission: the latest version of a pathway is the truth, every version is kept."""

from __future__ import annotations

import hashlib

from cancer_alliance.dataset import DATASET_VERSION

from .ingest_helpers import VALID_DEATH, VALID_PATHWAY, VALID_RECOVERY, csv_bytes

OPEN_P1 = dict(VALID_PATHWAY, diagnosis_communicated_date="", fds_outcome="",
               primary_diagnosis_icd10="", diagnosis_date="", stage_group="",
               decision_to_treat_date="", first_treatment_date="",
               first_treatment_provider_code="", first_treatment_modality="",
               pathway_closed_reason="", pathway_closed_date="")
P2 = dict(OPEN_P1, pathway_id="P2", nhs_number="9434765870")


def test_later_submission_replaces_pathways_it_contains(store):
    first = store.ingest({"pathways.csv": [OPEN_P1, P2],
                          "recovery_events.csv": [dict(VALID_RECOVERY, event_date="2024-03-10")]},
                         period="2024-04")
    second = store.ingest({"pathways.csv": [VALID_PATHWAY],
                           "recovery_events.csv": [dict(VALID_RECOVERY, event="CARE_PLAN")]},
                          period="2024-05")
    assert second.submission_id != first.submission_id
    assert store.rows("SELECT pathway_id, first_treatment_date IS NOT NULL, submission_id "
                      "FROM pathways ORDER BY 1") == [
        ("P1", True, second.submission_id), ("P2", False, first.submission_id)]
    assert store.rows("SELECT pathway_id, submission_id FROM pathways_history ORDER BY 2, 1") == [
        ("P1", first.submission_id), ("P2", first.submission_id), ("P1", second.submission_id)]
    # P1's children are those of its latest submission; the history keeps both
    assert store.rows("SELECT event FROM recovery_events") == [("CARE_PLAN",)]
    assert store.rows("SELECT event FROM recovery_events_history ORDER BY submission_id") == [
        ("HNA",), ("CARE_PLAN",)]


def test_resubmitting_the_same_period_keeps_both_submissions(store):
    a = store.ingest({"pathways.csv": [OPEN_P1]})
    b = store.ingest({"pathways.csv": [dict(OPEN_P1, sex="2")]})
    assert store.rows("SELECT submission_id, period, status FROM submissions ORDER BY 1") == [
        (a.submission_id, "2024-05", "loaded"), (b.submission_id, "2024-05", "loaded")]
    assert store.rows("SELECT sex FROM pathways") == [("2",)]
    assert store.rows("SELECT sex FROM pathways_history ORDER BY submission_id") == [
        ("1",), ("2",)]


def test_rejected_version_does_not_replace_the_stored_one(store):
    store.ingest({"pathways.csv": [OPEN_P1]})
    store.ingest({"pathways.csv": [dict(OPEN_P1, sex="M")]})
    assert store.rows("SELECT sex FROM pathways") == [("1",)]


def test_other_providers_rows_are_untouched(store):
    store.ingest({"pathways.csv": [OPEN_P1]})
    rbb = dict(OPEN_P1, provider_code="RBB", first_seen_provider_code="RBB")
    store.ingest({"pathways.csv": [rbb]}, provider="RBB")
    assert store.rows("SELECT provider_code, pathway_id FROM pathways ORDER BY 1") == [
        ("RAA", "P1"), ("RBB", "P1")]


def test_deaths_latest_wins(store):
    store.ingest({"pathways.csv": [OPEN_P1], "deaths.csv": [VALID_DEATH]})
    store.ingest({"pathways.csv": [OPEN_P1],
                  "deaths.csv": [dict(VALID_DEATH, date_of_death="2024-05-21")]})
    assert [str(r[0]) for r in store.rows("SELECT date_of_death FROM deaths")] == ["2024-05-21"]
    assert store.rows("SELECT count(*) FROM deaths_history") == [(2,)]


def test_registration_and_archive_keep_files_unchanged(store):
    content = csv_bytes([OPEN_P1, dict(P2, sex="M")])
    result = store.ingest({"pathways.csv": content})
    digest = hashlib.sha256(content).hexdigest()
    assert result.files[0].sha256 == digest
    assert store.rows("SELECT file_name, table_name, sha256, bytes, rows_read, accepted, "
                      "rejected FROM submission_files") == [
        ("pathways.csv", "pathways", digest, len(content), 2, 1, 1)]
    assert store.rows("SELECT provider_code, period, rows_read, accepted, rejected "
                      "FROM submissions") == [("RAA", "2024-05", 2, 1, 1)]
    # every registration column lands in its own column (they are inserted by name)
    status, message, version, age = store.rows(
        "SELECT status, message, dataset_version, "
        "date_diff('second', submitted_at, now()::TIMESTAMPTZ AT TIME ZONE 'UTC') "
        "FROM submissions")[0]
    assert (status, message, version) == ("loaded", None, DATASET_VERSION)
    assert 0 <= age < 120  # recorded in UTC, just now
    archived = store.rows("SELECT archive_path FROM submissions")[0][0]
    from pathlib import Path

    assert (Path(archived) / "pathways.csv").read_bytes() == content


def _header_only(row: dict) -> bytes:
    return (",".join(row) + "\n").encode("utf-8")


def test_an_empty_child_file_clears_the_resubmitted_pathways_children(store):
    """Whether or not the child file has rows, it is the latest word on the pathways sent."""
    store.ingest({"pathways.csv": [OPEN_P1, P2],
                  "recovery_events.csv": [VALID_RECOVERY,
                                          dict(VALID_RECOVERY, pathway_id="P2")]})
    store.ingest({"pathways.csv": [OPEN_P1],
                  "recovery_events.csv": _header_only(VALID_RECOVERY)})
    assert store.rows("SELECT pathway_id FROM recovery_events") == [("P2",)]


def test_an_absent_child_file_keeps_the_children(store):
    store.ingest({"pathways.csv": [OPEN_P1], "recovery_events.csv": [VALID_RECOVERY]})
    store.ingest({"pathways.csv": [dict(OPEN_P1, sex="2")]})
    assert store.rows("SELECT pathway_id, event FROM recovery_events") == [("P1", "HNA")]
