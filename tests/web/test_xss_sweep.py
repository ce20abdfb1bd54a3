"""Markup typed into any field is shown as text on every page that shows it.

The forms are found on the app's own pages (every ``<form method="post">`` of every GET
route, as the alliance administrator), not listed by hand. Each text field of each form is
sent once holding a payload with its own marker (a script element, an attribute break and
an event handler) while the other fields hold ordinary values, so the record is stored
where the form allows it. Uploaded file names and the fields of a submitted pathway file
carry payloads too. Then every page, as every role, is parsed: no script element and no
``on*`` attribute may carry a marker, and no ``<img src=x>`` may appear; the answers to
the form posts (error pages included) are checked the same way.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from cancer_alliance.reports import patients

from .conftest import csrf_from
from .test_route_sweep import ROLES, Sweep, _get_routes, _quick_risk


@pytest.fixture(scope="module")
def site(ops_store_path, tmp_path_factory):
    """This module's own copy of the demo store (the posts below change it)."""
    path = tmp_path_factory.mktemp("xss") / "alliance.duckdb"
    shutil.copyfile(ops_store_path, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patients, "with_breach_risk", _quick_risk)
        s = Sweep(path)
        yield s
        s.app.state.jobs.stop()
        s.con.close()


def payload(marker: str) -> str:
    return f"<script>{marker}()</script>\"'><img src=x onerror={marker}()>"


#: Ordinary values by field name, so that one hostile field is all that makes a post odd.
ORDINARY = {
    "due_date": "2025-03-31", "received_date": "2024-04-15", "meeting_date": "2024-04-20",
    "go_live": "2024-02", "since": "2023-01-01", "period": "2024-04", "month": "2024-04",
    "year": "2025", "cost_year": "2025", "cost": "1000", "amount": "100",
    "more_costs": "", "budget": "500000", "min_score": "0", "months": "2024-04 90",
    "benefit_baseline": "", "benefit_expected": "", "benefit_measure": "",
    "measure_code": "FDS", "measures": "FDS", "target_measures": "FDS",
    "org_code": "ALLIANCE", "partner_code": "", "provider_code": "", "system_code": "",
    "action_id": "", "meeting_id": "", "depends_on": "", "password": "a-long-password-123",
    "footprint": "", "rule": "",
}
NOT_TEXT = {"hidden", "submit", "checkbox", "radio", "file", "date", "number", "month",
            "password"}


def _forms(sweep, client) -> dict[str, dict]:
    """action -> {"text": [names], "values": {name: ordinary value}} over every page."""
    forms: dict[str, dict] = {}
    for route in _get_routes(sweep):
        for url in sweep.urls(route):
            r = client.get(url)
            if "text/html" not in r.headers.get("content-type", ""):
                continue
            for form in BeautifulSoup(r.text, "html.parser").find_all("form"):
                if (form.get("method") or "get").lower() != "post":
                    continue
                action = form.get("action") or url.split("?")[0]
                if action in forms or action in ("/logout", "/login"):
                    continue
                text, values = [], {}
                for field in form.find_all(["input", "textarea", "select"]):
                    name = field.get("name")
                    if not name or name == "csrf_token":
                        continue
                    kind = (field.get("type") or "text").lower()
                    if field.name == "select":
                        option = next((o.get("value", o.get_text()) for o in
                                       field.find_all("option") if o.get("value", "x")), "")
                        values[name] = option
                    elif kind == "file":
                        values[name] = None
                    else:
                        values[name] = ORDINARY.get(name, field.get("value") or "text")
                        if field.name == "textarea" or kind not in NOT_TEXT:
                            text.append(name)
                forms[action] = {"text": text, "values": values,
                                 "multipart": form.get("enctype") == "multipart/form-data"}
    return forms


