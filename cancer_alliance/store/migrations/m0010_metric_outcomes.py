"""Metrics: the materialised per-pathway outcomes and what they were computed from.

``metric_outcomes`` holds one row per pathway (or treatment), standard and accountable
provider, as ``cancer_alliance.metrics.compile`` defines them, so pages aggregate stored rows
instead of recomputing every standard. ``metric_refresh_state`` records, per submitting
provider, the newest submission its rows reflect; ``metric_refresh_meta`` the engine version
and reference-data fingerprint they were computed with. Together they say whether the
table is fresh.
"""

VERSION = 10
DESCRIPTION = "metrics: materialised outcomes and refresh state"

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS metric_outcomes (
        standard VARCHAR NOT NULL,
        provider_code VARCHAR NOT NULL,      -- submitting provider (the pathway's key)
        pathway_id VARCHAR NOT NULL,
        treatment_number INTEGER NOT NULL,   -- 1 = first treatment (or no treatment)
        included BOOLEAN NOT NULL,
        exclusion_reason VARCHAR,
        era VARCHAR NOT NULL,                -- pre_2023 | from_2023
        clock_start DATE,
        clock_stop DATE,
        adjustment_days INTEGER,
        days INTEGER,
        limit_days INTEGER,
        outcome VARCHAR,                     -- within | breach | NULL when excluded
        reporting_period VARCHAR NOT NULL,   -- YYYY-MM of the clock stop
        accountable_provider_code VARCHAR,
        share DOUBLE NOT NULL,               -- 1.0 or 0.5
        allocation_rule VARCHAR,
        commissioner_code VARCHAR,
        tumour_group VARCHAR,
        rare_less_common BOOLEAN,
        suspected_cancer_type VARCHAR,
        referral_route VARCHAR,
        modality VARCHAR,
        age_band VARCHAR,
        sex VARCHAR,
        ethnic_group VARCHAR,
        imd_quintile INTEGER,
        alliance_code VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS metric_refresh_state (
        provider_code VARCHAR PRIMARY KEY,
        submission_id BIGINT NOT NULL,       -- newest submission reflected
        refreshed_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS metric_refresh_meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)
