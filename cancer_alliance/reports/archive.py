"""The pack archive: the exact bytes of every pack, with SHA-256, so nothing is re-made later.

When a board asks what a provider was shown in May, the answer is the archived file itself,
not a regeneration from data that may since have been resubmitted.
"""

from __future__ import annotations

import hashlib

from cancer_alliance.errors import NotFound
from cancer_alliance.operations.db import rows


def store(con, kind: str, period: str, fmt: str, content: bytes,
          provider_code: str | None = None, generated_by: str | None = None,
          edition: str | None = None) -> dict:
    """Archive a pack's bytes with the edition of the figures it used (``final`` or
    ``provisional``, see :func:`cancer_alliance.reports.sections.edition_section`)."""
    sha = hashlib.sha256(content).hexdigest()
    rid = con.execute("SELECT nextval('report_id_seq')").fetchone()[0]
    con.execute(
        "INSERT INTO report_archive (report_id, kind, provider_code, period, format, sha256,"
        " size, content, generated_by, edition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rid, kind, provider_code, period, fmt, sha, len(content), content, generated_by,
         edition],
    )
    return {"report_id": int(rid), "sha256": sha, "size": len(content)}


def listing(con, provider_code: str | None = None) -> list[dict]:
    where, params = "", []
    if provider_code:
        where, params = " WHERE provider_code = ?", [provider_code]
    return rows(con, "SELECT report_id, kind, provider_code, period, format, sha256, size,"
                     " generated_by, generated_at, edition FROM report_archive" + where +
                " ORDER BY generated_at DESC, report_id DESC", params)


def fetch(con, report_id: int) -> dict:
    got = rows(con, "SELECT * FROM report_archive WHERE report_id = ?", [report_id])
    if not got:
        raise NotFound(f"report {report_id} is not in the archive")
    r = got[0]
    r["content"] = bytes(r["content"])
    return r
