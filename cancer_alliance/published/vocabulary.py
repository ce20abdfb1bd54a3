"""The words NHS England's published CWT files use, mapped to the platform's codes.

Published files spell the same thing several ways: the Monthly Combined CSV says ``62D``
where the older XLSX says ``62-day Combined``; routes come as ``Screening`` in one file and
``NATIONAL SCREENING PROGRAMME`` in another; periods are ISO in older files and DD/MM/YYYY
in 2025-26 ones (metrics reference section 6). Every such spelling is mapped here, in one
place, so the readers stay dumb and a new spelling is a one-line change.
"""

from __future__ import annotations

import re
from datetime import date, datetime

ALL = "ALL"  # the value every subtotal ("ALL CANCERS", "ALL ROUTES", ...) is stored as
ENGLAND = "ENGLAND"  # the org code of the national "Total" rows

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def _key(text: str) -> str:
    """Upper case, non-alphanumeric runs as one space: 'Anti-cancer' -> 'ANTI CANCER'."""
    return re.sub(r"[^A-Z0-9]+", " ", str(text).upper()).strip()


# Standard_or_Item (CSV) and STANDARD (XLSX) values, by normalised key.
EXHIBITED_BREAST_KEY = "EXHIBITED NON CANCER BREAST SYMPTOMS CANCER NOT INITIALLY SUSPECTED"

_STANDARDS = {
    "FDS": "FDS",
    "28 DAY FDS": "FDS",
    "28 DAY FASTER DIAGNOSIS STANDARD": "FDS",
    "FASTER DIAGNOSIS STANDARD": "FDS",
    "31D": "31_DAY",
    "31 DAY COMBINED": "31_DAY",
    "62D": "62_DAY",
    "62 DAY COMBINED": "62_DAY",
    "URGENT SUSPECTED CANCER REFERRAL": "2WW_USC",
    "URGENT BREAST SYMPTOMATIC REFERRAL": "2WW_BREAST_SYMPTOMATIC",
    # The old (pre-October 2023) standard names of the CWT-CRS XLSX extracts (metrics
    # reference section 6: "STANDARD (28-day FDS | 31-day Combined | 62-day Combined; older
    # files: the old standard names)"; the old standards themselves are section 1's table).
    # We hold no real pre-2022 extract: these are the section 1 names in the spellings the
    # extracts abbreviate them to (2WW, 31 Day Sub ..., 62 Day ...), each written out and
    # abbreviated; tests/published/test_published_editions.py builds such a file.
    "2WW": "2WW_USC",
    "2WW USC": "2WW_USC",
    "2WW URGENT SUSPECTED CANCER": "2WW_USC",
    "TWO WEEK WAIT URGENT SUSPECTED CANCER": "2WW_USC",
    "TWO WEEK WAIT ALL CANCERS": "2WW_USC",
    "2WW BREAST SYMPTOMS": "2WW_BREAST_SYMPTOMATIC",
    "TWO WEEK WAIT BREAST SYMPTOMS": "2WW_BREAST_SYMPTOMATIC",
    "31 DAY FIRST DEFINITIVE TREATMENT": "31_DAY_FIRST",
    "31 DAY SUBSEQUENT ANTI CANCER DRUG REGIMEN": "31_DAY_SUBSEQUENT_DRUG",
    "31 DAY SUB ANTI CANCER DRUG": "31_DAY_SUBSEQUENT_DRUG",
    "31 DAY SUB ANTI CANCER DRUG REGIMEN": "31_DAY_SUBSEQUENT_DRUG",
    "62 DAY URGENT SUSPECTED CANCER": "62_DAY_USC",
    "62 DAY GP REFERRAL": "62_DAY_USC",
    "62 DAY NATIONAL SCREENING PROGRAMME": "62_DAY_SCREENING",
    "62 DAY SCREENING REFERRAL": "62_DAY_SCREENING",
    "TWO WEEK WAIT": "2WW_USC",
    "2WW BREAST": "2WW_BREAST_SYMPTOMATIC",
    "2WW BREAST SYMPTOMATIC": "2WW_BREAST_SYMPTOMATIC",
    "TWO WEEK WAIT BREAST SYMPTOMATIC": "2WW_BREAST_SYMPTOMATIC",
    "31 DAY": "31_DAY_FIRST",
    "31 DAY FIRST": "31_DAY_FIRST",
    "31 DAY FIRST TREATMENT": "31_DAY_FIRST",
    "31 DAY SUB SURGERY": "31_DAY_SUBSEQUENT_SURGERY",
    "31 DAY SUBSEQUENT SURGERY": "31_DAY_SUBSEQUENT_SURGERY",
    "31 DAY SUB DRUG": "31_DAY_SUBSEQUENT_DRUG",
    "31 DAY SUBSEQUENT DRUG": "31_DAY_SUBSEQUENT_DRUG",
    "31 DAY SUBSEQUENT ANTI CANCER DRUG": "31_DAY_SUBSEQUENT_DRUG",
    "31 DAY SUB RADIOTHERAPY": "31_DAY_SUBSEQUENT_RADIOTHERAPY",
    "31 DAY SUBSEQUENT RADIOTHERAPY": "31_DAY_SUBSEQUENT_RADIOTHERAPY",
    "62 DAY": "62_DAY_USC",
    "62 DAY USC": "62_DAY_USC",
    "62 DAY URGENT GP REFERRAL": "62_DAY_USC",
    "62 DAY SCREENING": "62_DAY_SCREENING",
    "62 DAY UPGRADE": "62_DAY_UPGRADE",
    "62 DAY CONSULTANT UPGRADE": "62_DAY_UPGRADE",
}

