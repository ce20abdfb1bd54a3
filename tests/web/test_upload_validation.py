"""Issue 14 cases 7 and 11 on the web: the upload form and the API refuse a bad period,
provider or file name with a clear 400, never a 500, a traceback or an orphan folder."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.auth import tokens
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import SECRET, copy_of_store, csrf_from, login

CSV = (b"provider_code,pathway_id,nhs_number,date_of_birth,sex,commissioner_code,"
       b"referral_route\nRAA,V1,9434765919,1950-01-01,1,QAA,USC\n")


@pytest.fixture(scope="module")
def own_app(store, tmp_path_factory):
    db = copy_of_store(store, tmp_path_factory.mktemp("upload-validation"))
    con = connect(db)
    yield create_app(WebSettings(secret=SECRET, oidc=None, census="2024-06-30"), con=con), db
    con.close()


def _upload(app, user: str, provider: str, period: str, name: str = "pathways.csv"):
    c = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    assert login(c, user).status_code == 303
    token = csrf_from(c.get("/submissions").text)
    return c.post("/submissions", data={"provider": provider, "period": period,
                                        "csrf_token": token},
                  files={"files": (name, CSV, "text/csv")})


@pytest.mark.parametrize("period", ["0000-01", "2099-01", "9998-01", "2024-13", "2008-12"])
def test_upload_form_refuses_bad_periods_with_400(own_app, period):
    app, _ = own_app
    r = _upload(app, "t-provider", "RAA", period)
    assert r.status_code == 400, r.text[:300]
    assert "The period must be a month written YYYY-MM, from 2009-01 to the current month" \
        in r.text
    assert period not in r.text


def test_api_refuses_bad_periods_with_400(own_app):
    app, _ = own_app
    cur = app.state.con.cursor()
    token = tokens.create_token(cur, "RAA", "test")
    cur.close()
    c = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    for period in ("0000-01", "2099-01"):
        r = c.post("/api/v1/submissions", headers={"authorization": f"Bearer {token}"},
                   data={"period": period}, files={"files": ("pathways.csv", CSV, "text/csv")})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["message"].startswith("The period must be a month")


def test_an_unknown_provider_is_a_400(own_app):
    app, _ = own_app
    r = _upload(app, "t-analyst", "RZZ", "2024-06")
    assert r.status_code == 400, r.text[:300]
    assert "not an organisation of the reference data" in r.text


def test_a_300_character_file_name_is_a_clear_400(own_app, caplog):
    app, db = own_app
    archive = db.with_name(db.stem + "-archive")
    before = sorted(p.name for p in archive.iterdir()) if archive.exists() else []
    name = "n" * 296 + ".csv"
    with caplog.at_level(logging.INFO):
        r = _upload(app, "t-provider", "RAA", "2024-06", name)
    assert r.status_code == 400
    assert "A file name is longer than 200 characters" in r.text and name not in r.text
    assert name not in caplog.text and "Traceback" not in caplog.text
    after = sorted(p.name for p in archive.iterdir()) if archive.exists() else []
    assert after == before
