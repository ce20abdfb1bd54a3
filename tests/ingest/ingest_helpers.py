"""Hand-drawn rows for ingest tests, turned into upload files in memory, and a test store."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from cancer_alliance.ingest import ingest_submission
from cancer_alliance.store import connect

# A complete, valid, treated USC pathway for provider RAA in period 2024-05.
VALID_PATHWAY = {
    "provider_code": "RAA",
    "pathway_id": "P1",
    "nhs_number": "9434765919",
    "date_of_birth": "1950-01-01",
    "sex": "1",
    "ethnic_category": "A",
    "lsoa_code": "E01000001",
    "gp_practice_code": "A81001",
    "commissioner_code": "QAA",
    "referral_route": "USC",
    "suspected_cancer_type": "BREAST",
    "referral_received_date": "2024-03-01",
    "upgrade_date": "",
    "first_seen_date": "2024-03-08",
    "first_seen_provider_code": "RAA",
    "first_seen_clock_reset_date": "",
    "diagnosis_communicated_date": "2024-03-20",
    "fds_outcome": "CONFIRMED",
    "fds_exclusion": "",
    "primary_diagnosis_icd10": "C50.9",
    "diagnosis_date": "2024-03-20",
    "stage_group": "2",
    "decision_to_treat_date": "2024-04-01",
    "first_treatment_date": "2024-04-20",
    "first_treatment_provider_code": "RAA",
    "first_treatment_modality": "SURGERY",
    "treatment_adjustment_days": "0",
    "transfer_received_date": "",
    "transfer_from_provider_code": "",
    "pathway_closed_reason": "TREATED",
    "pathway_closed_date": "2024-04-20",
}

VALID_SUBSEQUENT = {
    "provider_code": "RAA", "pathway_id": "P1", "treatment_number": "2",
    "decision_to_treat_date": "2024-05-01", "treatment_date": "2024-05-10",
    "treatment_provider_code": "RAA", "modality": "RADIOTHERAPY", "adjustment_days": "0",
}
VALID_RECOVERY = {
    "provider_code": "RAA", "pathway_id": "P1", "event": "HNA", "event_date": "2024-05-02",
    "follow_up_stratum": "",
}
VALID_DEATH = {"nhs_number": "9434765919", "date_of_death": "2024-05-20"}

# Further valid NHS numbers (the test range 943 476 ...), one per pathway in a file.
NHS_NUMBERS = ["9434765919", "9434765870", "9434765838", "9434765889", "9434765862"]


def csv_bytes(rows: list[dict], columns: list[str] | None = None) -> bytes:
    """Rows as the bytes of a UTF-8 CSV file (columns default to the first row's keys)."""
    columns = columns or list(rows[0])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns, restval="", extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


class Store:
    """A fresh store in a temporary folder, with helpers to ingest and to look inside."""

    def __init__(self, folder: Path, template: Path | None = None):
        self.path = folder / "alliance.duckdb"
        self.archive = folder / "archive"
        if template is not None:  # a copy of an already-migrated empty store is quicker
            shutil.copyfile(template, self.path)
        self.con = connect(self.path)

    def ingest(self, files: dict[str, bytes | list[dict]], *, provider: str = "RAA",
               period: str = "2024-05", path: Path | None = None):
        encoded = None
        if files:
            encoded = {name: csv_bytes(v) if isinstance(v, list) else v
                       for name, v in files.items()}
        return ingest_submission(self.con, path, files=encoded, provider=provider,
                                 period=period, archive_dir=self.archive)

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def rejections(self) -> list[tuple]:
        return self.rows('SELECT file, "row", "column", value, rule, message FROM rejections '
                         'ORDER BY submission_id, file, "row", "column", rule')

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every table the ingest writes, sorted, to compare before and after."""
        names = ["submissions", "submission_files", "rejections", "pathways",
                 "pathways_history", "subsequent_treatments", "subsequent_treatments_history",
                 "recovery_events", "recovery_events_history", "deaths", "deaths_history"]
        return {n: sorted(map(repr, self.rows(f"SELECT * FROM {n}"))) for n in names}

