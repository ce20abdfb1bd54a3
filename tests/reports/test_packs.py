"""Provider and board packs: the right figures for the right provider, and no patient data."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pandas as pd
import pytest

from cancer_alliance import metrics, reports
from cancer_alliance.dataset.periods import month_end
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.reports import archive, packs, render

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


def test_packs_record_the_edition_they_used(built):
    ops_con, me, pack = built
    from cancer_alliance.calendar import read_calendar
    from cancer_alliance.reports.sections import edition_section

    # the store holds January to April 2024: a June pack says it has no June figures
    assert pack["edition"]["edition"] is None
    assert "No provider has submitted 2024-06" in render.render_html(pack)
    month = read_calendar(ops_con).month("2024-04")
    april = edition_section(ops_con, "2024-04")
    assert (april["edition"], april["complete"]) == (month.edition, month.complete)
    assert april["note"].startswith(f"Figures for 2024-04 are {month.edition}")
    content, meta = reports.generate_provider_pack(ops_con, me, "2024-04", fmt="html",
                                                   generated_by="tester")
    assert f"Figures for 2024-04 are {month.edition}" in content.decode()
    row = next(r for r in archive.listing(ops_con, me) if r["report_id"] == meta["report_id"])
    assert row["edition"] == month.edition


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


def test_board_pack_backlog_is_protected_and_consistent(built):
    """Board packs: band and tumour-group counts of the backlog, and its headline, are
    rounded to 5 or suppressed (1-7), so the table and the headline agree."""
    ops_con = built[0]
    raw = packs.s.backlog_section(ops_con, PERIOD, None)
    prot = packs.board_pack(ops_con, PERIOD)["backlog"]
    assert prot["protected"] and not raw["protected"]
    for table in ("bands", "backlog_by_tumour_group"):
        assert set(prot[table]) == set(raw[table])
        for k, v in prot[table].items():
            n = raw[table][k]
            if 1 <= n <= 7:
                assert v is None, (table, k, n)
            else:
                assert v == 5 * round(n / 5), (table, k, n, v)
    for k in ("open", "backlog_62", "over_104"):
        n = raw[k]
        assert prot[k] == (None if 1 <= n <= 7 else 5 * round(n / 5))


def test_backlog_by_tumour_group_counts_undiagnosed_pathways(built):
    """Most of the backlog has no tumour group yet: those pathways are counted as "Not yet
    known", not dropped; the eight largest groups are listed, counted from the PTL."""
    ops_con, me, pack = built
    ptl = metrics.ptl(ops_con, month_end(PERIOD))
    backlog = ptl[(ptl["provider_code"] == me) & ptl["in_62_day_backlog"].astype(bool)]
    groups = backlog["tumour_group"].astype(object).where(backlog["tumour_group"].notna(),
                                                          "Not yet known")
    counts = groups.value_counts()
    assert counts.get("Not yet known", 0) > 0, "the demo has undiagnosed pathways in backlog"
    listed = pack["backlog"]["backlog_by_tumour_group"]
    assert len(listed) == min(8, len(counts))
    assert all(listed[g] == counts[g] for g in listed)
    assert sorted(listed.values(), reverse=True) == sorted(counts.values, reverse=True)[:8]
    if len(counts) <= 8:
        assert sum(listed.values()) == pack["backlog"]["backlog_62"]


def test_spc_charts_draw_the_trajectory_where_one_is_set(built):
    """Plan against actual on every chart of the measure: the pack's SPC chart of a
    standard with a trajectory has a Plan series; one without a trajectory has none."""
    ops_con, me, pack = built
    from cancer_alliance.operations import trajectories

    planned = set(r[0] for r in ops_con.execute(
        "SELECT DISTINCT measure_code FROM trajectories WHERE org_code = ?", [me]).fetchall())
    seen = set()
    for sec in pack["standards"]:
        if "chart_svg" not in sec:
            continue
        has = 'data-series="Plan"' in sec["chart_svg"]
        want = sec["code"] in planned and bool(
            set(trajectories.get_planned(ops_con, me, sec["code"])) & set(
                _chart_months(sec["chart_svg"])))
        assert has == want, sec["code"]
        seen.add(has)
    assert True in seen, "the demo sets 62-day and FDS trajectories for every provider"