def _unsafe(html: str, markers: set[str] | None = None) -> list[str]:
    """What in ``html`` would run a payload's code: a script element or an event handler
    carrying a marker, or the payload's image."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        if tag.name == "script" and re.search(r"xss\d+", tag.get_text()):
            found.append(f"<script>{tag.get_text()[:30]}")
        for attr, value in tag.attrs.items():
            if attr.startswith("on"):
                found.append(f"<{tag.name} {attr}={str(value)[:30]}>")
        if tag.name == "img" and tag.get("src") == "x":
            found.append("<img src=x>")
    return found


PATHWAY_COLUMNS = ["provider_code", "pathway_id", "nhs_number", "date_of_birth", "sex",
                   "ethnic_category", "commissioner_code", "referral_route",
                   "suspected_cancer_type", "referral_received_date", "first_seen_date",
                   "first_seen_provider_code", "diagnosis_communicated_date", "fds_outcome",
                   "pathway_closed_reason", "pathway_closed_date"]


def _pathway_file(sweep, marker) -> bytes:
    """Two accepted rows whose free-text id holds markup, and rejected rows holding markup
    in coded fields (shown in the rejection report)."""
    good = [sweep.provider, "", "9434765919", "1950-01-01", "1", "A", sweep.commissioner,
            "USC", "LUNG", "2024-04-02", "", "", "", "", "", ""]
    rows = []
    for i, col in enumerate(["pathway_id", "pathway_id", "nhs_number", "suspected_cancer_type",
                             "referral_route", "ethnic_category", "fds_outcome"]):
        row = list(good)
        row[1] = f"X{i}"
        # a pathway id has at most 40 characters: an attribute break and a script element
        row[PATHWAY_COLUMNS.index(col)] = f'"><script>{marker}{i}()</script>' \
            if col == "pathway_id" else payload(f"{marker}{i}")
        rows.append(row)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(PATHWAY_COLUMNS)
    w.writerows(rows)
    return buf.getvalue().encode()


def test_markup_in_every_form_field_and_upload_is_shown_as_text(site):
    sweep = site
    admin = sweep.client("admin")
    forms = _forms(sweep, admin)
    assert len(forms) >= 15, f"too few forms found on the pages: {sorted(forms)}"
    sent, defects, n = [], [], 0
    for action, form in sorted(forms.items()):
        for field in form["text"]:
            n += 1
            marker = f"xss{n}"
            token = csrf_from(admin.get("/login").text)
            data = {k: v for k, v in form["values"].items() if v is not None}
            for k in ("bid_id", "initiative_id", "deliverable_id", "rule_id"):
                if k in data and k != field:
                    data[k] = f"{k[:1].upper()}{n}"
            data[field] = payload(marker)
            files = None
            if form["multipart"]:
                files = {k: ("data.csv", b"a,b\n1,2\n", "text/csv")
                         for k, v in form["values"].items() if v is None}
            r = admin.post(action, data={**data, "csrf_token": token}, files=files)
            sent.append(f"{action}:{field}")
            if r.status_code >= 500:
                defects.append(f"POST {action} {field}={marker} -> {r.status_code}")
            defects += [f"POST {action} {field} answer: {u}" for u in _unsafe(r.text)]
    # file names and the fields of a submitted pathway file
    token = csrf_from(admin.get("/submissions").text)
    name = "\"'><img src=x onerror=xssfile()>.csv"
    r = admin.post("/submissions", data={"provider": sweep.provider, "period": "2024-04",
                                         "csrf_token": token},
                   files={"files": (name, _pathway_file(sweep, "xssrow"), "text/csv")})
    defects += [f"upload answer: {u}" for u in _unsafe(r.text)]
    token = csrf_from(admin.get("/submissions").text)
    r = admin.post("/submissions", data={"provider": sweep.provider, "period": "2024-04",
                                         "csrf_token": token},
                   files={"files": ("pathways.csv", _pathway_file(sweep, "xssrow"),
                                    "text/csv")})
    defects += [f"upload answer: {u}" for u in _unsafe(r.text)]
    assert sweep.app.state.jobs.wait_idle()
    cur = sweep.con.cursor()
    stored = cur.execute("SELECT count(*) FROM pathways WHERE pathway_id LIKE '%xssrow%'"
                         ).fetchone()[0]
    rejected = cur.execute("SELECT count(*) FROM rejections WHERE value LIKE '%xssrow%'"
                           ).fetchone()[0]
    cur.close()
    assert stored >= 1 and rejected >= 1, "the hostile pathway file was not submitted"
    # every page, as every role
    urls = [u for route in _get_routes(sweep) for u in sweep.urls(route)] + _record_urls(sweep)
    for role in ROLES:
        c = admin if role == "admin" else sweep.client(role)
        for url in urls:
            r = c.get(url)
            if "text/html" in r.headers.get("content-type", ""):
                defects += [f"{role} GET {url}: {u}" for u in _unsafe(r.text)]
    assert n >= 30, f"too few text fields were tried: {sent}"
    assert not defects, "\n".join(sorted(set(defects)))


def _record_urls(sweep) -> list[str]:
    """Pages of the records the forms and uploads created (bids, initiatives, jobs,
    submissions), which the route samples do not name."""
    cur = sweep.con.cursor()
    try:
        urls = [f"/operations/bids/{quote(b, safe='')}" for (b,) in cur.execute(
            "SELECT bid_id FROM bids").fetchall()]
        urls += [f"/operations/initiatives/{quote(i, safe='')}" for (i,) in cur.execute(
            "SELECT initiative_id FROM initiatives").fetchall()]
        urls += [f"/jobs/{j}" for (j,) in cur.execute("SELECT job_id FROM jobs").fetchall()]
        urls += [f"/submissions/{s}" for (s,) in cur.execute(
            "SELECT max(submission_id) FROM submissions").fetchall()]
    finally:
        cur.close()
    return urls
