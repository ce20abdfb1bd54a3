"""The HTTP API: OpenAPI document, bearer tokens scoped to their provider, submissions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from ingest.ingest_helpers import VALID_PATHWAY, csv_bytes

from cancer_alliance.auth import tokens
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import SECRET

CSV = b"provider_code,pathway_id\nRAA,X1\n"


@pytest.fixture
def raa_token(store):
    cur = store.cursor()
    t = tokens.create_token(cur, "RAA", "test", "api test")
    cur.close()
    return t


def _post(client, token, **form):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/submissions", headers=headers,
                       data={"period": "2024-06", **form},
                       files={"files": ("pathways.csv", CSV, "text/csv")})


def test_openapi_documents_the_submission_endpoint(clients):
    doc = clients["public"].get("/api/openapi.json").json()
    assert "/api/v1/submissions" in doc["paths"]
    assert "post" in doc["paths"]["/api/v1/submissions"]
    assert "/login" not in doc["paths"]  # pages are not part of the API


def test_no_or_bad_token_is_401(client):
    assert _post(client, None).status_code == 401
    r = _post(client, "cat_not-a-real-token")
    assert r.status_code == 401 and r.json()["error"]["status"] == 401


def test_token_cannot_submit_for_another_provider(client, raa_token):
    r = _post(client, raa_token, provider="RBB")
    assert r.status_code == 403


def test_revoked_token_stops_working(client, store, raa_token):
    cur = store.cursor()
    (tid,), = cur.execute("SELECT max(token_id) FROM api_tokens").fetchall()
    tokens.revoke_token(cur, tid)
    cur.close()
    assert _post(client, raa_token).status_code == 401


def test_bad_period_is_refused_before_reading_files(client, raa_token):
    r = _post(client, raa_token, period="June")
    assert r.status_code == 400 and "YYYY-MM" in r.json()["error"]["message"]


def test_token_submits_and_its_job_gives_the_ingest_summary(tmp_path):
    """On its own store (the shared one stays as the other tests expect it): the upload is
    queued (202), the job loads one valid pathway, and the job's result counts it."""
    con = connect(tmp_path / "api.duckdb")
    token = tokens.create_token(con, "RAA", "test", "api test")
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None,
                                 census=None), con=con)
    try:
        client = TestClient(app, base_url="https://testserver")
        auth = {"authorization": f"Bearer {token}"}
        r = client.post("/api/v1/submissions", headers=auth, data={"period": "2024-06"},
                        files={"files": ("pathways.csv", csv_bytes([VALID_PATHWAY]),
                                         "text/csv")})
        assert r.status_code == 202, r.text
        assert app.state.jobs.wait_idle()
        job = client.get(r.headers["location"], headers=auth).json()
        assert job["state"] == "done", job
        result = job["result"]
        assert (result["rows_read"], result["accepted"], result["rejected"]) == (1, 1, 0)
        assert con.execute("SELECT provider_code, pathway_id FROM pathways").fetchall() == [
            ("RAA", VALID_PATHWAY["pathway_id"])]
    finally:
        app.state.jobs.stop()


def test_openapi_declares_the_provider_bearer_token(clients):
    """Trust systems reading the OpenAPI document must learn how to authenticate."""
    doc = clients["public"].get("/api/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["ProviderToken"] == {**schemes["ProviderToken"], "type": "http",
                                        "scheme": "bearer"}
    assert {"ProviderToken": []} in doc["paths"]["/api/v1/submissions"]["post"]["security"]


def test_unknown_standard_is_404_without_echoing_the_url_value(client):
    r = client.get("/api/v1/metrics/9434765919")
    assert r.status_code == 404 and "9434765919" not in r.text