_ROUTES = {
    "ALL ROUTES": ALL,
    "ALL STAGES": ALL,
    "ALL ROUTES STAGES": ALL,
    "ALL": ALL,
    "URGENT SUSPECTED CANCER": "USC",
    "USC": "USC",
    "TWO WEEK WAIT": "USC",
    "BREAST SYMPTOMATIC": "BS",
    "URGENT BREAST SYMPTOMATIC": "BS",
    "BREAST SYMPTOMATIC CANCER NOT SUSPECTED": "BS",
    "SCREENING": "SCREEN",
    "NATIONAL SCREENING PROGRAMME": "SCREEN",
    "CONSULTANT UPGRADE": "UPGRADE",
    # The breast-symptomatic route as the provider extracts write it on FDS rows (and some
    # files in the route column itself): "exhibited (non-cancer) breast symptoms - cancer
    # not initially suspected" (CWT-CRS-Oct-2023-Data-Extract-Provider.xlsx; metrics
    # reference section 6 lists it among the Cancer_Type values), hyphen or en dash.
    EXHIBITED_BREAST_KEY: "BS",
    "UPGRADE": "UPGRADE",
    "FIRST TREATMENT": "FIRST",
    "FIRST DEFINITIVE TREATMENT": "FIRST",
    "SUBSEQUENT": "SUBSEQUENT",
    "SUBSEQUENT TREATMENT": "SUBSEQUENT",
}

_MODALITIES = {
    "ALL MODALITIES": ALL,
    "ALL": ALL,
    "SURGERY": "SURGERY",
    "ANTI CANCER DRUG REGIMEN": "ANTICANCER_DRUG",
    "ANTI CANCER DRUG": "ANTICANCER_DRUG",
    "DRUG": "ANTICANCER_DRUG",
    "RADIOTHERAPY": "RADIOTHERAPY",
    "OTHER": "OTHER",
}

_CANCER_SUBTOTALS = {"ALL CANCERS", "ALL", "ALL CANCER TYPES"}
#: One spelling of the breast-symptomatic cancer type, whatever dash or case a file used.
EXHIBITED_BREAST = "Exhibited (non-cancer) breast symptoms - cancer not initially suspected"
_BASES = {"PROVIDER": "Provider", "COMMISSIONER": "Commissioner"}


def standard_code(text: str) -> str | None:
    """Our standard code for a published standard name, or None when it is not one we know."""
    return _STANDARDS.get(_key(text))


def route_or_stage(text: str) -> str:
    """USC, BS, SCREEN, UPGRADE, FIRST, SUBSEQUENT or ALL; blank if not applicable; else as is."""
    if not str(text).strip():
        return ""
    return _ROUTES.get(_key(text), str(text).strip().upper())


