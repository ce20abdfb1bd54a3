"""Provider and board packs: HTML and PDF, archived byte for byte.

Public API::

    reports.generate_provider_pack(con, provider_code, period, fmt="pdf", generated_by="cli")
    reports.generate_board_pack(con, period, fmt="pdf", generated_by="cli")
        -> (bytes, {"report_id", "sha256", "size"})
    reports.packs.provider_pack(con, code, period) / board_pack(con, period) -> dict of figures
    reports.archive.listing(con, provider_code=None), archive.fetch(con, report_id)
"""

from __future__ import annotations

from cancer_alliance.errors import UsageError
from cancer_alliance.reports import archive, packs, render

FORMATS = ("pdf", "html")


def _output(con, pack: dict, fmt: str, generated_by: str | None) -> tuple[bytes, dict]:
    if fmt not in FORMATS:
        raise UsageError(f"format '{fmt}' is not pdf or html")
    html = render.render_html(pack)
    content = render.render_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    meta = archive.store(con, pack["kind"], pack["period"], fmt, content,
                         pack.get("provider_code"), generated_by)
    return content, meta


def generate_provider_pack(con, provider_code: str, period: str, fmt: str = "pdf",
                           generated_by: str | None = "cli") -> tuple[bytes, dict]:
    """Build, render and archive one provider's pack."""
    return _output(con, packs.provider_pack(con, provider_code, period), fmt, generated_by)


def generate_board_pack(con, period: str, fmt: str = "pdf",
                        generated_by: str | None = "cli") -> tuple[bytes, dict]:
    """Build, render and archive the alliance-wide board pack."""
    return _output(con, packs.board_pack(con, period), fmt, generated_by)


__all__ = ["archive", "generate_board_pack", "generate_provider_pack", "packs", "render"]
