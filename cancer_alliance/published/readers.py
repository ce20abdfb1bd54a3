"""Reading the published CWT layouts into one normalised shape.

* **Monthly Combined CSV** (April 2022 onwards): one header row, columns ``Period, Basis,
  Org_Code, Parent_Org, Org_Name, Standard_or_Item, Cancer_Type, Referral_Route_or_Stage,
  Treatment_Modality, Total, Within, After, Performance`` and day bands (ignored here: the
  platform compares total, within and breaches).
* **"CWT-CRS Data Extract (Provider|Commissioner)" XLSX** (older): title rows may sit above
  the header ``PERIOD, STANDARD, ORG CODE, TREATMENT MODALITY, CANCER TYPE, STAGE/ROUTE, TOTAL
  (or TOTAL TREATED), WITHIN STANDARD, BREACHES``; the basis is in the sheet or file title;
  some years split the period into MONTH and YEAR (YEAR as a financial year, 2019/20).
* **"ICB Sub-Location" (commissioner) XLSX**: ``PERIOD, YEAR, MONTH, STANDARD, ICB SUB
  LOCATION, SUB-CATEGORY, TOTAL, WITHIN STANDARD, BREACHES``: no cancer type, route or
  modality columns; SUB-CATEGORY carries the route, stage and modality in one cell
  (:func:`..vocabulary.sub_category`); every row is all cancers; the basis is
  Commissioner (the sheet title says "ICB SubLocation").
* **National time series XLSX** ("CWT-CRS National Time Series ... with Revisions"): sheet
  ``Monthly Performance``, a title row naming each standard above a header row of blocks
  ``Monthly, Total, Within Standard, Outside Standard, Performance (%)`` (FDS, 31-day and
  62-day combined). Each month becomes an England row (``ENGLAND``, all cancers, routes
  and modalities) on the provider basis (the workbook's cover: "Provider based"). A month
  before a series starts (all three counts blank) is not a published cell and is skipped.

Both become the rows of :data:`COLUMNS`. Blank cells (and the marks ``*``, ``-``, ``..``) are
"not published" and become None, never 0 (metrics reference section 6). Anything else that
is not a count stops the load with file, row, column, value and rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cancer_alliance.ingest import table_bounds
from cancer_alliance.ingest.limits import MIB, Limits
from cancer_alliance.published import vocabulary as vocab
from cancer_alliance.published.errors import PublishedFileRejected

#: Bounds on a published file, checked before pandas or openpyxl parses it
#: (:mod:`cancer_alliance.ingest.table_bounds`). NHS England's files are small (a month's
#: provider extract: 0.5 MB, 9,913 rows of 11 columns; the national time series: 843 rows
#: of 20): these allow years of them in one file, and keep a hostile one from costing
#: minutes and gigabytes (openpyxl pads every row to a declared ``A1:XFD1048576``).
PUBLISHED_LIMITS = Limits(max_file_bytes=64 * MIB, max_rows=500_000, max_columns=256,
                          max_decompressed_bytes=256 * MIB)

COLUMNS = [
    "period", "basis", "org_code", "org_name", "parent_org", "standard", "standard_published",
    "cancer_type", "route_or_stage", "modality", "total", "within", "breaches", "is_subtotal",
    "source_row",
]
NOT_PUBLISHED = {"", "*", "-", "..", "n/a", "na", ":"}

# Our field -> the header names each layout uses for it (normalised: lower case, '_' joins).
CSV_FIELDS = {
    "period": ["period"],
    "basis": ["basis"],
    "org_code": ["org_code"],
    "org_name": ["org_name"],
    "parent_org": ["parent_org"],
    "standard": ["standard_or_item"],
    "cancer_type": ["cancer_type"],
    "route_or_stage": ["referral_route_or_stage"],
    "modality": ["treatment_modality"],
    "total": ["total"],
    "within": ["within"],
    "breaches": ["after"],
}
XLSX_FIELDS = {
    "period": ["period"],
    "month": ["month"],
    "year": ["year"],
    "basis": ["basis"],
    "org_code": ["org_code", "icb_sub_location", "sub_icb_location", "icb_sub_location_code"],
    "org_name": ["org_name"],
    "parent_org": ["parent_org"],
    "standard": ["standard"],
    "sub_category": ["sub_category"],
    "cancer_type": ["cancer_type"],
    "route_or_stage": ["stage_route", "route_stage", "stage_or_route"],
    "modality": ["treatment_modality", "modality"],
    "total": ["total", "total_treated", "total_seen"],
    "within": ["within_standard", "within"],
    "breaches": ["breaches", "after"],
}
REQUIRED = ["org_code", "standard", "cancer_type", "route_or_stage", "total", "within",
            "breaches"]


def header_key(name: object) -> str:
    """'STAGE/ROUTE' -> 'stage_route'; 'Org_Code' -> 'org_code'."""
    return re.sub(r"[^a-z0-9]+", "_", str(name or "").strip().lower()).strip("_")


def parse_count(file: str, row: int, column: str, value: object) -> float | None:
    """A published count: None when not published; error when it is not a number >= 0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "")
        if text.lower() in NOT_PUBLISHED:
            return None
        try:
            number = float(text)
        except ValueError:
            raise PublishedFileRejected(
                file, "count", "a count must be a number, or blank when not published",
                row=row, column=column, value=value,
            ) from None
    if number < 0:
        raise PublishedFileRejected(file, "count", "a count cannot be negative",
                                    row=row, column=column, value=value)
    return number


