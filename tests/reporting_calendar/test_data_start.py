"""Months before the alliance's data start are in no aggregate (issue 13's regression:
``metrics --standard FDS --by month`` on data submitted from 2024-01 started at 2023-07)."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from cancer_alliance import metrics
from cancer_alliance.calendar import set_setting
from cancer_alliance.cli import app
from cancer_alliance.ingest import ingest_submission
from cancer_alliance.store import connect
from tests.ingest.ingest_helpers import NHS_NUMBERS, VALID_PATHWAY, csv_bytes


def _ruled_out(pid: str, nhs: str, referral: str, told: str) -> dict:
    return {**VALID_PATHWAY, "pathway_id": pid, "nhs_number": nhs,
            "referral_received_date": referral, "first_seen_date": referral,
            "diagnosis_communicated_date": told, "fds_outcome": "RULED_OUT",
            "primary_diagnosis_icd10": "", "diagnosis_date": "", "stage_group": "",
            "decision_to_treat_date": "", "first_treatment_date": "",
            "first_treatment_provider_code": "", "first_treatment_modality": "",
            "treatment_adjustment_days": "", "pathway_closed_reason": "RULED_OUT",
            "pathway_closed_date": told}


def test_metrics_by_month_start_at_the_first_complete_month(tmp_path):
    db = str(tmp_path / "a.duckdb")
    con = connect(db)
    con.execute("INSERT INTO organisations (org_code, org_name, org_type, alliance_code)"
                " VALUES ('RAA', 'Alpha', 'PROVIDER', 'ALL1')")  # the alliance's footprint
    rows = [  # a long wait told in July 2023, sent with the first month's data
        _ruled_out("P1", NHS_NUMBERS[0], "2023-06-20", "2023-07-14"),
        _ruled_out("P2", NHS_NUMBERS[1], "2024-01-02", "2024-01-20"),
    ]
    ingest_submission(con, files={"pathways.csv": csv_bytes(rows)}, provider="RAA",
                      period="2024-01", archive_dir=tmp_path / "archive")
    feb = [_ruled_out("P3", NHS_NUMBERS[2], "2024-02-01", "2024-02-10")]
    ingest_submission(con, files={"pathways.csv": csv_bytes(feb)}, provider="RAA",
                      period="2024-02", archive_dir=tmp_path / "archive")
    metrics.refresh(con)
    months = metrics.compute_metrics(con, "FDS", by="month")["period"].tolist()
    assert months == ["2024-01", "2024-02"]
    # the pathway is still traceable: the per-pathway outcomes are not cut
    assert "2023-07" in set(metrics.outcomes(con, "FDS")["reporting_period"])
    # a configured data start moves it
    set_setting(con, "data_start", "2024-02", "tester")
    con.close()
    out = CliRunner().invoke(app, ["metrics", "--db", db, "--standard", "FDS", "--by", "month"])
    assert out.exit_code == 0, out.output
    assert [r["period"] for r in csv.DictReader(io.StringIO(out.stdout))] == ["2024-02"]
    assert "data start (2024-02) are left out" in out.stderr
    backlog = CliRunner().invoke(app, ["metrics", "--db", db, "--standard", "62_DAY_BACKLOG",
                                       "--by", "month"])
    periods = [r["period"] for r in csv.DictReader(io.StringIO(backlog.stdout))]
    assert periods and min(periods) >= "2024-02"
