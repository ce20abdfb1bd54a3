"""NHS England's published files as published (issue 13, part 5), on the real files.

The real files are read from ``shared/fixtures/cwt-published/`` beside the checkout and
never copied or edited; a variant a test needs (a provisional edition, a revision) is
written from them at run time. Outside CI the tests skip when the folder is absent; under
``CI=true`` it must be there. The pre-2022 layout has no real file here: that test builds a
small workbook with the old layout and standard names (metrics reference sections 1, 6).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cancer_alliance.published import load_published, published_metrics, published_rows
from cancer_alliance.published import vocabulary as vocab
from cancer_alliance.store import connect


def _real_folder() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        folder = parent / "shared" / "fixtures" / "cwt-published"
        if folder.is_dir():
            return folder
    return None


REAL = _real_folder()
if REAL is None and os.environ.get("CI") == "true":
    raise RuntimeError("shared/fixtures/cwt-published is missing beside the checkout under CI")
needs_real = pytest.mark.skipif(REAL is None, reason="shared/fixtures/cwt-published absent")

PROVIDER = "CWT-CRS-Oct-2023-Data-Extract-Provider.xlsx"
ICB = "CWT-CRS-Apr-23-to-Oct-23-Data-Extract-ICB-Sub-Location.xlsx"
SERIES = "CWT-CRS-National-Time-Series-Oct-2009-Oct-2023-with-Revisions.xlsx"
COMBINED = ("FDS", "31_DAY", "62_DAY")


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """One store with the three real files loaded (about 10 s: read once per module)."""
    if REAL is None:
        pytest.skip("shared/fixtures/cwt-published absent")
    con = connect(tmp_path_factory.mktemp("real") / "p.duckdb")
    summaries = {name: load_published(con, REAL / name) for name in (PROVIDER, ICB, SERIES)}
    yield con, summaries
    con.close()


def _england(con, standard: str) -> dict[str, tuple[float, float, float]]:
    """The national time series' rows: {month: (total, within, breaches)}."""
    rows = published_rows(con, standard)
    rows = rows[(rows["org_code"] == vocab.ENGLAND) & (rows["source_file"] == SERIES)]
    return {r.period: (r.total, r.within, r.breaches) for r in rows.itertuples()}


def _sum_by(con, standard: str, by: str, period=None) -> dict[str, tuple[float, float, float]]:
    df = published_metrics(con, standard, by=(by, "month"), period=period)
    g = df.groupby("period")[["total", "within", "breaches"]].sum()
    return {p: tuple(float(v) for v in r) for p, r in g.iterrows()}


@needs_real
@pytest.mark.parametrize("standard", COMBINED)
def test_provider_extract_totals_equal_the_national_time_series(real, standard):
    con, _ = real
    providers = _sum_by(con, standard, "provider_code")
    assert list(providers) == ["2023-10"]
    assert providers["2023-10"] == _england(con, standard)["2023-10"]  # to the half-patient


@needs_real
@pytest.mark.parametrize("standard", COMBINED)
def test_commissioner_extract_is_read_and_sums_to_the_national_time_series(real, standard):
    # Refused before ("no sheet has the CWT-CRS header"). Its seven months, every ICB
    # sub-location (UNKNOWN included), add up to England's series month by month.
    con, summaries = real
    assert summaries[ICB]["bases"] == ["Commissioner"]
    commissioners = _sum_by(con, standard, "commissioner_code")
    assert sorted(commissioners) == [f"2023-{m:02d}" for m in range(4, 11)]
    england = _england(con, standard)
    for month, figures in commissioners.items():
        assert figures == england[month], month