def _locate(file: str, headers: list[str], fields: dict[str, list[str]]) -> dict[str, int]:
    keys = [header_key(h) for h in headers]
    where = {}
    for field, names in fields.items():
        for name in names:
            if name in keys:
                where[field] = keys.index(name)
                break
    required = REQUIRED
    if "sub_category" in where:  # the ICB sub-location layout: no cancer or route columns
        required = [f for f in REQUIRED if f not in ("cancer_type", "route_or_stage")]
    missing = [f for f in required if f not in where]
    if "period" not in where and not {"month", "year"} <= where.keys():
        missing.insert(0, "period")
    if missing:
        raise PublishedFileRejected(
            file, "layout", f"missing column(s) {', '.join(missing)}; found {headers}"
        )
    return where


def _normalise(
    file: str, rownum: int, cells: list, where: dict[str, int], basis: str | None,
    headers: list[str],
) -> dict | None:
    """One published row in our shape, or None for a wholly blank row."""

    def cell(field: str) -> object:
        i = where.get(field)
        return cells[i] if i is not None and i < len(cells) else None

    def text(field: str) -> str:
        v = cell(field)
        return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()

    def column(field: str) -> str:
        return str(headers[where[field]])

    if all(v is None or str(v).strip() == "" for v in cells):
        return None
    if "period" in where:
        raw_period = cell("period")
        period = vocab.period(raw_period)
    else:
        raw_period = f"{text('month')} {text('year')}"
        period = vocab.period(raw_period)
    if period is None:
        raise PublishedFileRejected(
            file, "period", "a period must be a date (YYYY-MM-DD or DD/MM/YYYY) or a month",
            row=rownum, column=column("period") if "period" in where else "MONTH/YEAR",
            value=raw_period,
        )
    row_basis = vocab.basis(text("basis")) if "basis" in where else basis
    if row_basis is None:
        raise PublishedFileRejected(
            file, "basis", "the basis must be Provider or Commissioner", row=rownum,
            column=column("basis") if "basis" in where else None,
            value=text("basis") if "basis" in where else None,
        )
    standard = vocab.standard_code(text("standard"))
    if standard is None:
        raise PublishedFileRejected(
            file, "standard", "not a cancer waiting-time standard the platform knows",
            row=rownum, column=column("standard"), value=text("standard"),
        )
    org = vocab.org_code(text("org_code"))
    if not org:
        raise PublishedFileRejected(file, "org_code", "the organisation code is blank",
                                    row=rownum, column=column("org_code"), value="")
    if "sub_category" in where and "route_or_stage" not in where:
        route, mod = vocab.sub_category(text("sub_category"))
    else:
        route = vocab.route_or_stage(text("route_or_stage"))
        mod = vocab.modality(text("modality")) if "modality" in where else ""
    cancer = vocab.cancer_type(text("cancer_type")) if "cancer_type" in where else vocab.ALL
    counts = {
        f: parse_count(file, rownum, column(f), cell(f)) for f in ("total", "within", "breaches")
    }
    return {
        "period": period,
        "basis": row_basis,
        "org_code": org,
        "org_name": text("org_name") or None,
        "parent_org": text("parent_org") or None,
        "standard": standard,
        "standard_published": text("standard"),
        "cancer_type": cancer,
        "route_or_stage": route,
        "modality": mod,
        **counts,
        "is_subtotal": vocab.is_subtotal(org, cancer, route, mod),
        "source_row": rownum,
    }


