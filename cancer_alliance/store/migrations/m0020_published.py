"""Published data: NHS England's monthly Cancer Waiting Times extracts, normalised.

One row per published cell (period x basis x organisation x standard x cancer type x
route-or-stage x modality), whichever layout it came from (Monthly Combined CSV or the
older "CWT-CRS Data Extract" XLSX). Blank numbers stay NULL: NHS England leaves a cell
blank when it does not publish it, which is not the same as zero. Subtotal rows ("ALL
CANCERS", "ALL ROUTES", "ALL STAGES", "ALL MODALITIES", the England "Total") are kept,
flagged by ``is_subtotal`` so that sums over detail rows never count them twice.
"""

VERSION = 20
DESCRIPTION = "published CWT extracts (published_cwt, published_files)"

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS published_files (
        source_file VARCHAR PRIMARY KEY,    -- file name as loaded; reloading replaces its rows
        layout VARCHAR NOT NULL,            -- monthly_combined_csv | cwt_crs_xlsx
        sha256 VARCHAR NOT NULL,
        rows_loaded BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""",
    """CREATE TABLE IF NOT EXISTS published_cwt (
        period VARCHAR NOT NULL,            -- YYYY-MM
        basis VARCHAR NOT NULL,             -- Provider | Commissioner
        org_code VARCHAR NOT NULL,          -- ODS code; ENGLAND for the national total
        org_name VARCHAR,
        parent_org VARCHAR,
        standard VARCHAR NOT NULL,          -- our standard codes: FDS, 31_DAY, 62_DAY, 2WW_USC ...
        standard_published VARCHAR NOT NULL,  -- the words the file used
        cancer_type VARCHAR NOT NULL,       -- as published; ALL for ALL CANCERS
        route_or_stage VARCHAR NOT NULL,    -- USC BS SCREEN UPGRADE FIRST SUBSEQUENT ALL
        modality VARCHAR NOT NULL,          -- as published, upper case; ALL for the subtotal
        total DOUBLE,                       -- NULL = not published
        within DOUBLE,
        breaches DOUBLE,
        is_subtotal BOOLEAN NOT NULL,
        source_file VARCHAR NOT NULL,
        source_row BIGINT NOT NULL          -- spreadsheet row: header is row 1
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)
