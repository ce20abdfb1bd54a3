"""The reference files of a run: well-formed, consistent with the submissions."""

from __future__ import annotations

import re

import pandas as pd

from cancer_alliance.generate import parameters as P

ODS = re.compile(r"^[A-Z0-9]{3}([A-Z0-9]{2})?$")


def _read(out, name):
    return pd.read_csv(out / "reference" / name, dtype=str, keep_default_na=False)


def test_organisations_have_unique_valid_codes_and_belong_to_the_alliance(clean_run):
    out, _ = clean_run
    alliances = _read(out, "alliances.csv")
    orgs = _read(out, "organisations.csv")
    assert list(orgs.columns) == ["org_code", "org_name", "org_type", "alliance_code",
                                  "parent_code", "region"]
    assert orgs["org_code"].is_unique
    assert orgs["org_code"].map(lambda c: bool(ODS.match(c))).all()
    assert set(orgs["org_type"]) == {"PROVIDER", "COMMISSIONER", "ICB", "GP_PRACTICE"}
    assert set(orgs["alliance_code"]) <= set(alliances["alliance_code"])
    assert set(orgs.loc[orgs["org_type"] == "PROVIDER", "org_code"]) == {"RA1", "RA2"}
    practices = orgs[orgs["org_type"] == "GP_PRACTICE"]
    commissioners = set(orgs.loc[orgs["org_type"] == "COMMISSIONER", "org_code"])
    assert set(practices["parent_code"]) <= commissioners


def test_submissions_use_only_known_organisations_and_lsoas(clean_run):
    out, _ = clean_run
    orgs = set(_read(out, "organisations.csv")["org_code"])
    lsoas = set(_read(out, "lsoa_imd.csv")["lsoa_code"])
    for path in (out / "submissions").glob("*/*/pathways.csv"):
        p = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("commissioner_code", "gp_practice_code", "first_treatment_provider_code"):
            assert set(p[column]) - {""} <= orgs, column
        assert set(p["lsoa_code"]) - {""} <= lsoas


def test_deprivation_deciles_and_quintiles_agree(clean_run):
    out, _ = clean_run
    imd = _read(out, "lsoa_imd.csv").astype({"imd_decile": int, "imd_quintile": int})
    assert imd["lsoa_code"].str.fullmatch(r"E01\d{6}").all()
    assert imd["imd_decile"].between(1, 10).all()
    assert (imd["imd_quintile"] == (imd["imd_decile"] + 1) // 2).all()
    assert imd["imd_decile"].nunique() >= 8  # a mix, not one level


def test_populations_cover_every_commissioner_year_sex_and_esp_band(clean_run):
    out, _ = clean_run
    pop = _read(out, "populations.csv")
    commissioners = _read(out, "organisations.csv").query("org_type == 'COMMISSIONER'")
    assert set(pop["area_code"]) == set(commissioners["org_code"])
    assert set(pop["age_band"]) == set(P.AGE_BANDS) and set(pop["sex"]) == {"1", "2"}
    assert set(pop["year"]) == {"2024"}
    assert len(pop) == len(commissioners) * 2 * len(P.AGE_BANDS)
    assert (pop["population"].astype(int) > 0).all()
