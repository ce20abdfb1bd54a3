"""What each page shows (in-process client, HTML read with BeautifulSoup)."""

from __future__ import annotations

import csv
import io
from datetime import date

from bs4 import BeautifulSoup

from cancer_alliance import metrics

from . import synthetic
from .conftest import csrf_from


def soup(r):
    assert r.status_code == 200, r.text[:300]
    return BeautifulSoup(r.text, "html.parser")


def test_overview_lists_headline_standards_with_icons_and_sparklines(clients):
    s = soup(clients["analyst"].get("/"))
    rows = s.select("table.headline tbody tr")
    names = [r.th.get_text(strip=True) for r in rows]
    assert names == ["FDS (28 days)", "31-day (combined)", "62-day (combined)"]
    for r in rows:
        assert r.select_one(".mdc-words"), "variation/assurance words beside the icon"
        assert r.select_one("svg.chart-line"), "sparkline"
    assert "Waiting over 104 days" in s.text and "Data freshness" in s.text


def test_overview_headline_matches_the_metrics_engine(clients, store):
    """The page's latest FDS performance is the engine's alliance figure for that month."""
    cur = store.cursor()
    df = metrics.compute_metrics(cur, "FDS", by=("month",))
    cur.close()
    last = df.sort_values("period").iloc[-1]
    expected = f"{last['within'] / last['total'] * 100:.1f}%"
    s = soup(clients["analyst"].get("/"))
    fds = s.select("table.headline tbody tr")[0]
    assert fds.select("td")[0].get_text(strip=True) == last["period"]
    assert fds.select("td")[1].get_text(strip=True) == expected


def test_standard_page_has_spc_funnel_breakdowns_and_definition(clients):
    s = soup(clients["analyst"].get("/standards/FDS"))
    assert s.select_one("svg.chart-spc") and s.select_one("svg.chart-funnel")
    captions = [c.get_text() for c in s.select("table.data caption")]
    for label in ("provider", "commissioner", "tumour group", "referral route", "modality"):
        assert any(label in c for c in captions), label
    links = [a["href"] for a in s.select("a.download")]
    assert "/standards/FDS/provider.csv?window=month&period=2024-06" in links
    assert "Clock starts" in s.text and "Thresholds" in s.text


def test_standard_csv_matches_the_page_table(clients):
    rows = list(csv.DictReader(io.StringIO(
        clients["analyst"].get("/standards/FDS/provider.csv").text)))
    total = next(r for r in rows if r["provider_code"] == "Total")
    parts = [r for r in rows if r["provider_code"] != "Total"]
    assert float(total["total"]) == sum(float(r["total"]) for r in parts)
    assert {"ci_lower", "ci_upper"} <= set(rows[0])


def test_ptl_sorts_filters_and_respects_scope(clients, store):
    def column(s, heading: str) -> list[str]:  # cells under a heading (columns vary by role)
        heads = [th.get_text(strip=True) for th in s.select("table.data thead th")]
        n = heads.index(heading) + 1
        return [td.get_text(strip=True) for td in
                s.select(f"table.data tbody tr td:nth-of-type({n})")]

    s = soup(clients["analyst"].get("/ptl?sort=days_waited&desc=true"))
    days = [int(v) for v in column(s, "Days waited")]
    assert days == sorted(days, reverse=True) and days
    s = soup(clients["analyst"].get("/ptl?band=63-104"))
    bands = set(column(s, "Band"))
    assert bands and bands <= {"63-104"}
    provider_rows = list(csv.DictReader(io.StringIO(clients["provider"].get("/ptl.csv").text)))
    assert provider_rows and {r["provider_code"] for r in provider_rows} == {"RAA"}
    cur = store.cursor()
    full = metrics.ptl(cur, date.fromisoformat(synthetic.CENSUS))
    cur.close()
    comm_rows = list(csv.DictReader(io.StringIO(clients["commissioner"].get("/ptl.csv").text)))
    assert len(comm_rows) == int((full["commissioner_code"] == "QAA").sum())


def test_admin_reads_the_audit_log_of_patient_views(clients):
    clients["provider"].get("/ptl?band=0-28")
    s = soup(clients["admin"].get("/admin/audit?username=t-provider"))
    cells = [td.get_text(strip=True) for td in s.select("table.data td")]
    assert "view_patient" in cells and "GET /ptl" in cells and "band=0-28" in cells


def test_submissions_page_shows_history_and_completeness(clients):
    s = soup(clients["provider"].get("/submissions"))
    history = s.select("section table.data")[0]
    cells = [tr.select("td")[1] for tr in history.select("tbody tr")]
    assert {td["data-value"] for td in cells} == {"RAA"}
    assert {td.get_text() for td in cells} == {"Alpha Hospitals NHS Trust (RAA)"}  # a name
    assert "NHS number present" in s.text
    assert [o["value"] for o in s.select("#u-provider option")] == ["RAA"]


def test_rejection_report_lists_file_row_column_value_rule(clients):
    s = soup(clients["analyst"].get("/submissions/1"))
    headers = [th.get_text() for th in s.select("table.data thead th")]
    assert headers == ["File", "Row", "Column", "Value", "Rule", "What to fix"]
    assert "nhs_number_check_digit" in s.text


