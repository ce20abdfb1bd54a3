"""Core schema: the dataset tables, submissions, rejections and reference data."""

from cancer_alliance.store.schema import dataset_ddl

VERSION = 1
DESCRIPTION = "dataset tables, submissions, rejections, reference data"

STATEMENTS = [
    """CREATE SEQUENCE IF NOT EXISTS submission_id_seq START 1""",
    """CREATE TABLE IF NOT EXISTS submissions (
        submission_id BIGINT PRIMARY KEY,
        provider_code VARCHAR NOT NULL,
        period VARCHAR NOT NULL,            -- YYYY-MM
        submitted_by VARCHAR NOT NULL,
        submitted_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,            -- loaded | rejected
        message VARCHAR,                    -- why a whole submission was rejected
        dataset_version INTEGER NOT NULL,
        rows_read BIGINT NOT NULL,
        accepted BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        archive_path VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS submission_files (
        submission_id BIGINT NOT NULL,
        file_name VARCHAR NOT NULL,
        table_name VARCHAR,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        rows_read BIGINT,
        accepted BIGINT,
        rejected BIGINT
    )""",
    """CREATE TABLE IF NOT EXISTS rejections (
        submission_id BIGINT NOT NULL,
        file VARCHAR NOT NULL,
        "row" BIGINT NOT NULL,              -- spreadsheet row: header is row 1, first data row 2
        "column" VARCHAR,
        value VARCHAR,
        rule VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        raw_row JSON                        -- the whole row as read, so nothing is lost
    )""",
    """CREATE TABLE IF NOT EXISTS alliances (
        alliance_code VARCHAR PRIMARY KEY,
        alliance_name VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS organisations (
        org_code VARCHAR PRIMARY KEY,
        org_name VARCHAR NOT NULL,
        org_type VARCHAR NOT NULL,          -- PROVIDER | COMMISSIONER | ICB | GP_PRACTICE | ...
        alliance_code VARCHAR,
        parent_code VARCHAR,
        region VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS cancer_types (
        code VARCHAR PRIMARY KEY,
        label VARCHAR NOT NULL,
        rare BOOLEAN NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS tumour_groups (
        tumour_group VARCHAR PRIMARY KEY,
        label VARCHAR NOT NULL,
        rare_less_common BOOLEAN NOT NULL,
        stageable BOOLEAN NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS icd10_tumour_groups (
        icd10_prefix VARCHAR PRIMARY KEY,  -- longest matching prefix wins
        tumour_group VARCHAR NOT NULL,
        description VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS lsoa_imd (
        lsoa_code VARCHAR PRIMARY KEY,
        imd_decile INTEGER NOT NULL,
        imd_quintile INTEGER NOT NULL      -- 1 = most deprived
    )""",
    """CREATE TABLE IF NOT EXISTS populations (
        area_code VARCHAR NOT NULL,
        area_type VARCHAR NOT NULL,         -- COMMISSIONER | ALLIANCE | LSOA ...
        year INTEGER NOT NULL,
        sex VARCHAR NOT NULL,
        age_band VARCHAR NOT NULL,
        population BIGINT NOT NULL
    )""",
]


def apply(con) -> None:
    for sql in dataset_ddl() + STATEMENTS:
        con.execute(sql)
