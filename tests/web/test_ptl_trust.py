"""The tracking list as a trust team works it (issue 16, item 6): the cancer type known on
the census day, the next step and when it is due, any census day, the breach-risk order
in one click with a caption saying the order the rows are in, and the patient's
identifiers for the trust's own patients only (audited)."""

from __future__ import annotations

import csv
import io
from datetime import date

from bs4 import BeautifulSoup

from cancer_alliance.web.views.ptl import order_caption

from . import synthetic


def _csv(client, query: str = "") -> list[dict]:
    r = client.get(f"/ptl.csv{query}")
    assert r.status_code == 200, r.text[:300]
    return list(csv.DictReader(io.StringIO(r.text)))


def _labels(store) -> tuple[dict, dict]:
    cur = store.cursor()
    try:
        groups = dict(cur.execute("SELECT tumour_group, label FROM tumour_groups").fetchall())
        types = dict(cur.execute("SELECT code, label FROM cancer_types").fetchall())
    finally:
        cur.close()
    return groups, types


def test_cancer_type_is_the_suspected_type_until_diagnosed(clients, store):
    groups, types = _labels(store)
    rows = _csv(clients["analyst"])
    undiagnosed = [r for r in rows if r["diagnosed"] == "False"]
    diagnosed = [r for r in rows if r["diagnosed"] == "True" and r["tumour_group"]]
    assert undiagnosed and diagnosed
    for r in undiagnosed:  # never "Not yet known" when a suspected type was referred
        code = r["suspected_cancer_type"]
        assert r["cancer_type"] == (types.get(code, code) if code else "Not yet known")
    for r in diagnosed:
        assert r["cancer_type"] == groups.get(r["tumour_group"], r["tumour_group"])


def test_next_step_due_follows_the_rule(clients):
    days = {"first_seen": 14, "diagnosis": 28, "decision_to_treat": 38, "treatment": 62}
    census = date.fromisoformat(synthetic.CENSUS)
    rows = _csv(clients["analyst"])
    assert {r["next_step"] for r in rows} >= {"first_seen", "diagnosis"}
    for r in rows:
        start, due = (date.fromisoformat(r[c]) for c in ("clock_start", "next_step_due"))
        limit = days[r["next_step"]]
        if r["next_step"] == "treatment":  # DTT + 31 may come first: never later
            assert (due - start).days <= limit
        else:
            assert (due - start).days == limit
        assert int(r["days_to_next_step"]) == (due - census).days


def test_any_census_day(clients):
    day = date(2024, 6, 12)  # mid-month: not a month end
    rows = _csv(clients["provider"], f"?census={day}")
    assert rows
    for r in rows:
        assert int(r["days_waited"]) == (day - date.fromisoformat(r["clock_start"])).days
    page = BeautifulSoup(clients["provider"].get(f"/ptl?census={day}").text, "html.parser")
    assert str(day) in page.select_one("table.data caption").text
    assert page.select_one("#f-census")["value"] == str(day)
    # a census before these referrals has fewer open pathways than the default one
    assert len(_csv(clients["provider"], "?census=2024-02-01")) < len(_csv(clients["provider"]))
    for bad in ("2024-13-01", "2999-01-01", "yesterday"):
        r = clients["provider"].get(f"/ptl?census={bad}")
        assert r.status_code == 400 and bad not in r.text


def test_breach_risk_order_is_one_click_and_captioned_as_it_is(clients):
    s = BeautifulSoup(clients["provider"].get("/ptl").text, "html.parser")
    link = next(a for a in s.select("#ptl-order a") if "Breach risk" in a.text)
    r = clients["provider"].get("/ptl" + link["href"])
    assert r.status_code == 200
    page = BeautifulSoup(r.text, "html.parser")
    caption = page.select_one("table.data caption").text
    assert order_caption("breach_risk_62", True) in caption
    assert page.select_one("#ptl-order strong").text.startswith("Breach risk")
    rows = _csv(clients["provider"], link["href"])
    keys = [(-float(x["breach_risk_62"] or "nan"), -int(x["days_waited"])) for x in rows
            if x["breach_risk_62"]]
    assert len(keys) > 1 and keys == sorted(keys)  # highest risk, then longest wait
    assert len({k[0] for k in keys}) < len(keys)  # equal risks: the tie-break is exercised


def test_default_caption_matches_the_order(clients):
    s = BeautifulSoup(clients["provider"].get("/ptl").text, "html.parser")
    assert order_caption("days_waited", True) in s.select_one("table.data caption").text
    rows = _csv(clients["provider"])
    keys = [(-int(r["days_waited"]), r["provider_code"], r["pathway_id"]) for r in rows]
    assert keys == sorted(keys)
    rows = _csv(clients["provider"], "?sort=next_step_due&desc=false")
    assert [r["next_step_due"] for r in rows] == sorted(r["next_step_due"] for r in rows)
    assert "earliest first" in order_caption("next_step_due", False)
    assert "A to Z" in order_caption("provider_code", False)


def test_identifiers_only_for_the_trusts_own_patients(clients, store):
    cur = store.cursor()
    nhs = dict(cur.execute("SELECT pathway_id, nhs_number FROM pathways "
                           "WHERE provider_code = 'RAA'").fetchall())
    every = {r[0] for r in cur.execute("SELECT nhs_number FROM pathways").fetchall()}
    every |= {r[0] for r in cur.execute("SELECT pathway_id FROM pathways").fetchall()}
    cur.close()
    own = _csv(clients["provider"])
    assert own and all(r["nhs_number"] == nhs[r["pathway_id"]] for r in own)
    heads = [th.get_text(strip=True) for th in BeautifulSoup(
        clients["provider"].get("/ptl").text, "html.parser").select("table.data th")]
    assert "NHS number" in heads and "Pathway" in heads
    for role in ("analyst", "admin", "commissioner"):
        rows = _csv(clients[role])
        assert rows and "nhs_number" not in rows[0] and "pathway_id" not in rows[0], role
        for path in ("/ptl", "/harm-review", "/ptl.csv", "/harm-review.csv"):
            text = clients[role].get(path).text
            assert not any(i in text for i in every if i), (role, path)
        assert clients[role].get("/ptl?sort=nhs_number").status_code == 400
    for role in ("board", "public"):
        r = clients[role].get("/ptl", follow_redirects=False)
        assert r.status_code in (302, 303, 401, 403), role


def test_identifiers_shown_are_audited(clients):
    def audit_cells() -> list[str]:
        s = BeautifulSoup(clients["admin"].get("/admin/audit?username=t-provider").text,
                          "html.parser")
        return [td.get_text(strip=True) for td in s.select("table.data td")]

    before = audit_cells().count("view_patient_identifier")
    clients["provider"].get("/ptl?census=2024-06-20")
    after = audit_cells()
    assert after.count("view_patient_identifier") == before + 1
    assert any("census=2024-06-20" in c for c in after)
    s = BeautifulSoup(clients["admin"].get("/admin/audit?username=t-analyst").text,
                      "html.parser")
    clients["analyst"].get("/ptl")
    cells = [td.get_text(strip=True) for td in s.select("table.data td")]
    assert "view_patient_identifier" not in cells