def read_monthly_combined_csv(path: Path) -> pd.DataFrame:
    """The Monthly Combined CSV (both bases in one file) as rows of :data:`COLUMNS`."""
    file = path.name
    raw = None
    table_bounds.check_csv_header(path, PUBLISHED_LIMITS)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding,
                              nrows=PUBLISHED_LIMITS.max_rows + 1)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise PublishedFileRejected(file, "csv", f"not a readable CSV file: {exc}") from None
    if raw is None:
        raise PublishedFileRejected(file, "encoding", "neither UTF-8 nor Windows-1252 text")
    table_bounds.refuse_over(file, "the number of rows", len(raw), PUBLISHED_LIMITS.max_rows)
    headers = list(raw.columns)
    where = _locate(file, headers, CSV_FIELDS)
    if "basis" not in where:
        raise PublishedFileRejected(file, "layout", "missing column Basis")
    rows = []
    for i, cells in enumerate(raw.itertuples(index=False, name=None), start=2):
        rec = _normalise(file, i, list(cells), where, None, headers)
        if rec is not None:
            rows.append(rec)
    return pd.DataFrame(rows, columns=COLUMNS)


def _find_header(rows: list[tuple]) -> int | None:
    for i, r in enumerate(rows[:30]):
        keys = {header_key(c) for c in r}
        if "standard" in keys and keys & set(XLSX_FIELDS["org_code"]):
            return i
    return None


def read_cwt_crs_xlsx(path: Path) -> pd.DataFrame:
    """Every sheet of a "CWT-CRS Data Extract" workbook that has the extract's header."""
    from openpyxl import load_workbook

    file = path.name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one user error
        raise PublishedFileRejected(file, "xlsx", f"not a readable .xlsx workbook: {exc}") from None
    frames = []
    try:
        for ws in wb.worksheets:
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            h = _find_header(rows)
            if h is None:
                continue
            headers = ["" if c is None else str(c) for c in rows[h]]
            where = _locate(file, headers, XLSX_FIELDS)
            titles = " ".join(str(c) for r in rows[:h] for c in r if c is not None)
            sheet_basis = vocab.basis(titles) or vocab.basis(ws.title) or vocab.basis(path.stem)
            out = []
            for i in range(h + 1, len(rows)):
                rec = _normalise(file, i + 1, list(rows[i]), where, sheet_basis, headers)
                if rec is not None:
                    out.append(rec)
            frames.append(pd.DataFrame(out, columns=COLUMNS))
    finally:
        wb.close()
    if not frames:
        raise PublishedFileRejected(
            file, "layout", "no sheet has the CWT-CRS header (PERIOD, STANDARD, ORG CODE, ...)"
            " nor is it the national time series (sheet 'Monthly Performance')"
        )
    return pd.concat(frames, ignore_index=True)


TIME_SERIES_SHEET = "Monthly Performance"
#: Words of a time-series block title -> our standard code. The titles are NHS England's
#: (CWT-CRS-National-Time-Series-Oct-2009-Oct-2023-with-Revisions.xlsx, row 2): "Four Week
#: (28-days) Wait ...", "One Month (31-days) Wait ...", "Two Month (62-days) Wait ...".
TIME_SERIES_STANDARDS = (("28 DAYS", "FDS"), ("31 DAYS", "31_DAY"), ("62 DAYS", "62_DAY"))


