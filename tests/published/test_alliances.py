"""Other Cancer Alliances: the ONS sub-ICB location lookup and alliances' published figures.

The lookup file in ``fixtures/`` is hand-made in the ONS Open Geography Portal layout
(``SICBL23CD, SICBL23CDH, SICBL23NM, ..., CAL23CD, CAL23NM``) for seven real sub-ICB
locations of the commissioner extract; it is a test file, not the national mapping. Every
expected figure is summed here straight from NHS England's spreadsheet with pandas, not
through the platform's readers.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import app
from cancer_alliance.published import alliances, load_published
from cancer_alliance.published.errors import PublishedFileRejected
from cancer_alliance.store import connect

REAL = next((p / "shared" / "fixtures" / "cwt-published"
             for p in Path(__file__).resolve().parents
             if (p / "shared" / "fixtures" / "cwt-published").is_dir()), None)
EXTRACT = (REAL or Path("absent")) / "CWT-CRS-Apr-23-to-Oct-23-Data-Extract-ICB-Sub-Location.xlsx"
LOOKUP = Path(__file__).parent / "lookups" / "sub_icb_to_cancer_alliance_sample.csv"
WORDS = {"FDS": "28-day FDS", "31_DAY": "31-day Combined", "62_DAY": "62-day Combined"}

pytestmark = pytest.mark.skipif(REAL is None, reason="shared/fixtures/cwt-published absent")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    df = pd.read_excel(EXTRACT)
    df["month"] = pd.to_datetime(df["PERIOD"]).dt.strftime("%Y-%m")
    return df


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "a.duckdb")
    load_published(c, EXTRACT)
    yield c
    c.close()


def _expected(raw: pd.DataFrame, standard: str, month: str, codes: list[str]) -> tuple:
    rows = raw[(raw["STANDARD"] == WORDS[standard]) & (raw["month"] == month)
               & raw["ICB SUB LOCATION"].isin(codes)]
    return float(rows["TOTAL"].sum()), float(rows["WITHIN STANDARD"].sum())


def test_each_alliance_is_the_sum_of_its_sub_icb_locations_rows(con, raw):
    summary = alliances.load_alliances(con, LOOKUP)
    assert summary == {"source_file": LOOKUP.name, "sub_icb_locations": 7, "alliances": 3,
                       "rows_replaced": 0}
    members = {"E56000017": ["00L", "00N", "00P"], "E56000024": ["00Q", "00R"],
               "E56000021": ["00T", "00V"]}
    checked = 0
    for standard in WORDS:
        df = alliances.alliance_figures(con, standard)
        for month in ("2023-04", "2023-10"):
            got = df[df["period"] == month].set_index("alliance_code")
            for code, subs in members.items():
                total, within = _expected(raw, standard, month, subs)
                assert total > 0
                assert (got.loc[code, "total"], got.loc[code, "within"]) == (total, within), (
                    standard, month, code)
                assert got.loc[code, "sub_icb_locations"] == len(subs)
                assert got.loc[code, "performance"] == pytest.approx(
                    round(100 * within / total, 2))
                checked += 1
            # nothing dropped: the alliances and the unmapped locations make England's
            # commissioner-basis total (every location of the month, UNKNOWN included)
            every = raw[(raw["STANDARD"] == WORDS[standard]) & (raw["month"] == month)]
            assert got["total"].sum() == float(every["TOTAL"].sum())
            assert got.loc[alliances.UNMAPPED, "total"] == float(every[
                ~every["ICB SUB LOCATION"].isin(sum(members.values(), []))]["TOTAL"].sum())
    assert checked == 3 * 2 * 3
    assert df.loc[df["alliance_code"] == "E56000017", "alliance_name"].iloc[0] == "Northern"


def test_year_suffixed_variants_and_letter_case_are_accepted(con, tmp_path):
    text = LOOKUP.read_text().splitlines()
    head = text[0].replace("SICBL23", "LOC22").replace("CAL23", "cal22")
    f = tmp_path / "LOC22_CAL22_EN_LU.csv"
    f.write_text("\n".join([head, *text[1:3]]) + "\n")
    assert alliances.load_alliances(con, f)["sub_icb_locations"] == 2
    stored = alliances.read_alliances(con)
    assert stored["sub_icb_code"].tolist() == ["00L", "00N"]
    assert stored["sub_icb_gss"].tolist() == ["E38000130", "E38000163"]
    # loading again replaces the lookup as a whole
    assert alliances.load_alliances(con, LOOKUP)["rows_replaced"] == 2
    assert len(alliances.read_alliances(con)) == 7


@pytest.mark.parametrize("header, rows, rule", [
    ("SICBL23CD,SICBL23NM,CAL23CD,CAL23NM", ["E38000130,x,E56000017,Northern"], "layout"),
    ("SICBL23CDH,SICBL23NM,CAL23NM", ["00L,x,Northern"], "layout"),
    ("SICBL23CDH,CAL23CD", ["00L,E56000017", "00L,E56000021"], "one_alliance"),
    ("SICBL23CDH,CAL23CD", ["00L; DROP,E56000017"], "sub_icb_code"),
    ("SICBL23CDH,CAL23CD", ["00L,"], "alliance_code"),
    ("SICBL23CDH,CAL23CD", [], "lookup"),
])
def test_a_file_that_is_not_the_lookup_is_refused_and_changes_nothing(con, tmp_path, header,
                                                                       rows, rule):
    alliances.load_alliances(con, LOOKUP)
    f = tmp_path / "bad.csv"
    f.write_text("\n".join([header, *rows]) + "\n")
    with pytest.raises(PublishedFileRejected) as err:
        alliances.load_alliances(con, f)
    assert err.value.rule == rule and "bad.csv" in str(err.value)
    assert len(alliances.read_alliances(con)) == 7


def test_no_lookup_means_no_alliance_figures(con):
    assert alliances.alliance_figures(con, "FDS").empty


def test_cli_loads_the_lookup_and_prints_alliance_figures(tmp_path, raw):
    runner = CliRunner()
    db = str(tmp_path / "cli.duckdb")
    for args in (["published", "load", str(EXTRACT)],
                 ["published", "alliances", "--load", str(LOOKUP)]):
        r = runner.invoke(app, [*args, "--db", db])
        assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.splitlines()[-1])["alliances"] == 3
    r = runner.invoke(app, ["published", "alliances", "--db", db, "--standard", "62_DAY",
                            "--period", "2023-10"])
    assert r.exit_code == 0, r.output
    got = {x["alliance_code"]: x for x in csv.DictReader(io.StringIO(r.stdout))}
    assert float(got["E56000021"]["total"]) == _expected(raw, "62_DAY", "2023-10",
                                                         ["00T", "00V"])[0]
    listing = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["published", "alliances", "--db", db]).stdout)))
    assert len(listing) == 7 and listing[0]["alliance_code"] == "E56000017"
