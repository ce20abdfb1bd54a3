"""Patient flow counts and footprint misalignment; survey suppression; the delivery plan."""

from __future__ import annotations

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.operations import flows, governance, plan, voice
from cancer_alliance.store import connect


def _pathway(con, pid, comm, seen, treated=None, transfer_from=None):
    con.execute(
        "INSERT INTO pathways (provider_code, pathway_id, nhs_number, date_of_birth, sex,"
        " commissioner_code, referral_route, first_seen_provider_code,"
        " first_treatment_provider_code, transfer_from_provider_code, submission_id)"
        " VALUES (?, ?, '9434765919', DATE '1950-01-01', '1', ?, 'USC', ?, ?, ?, 1)",
        [seen, pid, comm, seen, treated, transfer_from],
    )


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "f.duckdb")
    governance.add_member(c, "RAA", "Trust A", "TRUST", "ICS1")
    governance.add_member(c, "RBB", "Trust B", "TRUST", "ICS2")
    governance.add_member(c, "Q1", "Commissioner 1", "COMMISSIONER", "ICS1")
    # Q1: 3 residents seen at RAA (own system), 2 at RBB (other system) -> 40% outside
    for i in range(3):
        _pathway(c, f"a{i}", "Q1", "RAA", "RAA")
    _pathway(c, "b0", "Q1", "RBB", "RAA")  # first seen at RBB, treated at RAA: a transfer
    _pathway(c, "b1", "Q1", "RBB")
    return c


def test_first_seen_and_transfer_counts(con):
    assert {(f["provider_code"], f["pathways"]) for f in flows.first_seen_flows(con)} == {
        ("RAA", 3), ("RBB", 2)}
    assert flows.transfers(con) == [{"from_provider": "RBB", "to_provider": "RAA",
                                     "pathways": 1}]


def test_misalignment_share_outside_system(con):
    (m,) = flows.misalignments(con, threshold=0.3)
    assert m["commissioner_code"] == "Q1" and m["outside_system"] == 2
    assert m["share_outside"] == pytest.approx(0.4) and m["misaligned"]
    (m,) = flows.misalignments(con, threshold=0.5)
    assert not m["misaligned"]


def test_small_survey_groups_are_suppressed(tmp_path):
    c = connect(tmp_path / "v.duckdb")
    base = {"survey_year": 2023, "org_code": "RAA", "question_code": "OVERALL_RATING",
            "question_text": "Overall", "national_score": 8.9}
    voice.add_result(c, {**base, "group_type": "ALL", "group_value": "ALL",
                         "respondents": 300, "score": 8.7})
    voice.add_result(c, {**base, "group_type": "AGE_GROUP", "group_value": "16-24",
                         "respondents": voice.MIN_RESPONDENTS - 1, "score": 7.1})
    got = {r["group_value"]: r for r in voice.results(c)}
    assert got["ALL"]["score"] == 8.7 and not got["ALL"]["suppressed"]
    assert got["16-24"]["score"] is None and got["16-24"]["suppressed"]
    with pytest.raises(UsageError, match="0-10"):
        voice.add_result(c, {**base, "group_type": "ALL", "group_value": "ALL",
                             "respondents": 300, "score": 11})


def test_plan_needs_reason_for_red_and_flags_missing_dependencies(tmp_path):
    c = connect(tmp_path / "p.duckdb")
    with pytest.raises(UsageError, match="needs a reason"):
        plan.upsert_deliverable(c, "D1", "RDC", 2024, "Lead", "EARLY_DIAGNOSIS", "RED")
    plan.upsert_deliverable(c, "D1", "RDC", 2024, "Lead", "EARLY_DIAGNOSIS", "GREEN",
                            depends_on="D0, D9", measures="FDS,62_DAY")
    (d,) = plan.deliverables(c)
    assert d["missing_dependencies"] == ["D0", "D9"] and d["measure_list"] == ["FDS", "62_DAY"]
