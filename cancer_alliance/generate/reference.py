"""The reference files of a synthetic run: alliances, organisations, LSOA deprivation, populations.

They describe the fictional geography the submissions use, in the column layout the reference
loaders (``cancer_alliance.reference.load_reference_file``) read.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from cancer_alliance.generate import parameters as P
from cancer_alliance.generate.organisations import Alliance, lsoa_code

# Population share by sex within each age band (female share rises with age).
FEMALE_SHARE = np.linspace(0.488, 0.66, len(P.AGE_BANDS))


def write_reference(folder: Path, alliances: list[Alliance], years: range) -> dict[str, int]:
    """Write the four reference CSVs; returns rows written per file."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    counts["alliances.csv"] = _write(folder / "alliances.csv", ("alliance_code", "alliance_name"),
                                     [(a.code, a.name) for a in alliances])
    orgs = []
    for a in alliances:
        for code, name in a.icbs:
            orgs.append((code, name, "ICB", a.code, "", a.region))
        for j, code in enumerate(a.provider_codes):
            parent = a.commissioner_icb[j % len(a.commissioner_icb)]
            orgs.append((code, a.provider_names[j], "PROVIDER", a.code, parent, a.region))
        for c, code in enumerate(a.commissioner_codes):
            orgs.append((code, a.commissioner_names[c], "COMMISSIONER", a.code,
                         a.commissioner_icb[c], a.region))
            for practice in a.practices[c]:
                orgs.append((practice, f"{practice} Medical Practice", "GP_PRACTICE", a.code,
                             code, a.region))
    counts["organisations.csv"] = _write(
        folder / "organisations.csv",
        ("org_code", "org_name", "org_type", "alliance_code", "parent_code", "region"), orgs)
    lsoa_rows = []
    for a in alliances:
        index = a.lsoa_first[0] + np.arange(len(a.lsoa_decile))
        for code, decile in zip(lsoa_code(index), a.lsoa_decile, strict=True):
            lsoa_rows.append((code, int(decile), (int(decile) + 1) // 2))
    counts["lsoa_imd.csv"] = _write(folder / "lsoa_imd.csv",
                                    ("lsoa_code", "imd_decile", "imd_quintile"), lsoa_rows)
    pop_rows = []
    share = np.asarray(P.AGE_BAND_SHARE) / sum(P.AGE_BAND_SHARE)
    for a in alliances:
        for c, code in enumerate(a.commissioner_codes):
            for year in years:
                people = a.population[c] * (1.005 ** (year - 2023))
                for sex, sex_share in (("1", 1 - FEMALE_SHARE), ("2", FEMALE_SHARE)):
                    counts_band = np.round(people * share * sex_share).astype(int)
                    for band, count in zip(P.AGE_BANDS, counts_band, strict=True):
                        pop_rows.append((code, "COMMISSIONER", year, sex, band, int(count)))
    counts["populations.csv"] = _write(
        folder / "populations.csv",
        ("area_code", "area_type", "year", "sex", "age_band", "population"), pop_rows)
    return counts


def _write(path: Path, header: tuple[str, ...], rows: list[tuple]) -> int:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)
