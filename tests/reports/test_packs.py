"""Provider and board packs: the right figures for the right provider, and no patient data."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest

from cancer_alliance import metrics, reports
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.reports import archive, packs, render
from cancer_alliance.reports.sections import month_end

PERIOD = "2024-06"


@pytest.fixture(scope="module")
def built(ops_store_path, tmp_path_factory):
    """One connection and one provider pack for the read-only tests of this module."""
    import shutil

    from cancer_alliance.store import connect

    db = tmp_path_factory.mktemp("packs") / "packs.duckdb"
    shutil.copy(ops_store_path, db)
    con = connect(db)
    me = _providers(con)[0]
    yield con, me, packs.provider_pack(con, me, PERIOD)
    con.close()


def _providers(con):
    return [r[0] for r in con.execute(
        "SELECT DISTINCT provider_code FROM pathways ORDER BY 1").fetchall()]


def test_provider_pack_figures_are_that_providers_metrics(built):
    ops_con, me, pack = built
    other = [p for p in _providers(ops_con) if p != me][0]
    assert pack["provider_code"] == me
    for sec in pack["standards"]:
        if "performance" not in sec:
            continue
        want = metrics.compute_metrics(ops_con, sec["code"], by=("provider_code", "month"),
                                       period=sec["latest_period"])
        mine = want[want["provider_code"] == me].iloc[0]
        theirs = want[want["provider_code"] == other]
        assert sec["total"] == pytest.approx(float(mine["total"]))
        assert sec["performance"] == pytest.approx(float(mine["performance"]))
        if len(theirs) and float(theirs.iloc[0]["total"]) != float(mine["total"]):
            assert sec["total"] != pytest.approx(float(theirs.iloc[0]["total"]))
    ptl = metrics.ptl(ops_con, month_end(PERIOD))
    assert pack["backlog"]["open"] == int((ptl["provider_code"] == me).sum())
    assert pack["backlog"]["backlog_62"] == int(
        ptl[(ptl["provider_code"] == me)]["in_62_day_backlog"].astype(bool).sum())
    assert all(a["provider_code"] == me for a in pack["actions"]["items"])
    assert pack["actions"]["items"], "the demo gives every provider open actions"


def test_provider_pack_html_has_no_patient_data_and_no_other_provider(built):
    ops_con, me, pack = built
    other = [p for p in _providers(ops_con) if p != me][0]
    text = render.render_html(pack)
    tokens = set(re.findall(r"[A-Za-z0-9]+", text))
    ids = {r[0] for r in ops_con.execute("SELECT pathway_id FROM pathways").fetchall()}
    nhs = {r[0] for r in ops_con.execute("SELECT nhs_number FROM pathways").fetchall()}
    assert ids and nhs
    assert not tokens & ids, "a pathway id is in the pack"
    assert not tokens & nhs, "an NHS number is in the pack"
    assert other not in tokens  # not named anywhere, not even on the funnel
    assert packs.provider_name(ops_con, me) in text
    perf = next(s for s in pack["standards"] if "performance" in s)
    assert f"{perf['performance']:.1f}%" in text


def test_archive_keeps_exact_bytes(ops_con):
    me = _providers(ops_con)[0]
    content, meta = reports.generate_provider_pack(ops_con, me, PERIOD, fmt="html",
                                                   generated_by="ann")
    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    got = archive.fetch(ops_con, meta["report_id"])
    assert got["content"] == content and got["provider_code"] == me
    assert got["generated_by"] == "ann"
    assert [r["report_id"] for r in archive.listing(ops_con, me)][0] == meta["report_id"]


def test_board_pack_counts_are_protected(built):
    ops_con = built[0]
    pack = packs.board_pack(ops_con, PERIOD)
    for block in pack["by_provider"]:
        for r in block["rows"]:
            for k in ("total", "within"):
                v = r[k]
                assert v is None or float(v) == 0 or float(v) % 5 == 0, (block["code"], r)


def test_bad_period_and_unknown_provider(built):
    ops_con = built[0]
    with pytest.raises(UsageError, match="YYYY-MM"):
        packs.provider_pack(ops_con, "RA1", "2024-13")
    with pytest.raises(NotFound, match="ZZZ"):
        packs.provider_pack(ops_con, "ZZZ", PERIOD)


def test_pdf_pack_renders_pages(built, tmp_path):
    ops_con, me, pack = built
    pdf = render.render_pdf(render.render_html(pack))
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    assert pdf[:5] == b"%PDF-"
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page")],
                   check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) >= 2 and all(p.stat().st_size > 1000 for p in pngs)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert packs.provider_name(ops_con, me) in " ".join(text.split())
    perf = next(s for s in pack["standards"] if "performance" in s)
    assert f"{perf['performance']:.1f}%" in text
    assert "Backlog and long waits" in text