def _series_standard(title: str) -> str | None:
    key = vocab._key(title)
    return next((code for words, code in TIME_SERIES_STANDARDS if words in key), None)


def read_national_time_series(path: Path, wb) -> pd.DataFrame | None:
    """The national time series' monthly blocks as England rows, or None if not one."""
    file = path.name
    if TIME_SERIES_SHEET not in wb.sheetnames:
        return None
    rows = [tuple(r) for r in wb[TIME_SERIES_SHEET].iter_rows(values_only=True)]
    h = next((i for i, r in enumerate(rows[:10])
              if sum(header_key(c) == "monthly" for c in r) >= 1), None)
    if h is None:
        return None
    header = [header_key(c) for c in rows[h]]
    starts = [j for j, k in enumerate(header) if k == "monthly"]
    blocks = []
    for j in starts:
        title = next((str(rows[t][j2]) for t in range(h - 1, -1, -1)
                      for j2 in range(j, min(j + 5, len(rows[t])))
                      if j2 < len(rows[t]) and rows[t][j2] and _series_standard(str(rows[t][j2]))),
                     None)
        if title is None:
            raise PublishedFileRejected(file, "layout", "a time-series block has no title "
                                        "naming its standard (28, 31 or 62 days)",
                                        row=h + 1, column=TIME_SERIES_SHEET)
        names = header[j:j + 5]
        if names[1:4] != ["total", "within_standard", "outside_standard"]:
            raise PublishedFileRejected(file, "layout", "a time-series block must be Monthly, "
                                        "Total, Within Standard, Outside Standard",
                                        row=h + 1, column=TIME_SERIES_SHEET, value=names)
        blocks.append((j, _series_standard(title), " ".join(title.split())))
    out = []
    for i in range(h + 1, len(rows)):
        r = rows[i]
        for j, code, title in blocks:
            if j >= len(r) or r[j] in (None, ""):
                continue
            month = vocab.period(r[j])
            if month is None:
                raise PublishedFileRejected(file, "period", "a month must be a date",
                                            row=i + 1, column="Monthly", value=r[j])
            counts = {f: parse_count(file, i + 1, name, r[j + k] if j + k < len(r) else None)
                      for f, k, name in (("total", 1, "Total"), ("within", 2, "Within Standard"),
                                         ("breaches", 3, "Outside Standard"))}
            if all(v is None for v in counts.values()):
                continue  # the series had not started: not a published cell
            out.append({
                "period": month, "basis": "Provider", "org_code": vocab.ENGLAND,
                "org_name": "England", "parent_org": None, "standard": code,
                "standard_published": title, "cancer_type": vocab.ALL,
                "route_or_stage": vocab.ALL, "modality": vocab.ALL, **counts,
                "is_subtotal": True, "source_row": i + 1,
            })
    return pd.DataFrame(out, columns=COLUMNS)


def _time_series_or_none(path: Path) -> pd.DataFrame | None:
    """The national time series if ``path`` is one (it has no extract header), else None."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one user error
        raise PublishedFileRejected(path.name, "xlsx",
                                    f"not a readable .xlsx workbook: {exc}") from None
    try:
        return read_national_time_series(path, wb)
    finally:
        wb.close()


def read_published(path: str | Path) -> tuple[str, pd.DataFrame]:
    """(layout, rows) for a published file, chosen by its extension."""
    path = Path(path)
    if not path.is_file():
        raise PublishedFileRejected(str(path), "file", "no such file")
    suffix = path.suffix.lower()
    table_bounds.check_size(path, PUBLISHED_LIMITS)
    if suffix == ".csv":
        return "monthly_combined_csv", read_monthly_combined_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        table_bounds.check_workbook(path, PUBLISHED_LIMITS)
        series = _time_series_or_none(path)
        if series is not None:
            return "national_time_series_xlsx", series
        return "cwt_crs_xlsx", read_cwt_crs_xlsx(path)
    raise PublishedFileRejected(path.name, "file", "expected a .csv or .xlsx file")
