"""Report archive: the exact bytes of every provider and board pack generated.

The board can then see what each provider was shown, byte for byte, with its SHA-256.
"""

VERSION = 41
DESCRIPTION = "report archive (provider and board packs)"

STATEMENTS = [
    "CREATE SEQUENCE IF NOT EXISTS report_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS report_archive (
        report_id BIGINT PRIMARY KEY DEFAULT nextval('report_id_seq'),
        kind VARCHAR NOT NULL,             -- PROVIDER | BOARD
        provider_code VARCHAR,             -- for PROVIDER packs
        period VARCHAR NOT NULL,           -- YYYY-MM
        format VARCHAR NOT NULL,           -- pdf | html
        sha256 VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        content BLOB NOT NULL,
        generated_by VARCHAR,
        generated_at TIMESTAMP DEFAULT current_timestamp
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)
