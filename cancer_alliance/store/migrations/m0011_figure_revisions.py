"""Revisions of final figures: a resubmission after a month was final, old and new value.

When a provider resubmits a month after it became final (by rule or by an analyst's
``finalise``), the new rows are kept, and every figure of a final month that they change
is written here (standard, accountable provider, month: old and new counts, which
submission, who, when), so a published figure never changes silently.
"""

VERSION = 11
DESCRIPTION = "metrics: revisions of final months' figures"

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS figure_revisions (
        standard VARCHAR NOT NULL,
        provider_code VARCHAR NOT NULL,      -- the accountable provider
        period VARCHAR NOT NULL,             -- YYYY-MM, a final month
        old_total DOUBLE NOT NULL,
        old_within DOUBLE NOT NULL,
        new_total DOUBLE NOT NULL,
        new_within DOUBLE NOT NULL,
        submission_id BIGINT NOT NULL,       -- the resubmission that changed it
        submitted_by VARCHAR,
        submitted_at TIMESTAMP,
        recorded_at TIMESTAMP NOT NULL
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)