@needs_real
def test_commissioner_sub_categories_become_routes_stages_and_modalities(real):
    con, _ = real
    rows = published_rows(con, "31_DAY")
    rows = rows[rows["source_file"] == ICB]
    assert set(rows["route_or_stage"]) == {"FIRST", "SUBSEQUENT"}
    assert set(rows.loc[rows["route_or_stage"] == "SUBSEQUENT", "modality"]) == {
        "SURGERY", "ANTICANCER_DRUG", "RADIOTHERAPY", "OTHER"}
    by_route = published_metrics(con, "62_DAY", by=("commissioner_code", "route", "month"),
                                 period="2023-10")
    assert set(by_route["referral_route"]) == {"USC", "BS", "SCREEN", "UPGRADE"}


@needs_real
def test_the_national_time_series_is_read_as_england_rows(real):
    con, summaries = real
    s = summaries[SERIES]
    assert s["layout"] == "national_time_series_xlsx" and s["bases"] == ["Provider"]
    fds = _england(con, "FDS")
    assert min(fds) == "2021-04" and max(fds) == "2023-10"  # FDS from April 2021
    assert min(_england(con, "62_DAY")) == "2022-04"  # combined series back to April 2022
    for month, (total, within, breaches) in fds.items():
        assert total == within + breaches, month


@needs_real
def test_breast_symptomatic_exhibited_symptoms_route_is_read(real):
    con, _ = real
    rows = published_rows(con, "FDS")
    bs = rows[(rows["source_file"] == PROVIDER) & (rows["route_or_stage"] == "BS")]
    assert len(bs) > 0
    assert set(bs["cancer_type"]) == {vocab.EXHIBITED_BREAST}
    by_route = published_metrics(con, "FDS", by=("route", "month"), period="2023-10")
    assert set(by_route["referral_route"]) == {"USC", "BS", "SCREEN"}
    assert by_route["total"].sum() == _england(con, "FDS")["2023-10"][0]