def test_upload_for_another_trust_is_forbidden(clients):
    c = clients["provider"]
    token = csrf_from(c.get("/submissions").text)
    r = c.post("/submissions", data={"provider": "RBB", "period": "2024-06",
                                     "csrf_token": token},
               files={"files": ("pathways.csv", b"provider_code\nRBB\n", "text/csv")})
    assert r.status_code == 403


def test_definitions_are_generated_from_every_standard(clients):
    s = soup(clients["public"].get("/definitions"))
    ids = {h2.get("id") for h2 in s.select("h2[id^=d-]")}
    assert ids == {f"d-{c}" for c in metrics.STANDARDS}


def test_public_page_says_figures_are_protected(clients):
    s = soup(clients["public"].get("/public"))
    assert "rounded to the nearest 5" in s.text
    assert not s.select("a[href='/ptl']"), "no link to patient-level pages for the public"


def test_navigation_follows_the_role(clients):
    def nav(role):
        return [a["href"] for a in soup(clients[role].get("/public")).select(".site-nav a")]
    assert "/ptl" in nav("analyst") and "/admin/audit" not in nav("analyst")
    assert "/ptl" not in nav("board") and "/submissions" not in nav("board")
    assert "/admin/audit" in nav("admin")
    assert nav("public") == ["/public", "/definitions", "/help"]  # help is for everyone


def test_standard_with_no_loaded_months_says_so_instead_of_empty_tables(clients):
    """The synthetic months are all after October 2023, so the old 62-day (USC) standard has
    no pathways: the page must say so, not draw empty axes under 'Breakdowns, None'."""
    s = soup(clients["analyst"].get("/standards/62_DAY_USC"))
    assert "No pathways in the months loaded count towards this standard" in s.text
    assert "None" not in s.select_one("main").get_text()
    assert not s.select("a.download") and not s.select_one("svg.chart-spc")
    assert "Clock starts" in s.text  # the definition is still there


def test_equity_groups_are_named_in_words_and_gaps_in_points(clients):
    s = soup(clients["analyst"].get("/equity?standard=FDS"))
    sex = [r.select_one("td").get_text(strip=True)
           for r in s.find(id="e-sex").find_next("table").select("tbody tr")]
    assert set(sex) <= {"Male", "Female", "Indeterminate", "Not known"} and "Female" in sex
    imd = [r.select_one("td").get_text(strip=True)
           for r in s.find(id="e-imd_quintile").find_next("table").select("tbody tr")]
    assert not any(g.endswith(".0") for g in imd), imd
    ethnic = s.find(id="e-ethnic_group").find_next("table")
    heads = [th.get_text(strip=True) for th in ethnic.select("thead th")]
    gap_cells = [r.select("td")[heads.index("Gap from reference (points)")].get_text(strip=True)
                 for r in ethnic.select("tbody tr")]
    assert gap_cells and not any(c.endswith("%") for c in gap_cells)
    significant = {r.select("td")[heads.index("Significant?")].get_text(strip=True)
                   for r in ethnic.select("tbody tr")}
    assert significant <= {"Yes", "No", "Reference"} and "Reference" in significant


def test_outcome_export_is_the_engines_pathways_inside_the_callers_scope(clients, store):
    """The patient-level trace of a figure: all pathways for the alliance team, only the
    trust's own for a provider user, and the link is offered only to those allowed it."""
    cur = store.cursor()
    engine = metrics.outcomes(cur, standard="FDS", period="2024-06", wide=True)
    cur.close()

    def rows(role):
        r = clients[role].get("/standards/FDS/outcomes.csv?window=month&period=2024-06")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(r.text)))

    analyst, provider = rows("analyst"), rows("provider")
    assert len(analyst) == len(engine) > len(provider) > 0
    assert {r["provider_code"] for r in provider} == {"RAA"}
    assert sorted(r["pathway_id"] for r in provider) == sorted(
        engine.loc[engine["provider_code"] == "RAA", "pathway_id"])
    assert "nhs_number" not in analyst[0]
    link = "/standards/FDS/outcomes.csv?window=month&period=2024-06"
    assert link in [a["href"] for a in soup(clients["analyst"].get("/standards/FDS"))
                    .select("a.download")]
    assert link not in [a["href"] for a in soup(clients["board"].get("/standards/FDS"))
                        .select("a.download")]


def test_every_standard_page_opens_for_every_role(clients):
    """Every standard listed on /standards opens (the open-pathway backlog has no treatment
    modality, so its page must not ask for that breakdown)."""
    codes = [a["href"] for a in soup(clients["analyst"].get("/standards")).select("main a")
             if a["href"].startswith("/standards/")]
    assert "/standards/62_DAY_BACKLOG" in codes
    for role in ("analyst", "board"):
        for href in codes:
            assert clients[role].get(href).status_code == 200, (role, href)


def test_suppressed_cells_render_as_stars_not_an_error(clients):
    """Protected counts arrive as pandas NA in nullable columns; a page must show * for them."""
    import pandas as pd

    from cancer_alliance.web.filters import num, pct

    assert num(pd.NA) == "*" and pct(pd.NA) == "–" and num(float("nan")) == "*"
    assert num(pd.Series([1], dtype="Int64").where([False]).iloc[0]) == "*"
