"""Provider and board packs: HTML and PDF, archived byte for byte.

Public API::

    reports.generate_provider_pack(con, provider_code, period, fmt="pdf", generated_by="cli")
    reports.generate_board_pack(con, period, fmt="pdf", generated_by="cli")
        -> (bytes, {"report_id", "sha256", "size"})
    reports.packs.provider_pack(con, code, period) / board_pack(con, period) -> dict of figures
    reports.archive.listing(con, provider_code=None), archive.fetch(con, report_id)
    reports.generate_cycle(con, period, out_dir) -> every provider's pack and the board pack
    reports.is_pack_month(period) -> whether the month is in the bi-monthly cycle
    reports.figure_rows.pack_pathways(con, pack, actor) -> the pathways behind every figure
"""

from __future__ import annotations

from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError
from cancer_alliance.reports import archive, figure_rows, packs, render

FORMATS = ("pdf", "html")


def output_pack(con, pack: dict, fmt: str, generated_by: str | None) -> tuple[bytes, dict]:
    """Render a built pack (``packs.provider_pack`` / ``board_pack``) and archive it."""
    if fmt not in FORMATS:
        raise UsageError(f"format '{fmt}' is not pdf or html")
    html = render.render_html(pack)
    content = render.render_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    meta = archive.store(con, pack["kind"], pack["period"], fmt, content,
                         pack.get("provider_code"), generated_by,
                         (pack.get("edition") or {}).get("edition"))
    return content, meta


def generate_provider_pack(con, provider_code: str, period: str, fmt: str = "pdf",
                           generated_by: str | None = "cli") -> tuple[bytes, dict]:
    """Build, render and archive one provider's pack."""
    return output_pack(con, packs.provider_pack(con, provider_code, period), fmt, generated_by)


def generate_board_pack(con, period: str, fmt: str = "pdf",
                        generated_by: str | None = "cli") -> tuple[bytes, dict]:
    """Build, render and archive the alliance-wide board pack."""
    return output_pack(con, packs.board_pack(con, period), fmt, generated_by)


PACK_EVERY_MONTHS = 2
FIRST_PACK_MONTH = 4  # April, the start of the NHS financial year


def is_pack_month(period: str, first_month: int = FIRST_PACK_MONTH,
                  every: int = PACK_EVERY_MONTHS) -> bool:
    """Whether ``period`` is in the bi-monthly cycle (April, June, ... February by default)."""
    m = periods.parse_month(period)[1]
    return (m - first_month) % every == 0


def generate_cycle(con, period: str, out_dir, fmt: str = "pdf",
                   generated_by: str | None = "cli") -> list[dict]:
    """Every provider's pack and the board pack for ``period``, archived and written to
    ``out_dir`` (one file each); the scheduled bi-monthly run, also usable on demand."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for p in packs.providers(con):
        content, meta = generate_provider_pack(con, p["code"], period, fmt, generated_by)
        path = out / f"provider-{p['code']}-{period}.{fmt}"
        path.write_bytes(content)
        made.append({"kind": "PROVIDER", "provider_code": p["code"], "out": str(path), **meta})
    content, meta = generate_board_pack(con, period, fmt, generated_by)
    path = out / f"board-{period}.{fmt}"
    path.write_bytes(content)
    made.append({"kind": "BOARD", "provider_code": None, "out": str(path), **meta})
    return made


__all__ = ["archive", "figure_rows", "generate_board_pack", "generate_cycle",
           "generate_provider_pack", "is_pack_month", "output_pack", "packs", "render"]
