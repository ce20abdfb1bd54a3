# ruff: noqa: E501  (drawn tables are read across)
"""Every breakdown the issue lists, from the Python API and from ``metrics --by``.

Three FDS pathways whose attributes differ in every breakdown column, with the reference
data the derived columns come from (organisations -> alliance, ICD-10 map -> tumour group and
the rare/less common flag, LSOA -> IMD quintile). Each expected cell is worked by hand:

* A: RAA (alliance E56000001), commissioner QAA, born 1950-06-15, referred 2024-05-01 (aged
  73), sex 1, ethnic A (White), LSOA quintile 1, C50.9 (BREAST: the longer prefix C50 beats
  C5), USC, DTT 05-10 before being told 05-20 -> FDS 9 days within; surgery 05-20 (31-day).
* B: RBB (alliance E56000002), QBB, born 1980-05-02 (43: the birthday is the day after the
  referral), sex 2, ethnic H (Asian), quintile 5, C71.1 (BRAIN_CNS, rare), USC, told
  2024-06-10 -> 40 days, a breach reported in June.
* C: RAA, QAA, born 1949-05-01 (75 on the referral day), sex 1, no ethnic category (Not
  known), no LSOA (no quintile), C34.1 (LUNG), BS, told 05-29 -> 28 within; DTT 06-01,
  radiotherapy 06-05 (31-day).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cancer_alliance import metrics
from cancer_alliance.cli import app
from cancer_alliance.errors import UsageError
from cancer_alliance.metrics.compile import BREAKDOWN_COLUMNS

from . import drawn

PATHWAYS = """
    pathway_id | provider_code | commissioner_code | date_of_birth | sex | ethnic_category | lsoa_code | primary_diagnosis_icd10 | referral_route | suspected_cancer_type | referral_received_date | decision_to_treat_date | diagnosis_communicated_date | fds_outcome | first_treatment_date | first_treatment_modality
    A          | RAA           | QAA               | 1950-06-15    | 1   | A               | E01000001 | C50.9                   | USC            | BREAST                | 2024-05-01             | 2024-05-10             | 2024-05-20                  | CONFIRMED   | 2024-05-20           | SURGERY
    B          | RBB           | QBB               | 1980-05-02    | 2   | H               | E01000002 | C71.1                   | USC            | BRAIN_CNS             | 2024-05-01             |                        | 2024-06-10                  | CONFIRMED   |                      |
    C          | RAA           | QAA               | 1949-05-01    | 1   |                 |           | C34.1                   | BS             |                       | 2024-05-01             | 2024-06-01             | 2024-05-29                  | CONFIRMED   | 2024-06-05           | RADIOTHERAPY