def modality(text: str) -> str:
    """Our modality code (SURGERY, ANTICANCER_DRUG, ...), ALL, blank, else the upper-cased words."""
    if not str(text).strip():
        return ""
    return _MODALITIES.get(_key(text), str(text).strip().upper())


def cancer_type(text: str) -> str:
    """The published cancer type as written (trimmed); ALL for the 'ALL CANCERS' subtotal;
    the breast-symptomatic type in one spelling (files differ in its dash)."""
    t = str(text).strip()
    if _key(t) == EXHIBITED_BREAST_KEY:
        return EXHIBITED_BREAST
    return ALL if _key(t) in _CANCER_SUBTOTALS else t


def org_code(text: str) -> str:
    """The ODS code upper-cased; ENGLAND for the national 'Total' rows."""
    t = str(text).strip().upper()
    return ENGLAND if t in ("TOTAL", "ENGLAND") else t


#: Words that name a commissioner-based file without saying "commissioner": NHS England's
#: "ICB Sub-Location" extract (sheet "CWT CRS ICB SubLocation Extract" of
#: CWT-CRS-Apr-23-to-Oct-23-Data-Extract-ICB-Sub-Location.xlsx) reports by sub-ICB
#: location, the commissioner of the patient's care (formerly the CCG).
_COMMISSIONER_WORDS = ("ICB SUB LOCATION", "ICB SUBLOCATION", "SUB ICB LOCATION", "SUBLOCATION")


def basis(text: str) -> str | None:
    """'Provider' or 'Commissioner' if the text names one (e.g. a sheet title), else None."""
    k = _key(text)
    for word, value in _BASES.items():
        if word in k.split():
            return value
    if any(w in k for w in _COMMISSIONER_WORDS):
        return "Commissioner"
    return None


def sub_category(text: str) -> tuple[str, str]:
    """(route or stage, modality) from the ICB sub-location extract's SUB-CATEGORY.

    The extract has no route, stage, modality or cancer-type columns; it writes them in one
    cell: ``31-day (First)``, ``31-day Sub (Surgery)``, ``62-day (Urgent Suspected Cancer)``,
    and blank for FDS (all routes). Subsequent treatments name their modality; first
    treatments and 62-day routes have no modality split, so their modality is blank (not
    ``ALL``: there are no detail rows it would sum, and a blank keeps the 31-day total
    "first plus each subsequent modality" in :func:`..aggregate.select_rows`).
    """
    t = str(text or "").strip()
    if not t:
        return ALL, ""
    m = re.fullmatch(r"\s*\d+\s*-?\s*day\s*(sub)?\s*\((.+)\)\s*", t, flags=re.IGNORECASE)
    if m is None:
        return route_or_stage(t), ""
    inner = m[2]
    if m[1]:
        return "SUBSEQUENT", modality(inner)
    if _key(inner) == "FIRST":
        return "FIRST", ""
    return route_or_stage(inner), ""


def period(value: object) -> str | None:
    """YYYY-MM from a published period: a date, ISO text, DD/MM/YYYY, 'APR-2019' or 'April 2019'."""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    t = str(value).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ T].*)?", t):
        y, mo = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        y, mo = int(m[3]), int(m[2])
    elif m := re.fullmatch(r"([A-Za-z]{3})[A-Za-z]*[ \-_]*(\d{4})\s*[/\-]\s*(\d{2})", t):
        # a month of a financial year, as MONTH and YEAR columns give it: 'JAN 2019/20' is
        # January 2020, 'APR 2019/20' April 2019 (the year runs April to March)
        mo = _MONTHS.get(m[1].lower(), 0)
        y = int(m[2]) + (1 if 1 <= mo <= 3 else 0)
    elif m := re.fullmatch(r"([A-Za-z]{3})[A-Za-z]*[ \-_/]*(\d{2}|\d{4})", t):
        mo = _MONTHS.get(m[1].lower(), 0)
        y = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
    else:
        return None
    if not 1 <= mo <= 12:
        return None
    return f"{y:04d}-{mo:02d}"


def is_subtotal(org: str, cancer: str, route: str, modality_code: str) -> bool:
    """True for a row that adds up other rows: any ALL dimension, or the England total."""
    return org == ENGLAND or ALL in (cancer, route, modality_code)
