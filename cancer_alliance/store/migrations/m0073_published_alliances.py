"""Which Cancer Alliance each commissioner (sub-ICB location) belongs to.

NHS England's published Cancer Waiting Times extracts carry provider and commissioner
(sub-ICB location) codes but no Cancer Alliance, so comparing the alliance with the others
needs a lookup: the ONS Open Geography Portal's "Sub ICB Location to ... Cancer Alliance"
lookup, loaded with ``published alliances --load FILE`` (``published/alliances.py``). One row
per sub-ICB location; loading a file replaces the whole table.
"""

VERSION = 73
DESCRIPTION = "published alliances: sub-ICB location to Cancer Alliance lookup"


def apply(con) -> None:
    con.execute("""CREATE TABLE IF NOT EXISTS published_alliance_lookup (
        sub_icb_code VARCHAR PRIMARY KEY,  -- the ODS code (SICBLyyCDH), as the extracts publish it
        sub_icb_gss VARCHAR,               -- the ONS (GSS) code, SICBLyyCD (E38...)
        sub_icb_name VARCHAR,
        alliance_code VARCHAR NOT NULL,    -- CALyyCD (E56...)
        alliance_name VARCHAR,
        source_file VARCHAR NOT NULL,
        loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""")