"""


def _reference(con, with_imd: bool = True) -> None:
    con.execute("INSERT INTO organisations (org_code, org_name, org_type, alliance_code) VALUES"
                " ('RAA', 'Trust A', 'trust', 'E56000001'),"
                " ('RBB', 'Trust B', 'trust', 'E56000002')")
    con.execute("INSERT INTO tumour_groups VALUES ('BREAST', 'Breast', false, true),"
                " ('LUNG', 'Lung', false, true), ('BRAIN_CNS', 'Brain/CNS', true, false),"
                " ('OTHER', 'Other', true, false)")
    con.execute("INSERT INTO icd10_tumour_groups VALUES ('C5', 'OTHER', NULL),"
                " ('C50', 'BREAST', NULL), ('C34', 'LUNG', NULL), ('C71', 'BRAIN_CNS', NULL)")
    if with_imd:
        con.execute("INSERT INTO lsoa_imd VALUES ('E01000001', 1, 1), ('E01000002', 10, 5)")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("breakdowns") / "store.duckdb")
    con = drawn.store(drawn.pathways(PATHWAYS), [], path)
    _reference(con)
    con.close()
    return path


def _cells(df, column) -> dict:
    return {drawn.plain(r[column]): (r["total"], r["within"]) for r in df.to_dict("records")}


# (--by value, result column, {group value: (total, within)}) for FDS over all months.
FDS_BREAKDOWNS = [
    ("alliance", "alliance_code", {"E56000001": (2.0, 2.0), "E56000002": (1.0, 0.0)}),
    ("provider", "provider_code", {"RAA": (2.0, 2.0), "RBB": (1.0, 0.0)}),
    ("commissioner", "commissioner_code", {"QAA": (2.0, 2.0), "QBB": (1.0, 0.0)}),
    ("tumour_group", "tumour_group", {"BREAST": (1.0, 1.0), "BRAIN_CNS": (1.0, 0.0),
                                      "LUNG": (1.0, 1.0)}),
    ("rare", "rare_less_common", {True: (1.0, 0.0), False: (2.0, 2.0)}),
    ("route", "referral_route", {"USC": (2.0, 1.0), "BS": (1.0, 1.0)}),
    ("age_band", "age_band", {"65-74": (1.0, 1.0), "25-49": (1.0, 0.0), "75-84": (1.0, 1.0)}),
    ("sex", "sex", {"1": (2.0, 2.0), "2": (1.0, 0.0)}),
    ("ethnic_group", "ethnic_group", {"White": (1.0, 1.0), "Asian": (1.0, 0.0),
                                      "Not known": (1.0, 1.0)}),
    ("imd", "imd_quintile", {1: (1.0, 1.0), 5: (1.0, 0.0), None: (1.0, 1.0)}),
]


@pytest.mark.parametrize(("by", "column", "expected"), FDS_BREAKDOWNS,
                         ids=[b[0] for b in FDS_BREAKDOWNS])
def test_every_breakdown_from_the_python_api(db, by, column, expected):
    con = drawn.store([], [], db)
    df = metrics.compute_metrics(con, "FDS", by=by)
    assert column in df.columns
    assert _cells(df, column) == expected


@pytest.mark.parametrize(("by", "column", "expected"), FDS_BREAKDOWNS,
                         ids=[b[0] for b in FDS_BREAKDOWNS])
def test_every_breakdown_from_the_command_line(db, by, column, expected):
    out = CliRunner().invoke(app, ["metrics", "--db", db, "--standard", "FDS", "--by", by,
                                   "--format", "json"])
    assert out.exit_code == 0, out.output
    got = {r[column]: (r["total"], r["within"]) for r in json.loads(out.output)}
    assert got == expected


def test_modality_breakdown_on_the_31_day_standard(db):
    con = drawn.store([], [], db)
    df = metrics.compute_metrics(con, "31_DAY", by="modality")
    # A: DTT 05-10 -> surgery 05-20 = 10; C: DTT 06-01 -> radiotherapy 06-05 = 4.
    assert _cells(df, "modality") == {"SURGERY": (1.0, 1.0), "RADIOTHERAPY": (1.0, 1.0)}


@pytest.mark.parametrize(("grain", "expected"), [
    ("month", {"2024-05": (2.0, 2.0), "2024-06": (1.0, 0.0)}),
    ("quarter", {"2024-Q2": (3.0, 2.0)}),
    ("financial_year", {"2024/25": (3.0, 2.0)}),
])
def test_time_grains(db, grain, expected):
    con = drawn.store([], [], db)
    assert _cells(metrics.compute_metrics(con, "FDS", by=grain), "period") == expected


def test_imd_quintile_is_written_as_a_whole_number(db):
    out = CliRunner().invoke(app, ["metrics", "--db", db, "--standard", "FDS", "--by",
                                   "imd,month", "--format", "csv"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == ("standard,period,imd_quintile,total,within,breaches,performance,"
                        "threshold,met,edition")  # no calendar in a drawn store: blank
    assert "FDS,2024-05,1,1.0,1.0,0.0,100.0,75.0,true," in lines
    assert "FDS,2024-06,5,1.0,0.0,1.0,0.0,75.0,false," in lines
    assert "FDS,2024-05,,1.0,1.0,0.0,100.0,75.0,true," in lines


def test_no_quintile_until_an_lsoa_lookup_is_loaded(tmp_path):
    con = drawn.store(drawn.pathways(PATHWAYS), [], str(tmp_path / "no_imd.duckdb"))
    _reference(con, with_imd=False)
    df = metrics.compute_metrics(con, "FDS", by="imd")
    assert _cells(df, "imd_quintile") == {None: (3.0, 2.0)}


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_alliance_is_that_of_the_accountable_provider(tmp_path, request, engine):
    # §4 T1 (0.5 RAA / 0.5 RBB, within) and T2 (RBB 1.0, breach), both submitted by RBB.
    # RAA is in alliance E56000001, RBB in E56000002: each alliance gets what its provider
    # is credited with, so alliance figures add up like provider figures.
    from .spec_cases import CASES

    ipt = next(c for c in CASES if c.name == "62_day_inter_provider_transfers")
    rows = [r for r in drawn.pathways(ipt.pathways) if r["pathway_id"] in ("T1", "T2")]
    con = drawn.store(rows, [], str(tmp_path / "ipt.duckdb"))
    _reference(con)
    spark = request.getfixturevalue("spark_session") if engine == "spark" else None
    by_alliance = metrics.compute_metrics(con, "62_DAY", by="alliance", engine=engine,
                                          spark=spark)
    assert _cells(by_alliance, "alliance_code") == {"E56000001": (0.5, 0.5),
                                                    "E56000002": (1.5, 0.5)}
    only = metrics.compute_metrics(con, "62_DAY", by="provider",
                                   filters={"alliance": "E56000001"}, engine=engine,
                                   spark=spark)
    assert _cells(only, "provider_code") == {"RAA": (0.5, 0.5)}


def test_backlog_by_modality_is_a_clear_usage_error(db):
    out = CliRunner().invoke(app, ["metrics", "--db", db, "--standard", "62_DAY_BACKLOG",
                                   "--by", "modality"])
    assert out.exit_code != 0
    assert isinstance(out.exception, UsageError)
    assert "no treatment yet" in str(out.exception)



@pytest.mark.parametrize("column", [c for c in BREAKDOWN_COLUMNS
                                    if c not in ("alliance_code", "modality")])
def test_live_aggregate_derives_only_its_breakdown_yet_matches_the_full_outcomes(db, column):
    """A live aggregate derives only the breakdown it groups by (the others stay null, to
    spare the joins); its cells must equal grouping the fully derived outcome rows."""
    con = drawn.store([], [], db)
    wide = metrics.outcomes(con, "FDS", wide=True)
    wide = wide[wide["included"].astype(bool)]
    expected = {}
    for r in wide.to_dict("records"):
        total, within = expected.get(drawn.plain(r[column]), (0.0, 0.0))
        expected[drawn.plain(r[column])] = (total + r["share"],
                                            within + (r["share"] if r["outcome"] == "within"
                                                      else 0.0))
    got = metrics.compute_metrics(con, "FDS", by=column)
    assert len(expected) > 1 and _cells(got, column) == expected