def _variant(source: Path, out: Path, keep, change=None) -> Path:
    """Write ``out`` from the real extract: its header and the rows ``keep(row)`` accepts,
    each passed through ``change(row)``; the real file itself is only read."""
    wb = load_workbook(source, read_only=True, data_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    title = wb.worksheets[0].title
    wb.close()
    new = Workbook()
    ws = new.active
    ws.title = title
    ws.append(list(rows[0]))
    for r in rows[1:]:
        if keep(r):
            ws.append(list(change(r) if change else r))
    new.save(out)
    return out


def _bump(r: tuple) -> tuple:
    """A provisional figure: two more patients within, for every row of the organisation."""
    r = list(r)
    r[8], r[9] = r[8] + 2, r[9] + 2  # TOTAL TREATED, WITHIN STANDARD
    return tuple(r)


@needs_real
def test_provisional_then_final_replaces_the_same_organisations_months(tmp_path):
    # Loading the provisional and then the final edition doubled every total before.
    orgs = {"R0A", "R1H", "RGT"}
    provisional = _variant(REAL / PROVIDER,
                           tmp_path / "CWT-CRS-Oct-2023-Data-Extract-Provider-Provisional.xlsx",
                           lambda r: r[4] in orgs, _bump)
    con = connect(tmp_path / "p.duckdb")
    load_published(con, REAL / SERIES)
    england = {s: _england(con, s)["2023-10"] for s in COMBINED}
    first = load_published(con, provisional)
    assert first["rows_replaced"] == 0
    final = load_published(con, REAL / PROVIDER)
    assert final["rows_replaced"] == first["rows_loaded"]
    assert final["replaced_files"] == [provisional.name]
    for s in COMBINED:
        assert _sum_by(con, s, "provider_code")["2023-10"] == england[s]
    stored = len(published_rows(con))
    again = load_published(con, REAL / PROVIDER)  # idempotent
    assert again["rows_replaced"] == final["rows_loaded"]
    assert len(published_rows(con)) == stored
    for s in COMBINED:
        assert _sum_by(con, s, "provider_code")["2023-10"] == england[s]


@needs_real
def test_a_revision_of_one_organisation_leaves_the_others_alone(tmp_path):
    con = connect(tmp_path / "p.duckdb")
    load_published(con, REAL / PROVIDER)

    def fds():
        df = published_metrics(con, "FDS", by=("provider_code", "month"), period="2023-10")
        return df.set_index("provider_code")["total"]

    before = fds()
    revised = _variant(REAL / PROVIDER, tmp_path / "RGT-Oct-2023-revised.xlsx",
                       lambda r: r[4] == "RGT", _bump)
    summary = load_published(con, revised)
    assert summary["replaced_files"] == [PROVIDER]
    after = fds()
    assert after.drop("RGT").equals(before.drop("RGT"))
    assert after["RGT"] > before["RGT"]  # the revision, not the first edition, counts


def test_pre_2022_extract_with_old_standard_names_and_financial_year_months(tmp_path):
    # No real pre-2022 extract is held here: this workbook is built with that layout (a
    # title row, MONTH and financial-YEAR columns instead of PERIOD, TOTAL TREATED, the
    # old standard names of metrics reference section 1).
    wb = Workbook()
    ws = wb.active
    ws.title = "CWT CRS Provider Extract"
    ws.append(["Cancer Waiting Times: Provider based data extract, 2019-20"])
    ws.append(["MONTH", "YEAR", "STANDARD", "ORG CODE", "STAGE/ROUTE", "TREATMENT MODALITY",
               "CANCER TYPE", "TOTAL TREATED", "WITHIN STANDARD", "BREACHES"])
    ws.append(["JAN", "2019/20", "Two Week Wait Breast Symptoms", "RAA",
               "Exhibited (non-cancer) breast symptoms \u2013 cancer not initially suspected",
               None, "Exhibited (non-cancer) breast symptoms \u2013 cancer not initially "
               "suspected", 30, 28, 2])
    ws.append(["JAN", "2019/20", "31 Day First Definitive Treatment", "RAA", "First Treatment",
               "Surgery", "Breast", 12, 12, 0])
    ws.append(["FEB", "2019/20", "31 Day Sub Anti-Cancer Drug Regimen", "RAA",
               "Subsequent Treatment", "Anti-cancer drug regimen", "Lung", 9, 9, 0])
    ws.append(["APR", "2019/20", "62 Day GP Referral", "RAA", "Urgent Suspected Cancer",
               "Surgery", "Lung", 7, 6, 1])
    ws.append(["APR", "2019/20", "62 Day Consultant Upgrade", "RAA", "Consultant Upgrade",
               "Surgery", "Lung", 3, 3, 0])
    path = tmp_path / "CWT-CRS-2019-20-Data-Extract-Provider-Final.xlsx"
    wb.save(path)
    con = connect(tmp_path / "p.duckdb")
    summary = load_published(con, path)
    assert summary["bases"] == ["Provider"]
    rows = published_rows(con).set_index("standard")
    assert rows.loc["2WW_BREAST_SYMPTOMATIC", "period"] == "2020-01"  # Jan of 2019/20
    assert rows.loc["2WW_BREAST_SYMPTOMATIC", "route_or_stage"] == "BS"
    assert rows.loc["2WW_BREAST_SYMPTOMATIC", "cancer_type"] == vocab.EXHIBITED_BREAST
    assert rows.loc["31_DAY_FIRST", "period"] == "2020-01"
    assert rows.loc["31_DAY_SUBSEQUENT_DRUG", "period"] == "2020-02"
    assert rows.loc["62_DAY_USC", "period"] == "2019-04"  # April opens the year
    assert rows.loc["62_DAY_UPGRADE", "route_or_stage"] == "UPGRADE"


@pytest.mark.parametrize(("text", "month"), [
    ("JAN 2019/20", "2020-01"), ("MAR 2019/20", "2020-03"), ("APR 2019/20", "2019-04"),
    ("DEC 2021-22", "2021-12"),
])
def test_financial_year_months(text, month):
    assert vocab.period(text) == month

