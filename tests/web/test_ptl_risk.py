"""The tracking list sorted by breach risk, on request: scoped, audited, captioned."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup


def test_ptl_sorts_by_risk_on_request_within_scope(clients):
    plain = BeautifulSoup(clients["analyst"].get("/ptl").text, "html.parser")
    assert "Risk of breaching" not in plain.text  # the model runs only when asked
    r = clients["analyst"].get("/ptl?sort=breach_risk_62&desc=true")
    assert r.status_code == 200, r.text[:300]
    s = BeautifulSoup(r.text, "html.parser")
    assert "estimated risk of breaching 62 days" in s.select_one("table.data caption").text
    heads = [th.get_text(strip=True) for th in s.select("table.data thead th")]
    assert "Risk of breaching 62 days" in heads
    col = heads.index("Risk of breaching 62 days") + 1
    shown = [td.get_text(strip=True) for td in
             s.select(f"table.data tbody tr td:nth-of-type({col})")]
    values = [float(v.rstrip("%")) for v in shown if v]
    assert values and values == sorted(values, reverse=True)

    rows = list(csv.DictReader(io.StringIO(
        clients["provider"].get("/ptl.csv?sort=breach_risk_62&desc=true").text)))
    assert rows and {x["provider_code"] for x in rows} == {"RAA"}
    risks = [float(x["breach_risk_62"]) for x in rows if x["breach_risk_62"]]
    assert risks == sorted(risks, reverse=True) and all(0 <= v <= 1 for v in risks)
    assert all(float(x["breach_risk_62"]) == 1.0 for x in rows if int(x["days_waited"]) >= 62)


def test_risk_view_is_audited(clients):
    clients["provider"].get("/ptl?sort=breach_risk_28")
    s = BeautifulSoup(clients["admin"].get("/admin/audit?username=t-provider").text,
                      "html.parser")
    cells = [td.get_text(strip=True) for td in s.select("table.data td")]
    assert "view_patient" in cells and any("sort=breach_risk_28" in c for c in cells)


def test_pack_view_lists_high_risk_patients_only_for_who_may_see_them(clients):
    url = "/operations/packs/view/RAA/2024-06"
    for role in ("analyst", "provider"):
        r = clients[role].get(url)
        assert r.status_code == 200, r.text[:300]
        s = BeautifulSoup(r.text, "html.parser")
        head = next((h for h in s.find_all("h2") if "Highest-risk" in h.text), None)
        assert head is not None, role
        rows = head.find_next("table").find_all("tr")[1:]
        days = [int(tr.find_all("td")[4].text) for tr in rows]
        risks = [float(tr.find_all("td")[6].text.rstrip("%")) for tr in rows]
        assert all(d < 62 for d in days) and risks == sorted(risks, reverse=True)
    r = clients["board"].get(url)
    assert r.status_code == 200 and "Highest-risk" not in r.text
    s = BeautifulSoup(clients["admin"].get("/admin/audit?username=t-provider").text,
                      "html.parser")
    cells = [td.get_text(strip=True) for td in s.select("table.data td")]
    assert any("high-risk pathways" in c for c in cells)
