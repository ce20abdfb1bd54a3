"""Published data as aggregates (no double counting) and reconciliation with local totals."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.metrics import compute_metrics
from cancer_alliance.published import load_published, published_metrics, reconcile
from cancer_alliance.store import connect

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def loaded(tmp_path):
    con = connect(tmp_path / "p.duckdb")
    for f in sorted(FIXTURES.glob("*.csv")) + sorted(FIXTURES.glob("*.xlsx")):
        load_published(con, f)
    return con


def _cells(df, *keys):
    return {tuple(r[k] for k in keys): (r["total"], r["within"], r["breaches"])
            for r in df.to_dict("records")}


def test_provider_totals_use_the_subtotal_not_subtotal_plus_detail(loaded):
    df = published_metrics(loaded, "62_DAY", by=("provider_code", "month"))
    assert list(df.columns) == ["standard", "period", "provider_code", "total", "within",
                                "breaches", "performance", "threshold", "met"]
    got = _cells(df, "provider_code", "period")
    assert got[("RAA", "2024-05")] == (10, 8, 2)  # ALL CANCERS row, not 10 + 6 + 4
    assert got[("RAA", "2025-06")] == (5, 4, 1)
    assert "ENGLAND" not in df["provider_code"].tolist()
    raa = df[(df.provider_code == "RAA") & (df.period == "2024-05")].iloc[0]
    assert raa.performance == 80.0 and raa.threshold == 85.0 and not raa.met


def test_a_sum_with_an_unpublished_cell_is_unpublished(loaded):
    df = published_metrics(loaded, "62_DAY", by=("provider_code", "month"))
    rbb = df[df.provider_code == "RBB"].iloc[0]
    assert math.isnan(rbb.total) and math.isnan(rbb.performance)  # not 3 from one cell


def test_breakdowns_use_detail_rows_and_national_uses_the_england_row(loaded):
    by_route = published_metrics(loaded, "62_DAY", by="provider,referral_route,month",
                                 filters={"provider_code": "RAA"}, period="2024-05")
    assert _cells(by_route, "referral_route") == {("SCREEN",): (4, 3, 1), ("USC",): (6, 5, 1)}
    national = published_metrics(loaded, "62_DAY", by=("month",), period="2024-05")
    assert _cells(national, "period") == {("2024-05",): (1000, 700, 300)}
    commissioner = published_metrics(loaded, "62_DAY", by=("commissioner_code", "quarter"))
    assert _cells(commissioner, "commissioner_code", "period") == {("QAA", "2024-Q2"): (9, 7, 2)}


def test_fds_detail_rows_without_modality_sum_when_no_subtotal(loaded):
    june = published_metrics(loaded, "FDS", by=("provider_code", "month"), period="2025-06")
    assert _cells(june, "provider_code") == {("RAA",): (4, 3, 1)}


def test_published_breakdowns_outside_the_files_are_refused(loaded):
    with pytest.raises(UsageError, match="age_band"):
        published_metrics(loaded, "62_DAY", by=("age_band",))


def test_reconcile_statuses(local_store, tmp_path):
    local = compute_metrics(local_store, "62_DAY", by=("provider_code", "month"))
    assert _cells(local, "provider_code", "period") == {
        ("RAA", "2024-05"): (2, 1, 1), ("RAA", "2024-06"): (1, 1, 0)}
    published = tmp_path / "published.csv"
    published.write_text(
        "Period,Basis,Org_Code,Standard_or_Item,Cancer_Type,Referral_Route_or_Stage,"
        "Treatment_Modality,Total,Within,After\n"
        "2024-05-01,Provider,RAA,62D,ALL CANCERS,ALL ROUTES,ALL MODALITIES,2,1,1\n"
        "2024-06-01,Provider,RAA,62D,ALL CANCERS,ALL ROUTES,ALL MODALITIES,2,2,0\n"
        "2024-05-01,Provider,RAA,31D,ALL CANCERS,ALL STAGES,ALL MODALITIES,,,\n"
        "2024-05-01,Provider,RAA,FDS,ALL CANCERS,ALL ROUTES,,3,3,0\n"
        "2024-05-01,Provider,RZZ,62D,ALL CANCERS,ALL ROUTES,ALL MODALITIES,9,9,0\n"
        "2024-05-01,Provider,RAA,Urgent Suspected Cancer referral,ALL CANCERS,,,7,7,0\n"
    )
    load_published(local_store, published)
    df = reconcile(local_store)
    got = {(r["standard"], r["period"]): r for r in df.to_dict("records")}
    assert set(df["provider_code"]) == {"RAA"}  # RZZ is not one of the store's providers
    assert got["62_DAY", "2024-05"]["status"] == "match"
    june = got["62_DAY", "2024-06"]
    assert june["status"] == "differs"
    assert (june["total_difference"], june["within_difference"]) == (-1, -1)
    assert got["31_DAY", "2024-05"]["status"] == "not published"
    assert got["31_DAY", "2024-06"]["status"] == "local only"
    # first-seen counts are published after October 2023, but 2WW is no longer a standard
    assert got["2WW_USC", "2024-05"]["status"] == "not computed locally"
    fds = got["FDS", "2024-05"]
    assert fds["status"] == "published only" and fds["local_total"] == 0
    only_june = reconcile(local_store, standard="62_DAY", period="2024-06")
    assert only_june[["period", "status"]].values.tolist() == [["2024-06", "differs"]]
