"""The alliance's peer set: published organisations to compare its figures with.

Issue 16 (England and peer comparators): beside every local figure the dashboard shows
England and a configurable set of peers (other providers or commissioners in NHS England's
published data), pooled. The set is chosen with ``published peers --set CODES`` (or
``--clear``); one row per organisation, with the basis its published figures are on.
"""

VERSION = 25
DESCRIPTION = "published peers: the organisations the alliance compares itself with"


def apply(con) -> None:
    con.execute("""CREATE TABLE IF NOT EXISTS published_peers (
        org_code VARCHAR PRIMARY KEY,      -- an ODS code as published (upper case)
        basis VARCHAR NOT NULL,            -- Provider | Commissioner
        set_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""")