def _chart_months(svg: str) -> list[str]:
    return re.findall(r"20\d\d-\d\d", svg)


def test_pack_trajectory_status_ignores_months_after_the_period(ops_con):
    """A pack for an earlier month shows the trajectory as it stood then."""
    from cancer_alliance.operations import actuals, trajectories

    me = _providers(ops_con)[0]
    act = actuals.monthly(ops_con, "FDS", me).dropna(subset=["value"])
    months = list(act["month"])
    assert len(months) >= 3
    cut = months[-2]
    trajectories.set_planned(ops_con, me, "FDS", {m: 99.0 for m in months}, "test")
    sec = packs.provider_pack(ops_con, me, cut)["trajectories"]
    item = next(i for i in sec["items"] if i["measure_code"] == "FDS")
    assert months[-1] not in item["months_off_plan"]
    upto_rows = act[act["month"] <= cut]
    assert item["months_off_plan"] == [m for m, v in zip(upto_rows["month"], upto_rows["value"],
                                                         strict=True) if v < 99.0]
    assert item["months_off_plan"], "the test needs some month below the plan of 99"
    want = trajectories.compare({m: 99.0 for m in months},
                                dict(zip(upto_rows["month"], upto_rows["value"], strict=True)),
                                measure_code="FDS")
    assert item["forecast_year_end"] == pytest.approx(want.forecast_year_end)
    assert item["status"] == want.status


def test_funnel_shows_this_provider_apart_and_others_unnamed(built):
    ops_con, me, _ = built
    latest = ops_con.execute("SELECT max(period) FROM submissions").fetchall()[0][0]
    sec = packs.s.standard_section(ops_con, "FDS", latest, me)
    assert "chart_svg" in sec["funnel"], sec["funnel"]
    svg = sec["funnel"]["chart_svg"]
    name = packs.org_names(ops_con).get(me)
    assert f'data-series="{name} ({me}) (this provider)"' in svg  # named, with its code
    assert 'data-series="Other providers"' in svg


DATA_MONTH = "2024-04"  # the latest month the seeded store has pathways for


def test_board_pack_shows_what_the_board_sees_on_the_web_and_in_the_api(built):
    """Issue 13, part 4: the same figure, role and month look the same on the web, in the
    PDF and in the API; the verdicts come from the true counts for every role."""
    from cancer_alliance.auth.model import Actor
    from cancer_alliance.web.views.overview import headline_rows
    from cancer_alliance.web.views.standards import breakdown_table

    ops_con = built[0]
    board, analyst = Actor("b", "board"), Actor("a", "analyst")
    pack = packs.board_pack(ops_con, DATA_MONTH)
    shown = 0
    for block in pack["by_provider"]:
        web = breakdown_table(ops_con, board, block["code"], "provider", DATA_MONTH)
        web_rows = {r["provider_code"]: r for r in web.to_dict("records")}
        assert set(web_rows) == {r["provider_code"] for r in block["rows"]}
        for r in block["rows"]:
            w = web_rows[r["provider_code"]]
            for col in ("total", "within", "performance"):
                assert _same(r[col], w[col]), (block["code"], col, r, w)
            shown += r["total"] is not None
    assert shown, "every provider's figures were hidden: nothing compared"
    heads = {h["code"]: h for h in headline_rows(ops_con, board)}
    truth = {h["code"]: h for h in headline_rows(ops_con, analyst)}
    for sec in pack["standards"]:
        h = heads[sec["code"]]
        if h["period"] != sec["latest_period"]:
            continue  # the web's latest month is later than the pack's
        assert _same(sec["performance"], h["performance"]) and _same(sec["total"], h["total"])
        assert sec["met"] == h["met"]
        if h["met"] is not None:
            assert sec["met"] == truth[sec["code"]]["met"]


def _same(a, b) -> bool:
    """Two shown figures agree: both withheld, or equal."""
    if a is None or pd.isna(a):
        return b is None or bool(pd.isna(b))
    return b is not None and not pd.isna(b) and float(a) == float(b)



def test_board_pack_outlook_says_when_there_is_too_little_history(built):
    ops_con = built[0]
    pack = packs.board_pack(ops_con, PERIOD)  # four months: too few to forecast
    assert pack["outlook"]["rows"] == []
    html = render.render_html(pack)
    assert "Outlook: urgent referrals" in html and "Too few complete months" in html
