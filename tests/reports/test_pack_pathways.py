"""Every figure of a provider pack rebuilt from its companion download (issue 13, item 3).

For each figure reference the pack prints, the downloaded rows' shares (included rows;
``within`` rows for the numerator) sum to the figure in the pack, to the half-patient. The
store gains inter-provider transfers first: pathways the other trust submitted and the pack's
trust treated, so part of the pack's 62-day figures are rows it did not send.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from cancer_alliance import metrics
from cancer_alliance.auth.model import Actor
from cancer_alliance.cli import app
from cancer_alliance.reports import figure_rows, packs
from cancer_alliance.store import connect

PERIOD = "2024-04"


def _transfers(con, to: str, frm: str) -> int:
    """Copy some of ``frm``'s treated 62-day pathways as transfers treated at ``to``
    (first seen at ``frm``): the 62-day figure then splits each between the two."""
    cols = [r[0] for r in con.execute("DESCRIBE pathways").fetchall()]
    sel = ", ".join(
        "'" + to + "'" if c == "first_treatment_provider_code"
        else "pathway_id || '-IPT'" if c == "pathway_id"
        else "first_seen_date + INTERVAL 10 DAY" if c == "transfer_received_date"
        else "'" + frm + "'" if c == "transfer_from_provider_code"
        else c for c in cols)
    where = (f"provider_code = '{frm}' AND first_treatment_date IS NOT NULL AND "
             f"first_seen_provider_code = '{frm}' AND referral_route = 'USC' AND "
             f"first_treatment_date BETWEEN DATE '2024-02-01' AND DATE '2024-04-30'")
    n = con.execute(f"SELECT count(*) FROM pathways WHERE {where}").fetchone()[0]
    con.execute(f"INSERT INTO pathways SELECT {sel} FROM pathways WHERE {where} LIMIT 40")
    return min(n, 40)


@pytest.fixture(scope="module")
def site(ops_store_path, tmp_path_factory):
    db = tmp_path_factory.mktemp("pack-pathways") / "a.duckdb"
    shutil.copy(ops_store_path, db)
    con = connect(db)
    me, other = [r[0] for r in con.execute(
        "SELECT DISTINCT provider_code FROM pathways ORDER BY 1").fetchall()][:2]
    assert _transfers(con, me, other) > 0
    metrics.refresh(con)
    yield db, con, me, other
    con.close()


def _sums(rows, figure: str) -> tuple[float, float]:
    mine = [r for r in rows if r["figure_id"] == figure and r["included"] in ("True", "true")]
    return (sum(float(r["share"]) for r in mine),
            sum(float(r["share"]) for r in mine if r["outcome"] == "within"))


def _printed_figures(pack: dict) -> list[tuple[str, float, float]]:
    """(reference, total, within) of every counted figure, read from the pack's own
    sections (not through ``figure_rows``)."""
    out = []
    for sec in pack["standards"]:
        if "performance" in sec:
            out.append((sec["figure"], sec["total"], sec["within"]))
        for p in sec.get("series", []):
            out.append((p["figure"], p["total"], p["within"]))
    for h in pack["hotspots"].get("items", []):
        out.append((h["figure"], h["total"], h["within"]))
    for g in pack["equity"]["gaps"]:
        for r in g["rows"]:
            out.append((r["figure"], r["denominator"], r["proportion"] * r["denominator"] / 100))
    return out


def test_every_pack_figure_sums_from_its_rows_for_each_reader_allowed_them(site):
    _, con, me, other = site
    pack = packs.provider_pack(con, me, PERIOD)
    printed = _printed_figures(pack)
    kinds = {ref.split("/")[2].split("=")[0] if ref.count("/") == 2 else "month"
             for ref, _, _ in printed}
    assert kinds == {"month", "tumour_group", "imd_quintile", "ethnic_group"}, kinds
    for actor in (None, Actor("an", "analyst", user_id=1), Actor("pr", "provider", me, 2)):
        rows = list(csv.DictReader(io.StringIO(figure_rows.to_csv(
            figure_rows.pack_pathways(con, pack, actor)))))
        for ref, total, within in printed:
            got_total, got_within = _sums(rows, ref)
            assert abs(got_total - total) <= 0.5 and abs(got_within - within) <= 0.5, (
                actor, ref, (got_total, got_within), (total, within))
            assert got_total == pytest.approx(total) and got_within == pytest.approx(within)
        assert {r["accountable_provider_code"] for r in rows} == {me}
        sent = [r for r in rows if r["provider_code"] == other]
        assert sent, "the transfers the other trust submitted are in the pack's rows"
        assert {float(r["share"]) for r in sent} <= {0.5, 1.0}
        hidden = {r["pathway_id"] for r in sent}
        assert hidden == ({""} if actor is not None and actor.role == "provider"
                          else hidden - {""}), "another trust's pathway id: provider hides it"
    # a half-patient figure exists, and is rebuilt exactly
    assert any(t % 1 == 0.5 for _, t, _ in printed)


def test_protected_and_board_packs_have_no_rows(site):
    _, con, me, _ = site
    with pytest.raises(ValueError):
        figure_rows.pack_pathways(con, packs.provider_pack(con, me, PERIOD, protect=True),
                                  None)
    with pytest.raises(ValueError):
        figure_rows.pack_pathways(con, packs.board_pack(con, PERIOD), None)


def test_cli_writes_the_pack_and_its_rows_and_audits_them(site, tmp_path):
    db, con, me, _ = site
    con.execute("CHECKPOINT")
    copy = tmp_path / "cli.duckdb"
    shutil.copy(db, copy)
    out, rows_file = tmp_path / "pack.html", tmp_path / "rows.csv"
    r = CliRunner().invoke(app, ["report", "provider", me, "--period", PERIOD, "--out",
                                 str(out), "--pathways-out", str(rows_file), "--db",
                                 str(copy)])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout.splitlines()[-1])
    html = out.read_text()
    rows = list(csv.DictReader(io.StringIO(rows_file.read_text())))
    assert summary["pathway_rows"] == len(rows) and summary["figures"] > 10
    assert "--pathways-out FILE" in html  # the archived pack says where its rows come from
    for ref in {r["figure_id"] for r in rows}:  # every block names a reference the pack prints
        month_of_chart = ref.count("/") == 1
        assert f"<code>{ref}</code>" in html or month_of_chart, ref
    c2 = connect(copy)
    try:
        (n,) = c2.execute("SELECT count(*) FROM audit_log WHERE action = 'view_patient' "
                          "AND resource = 'pack-pathways'").fetchone()
    finally:
        c2.close()
    assert n == 1
