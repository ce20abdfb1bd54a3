"""Single sign-on: configuration from the environment, and linking to local accounts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.auth import users
from cancer_alliance.auth.oidc import OIDCConfig
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import SECRET

ENV = {"CANCER_ALLIANCE_OIDC_ISSUER": "https://login.example.nhs.uk/realm",
       "CANCER_ALLIANCE_OIDC_CLIENT_ID": "dashboard",
       "CANCER_ALLIANCE_OIDC_CLIENT_SECRET": "s3cret"}


def test_not_configured_means_off():
    assert OIDCConfig.from_env({}) is None


def test_full_configuration():
    cfg = OIDCConfig.from_env(ENV)
    assert cfg.metadata_url == "https://login.example.nhs.uk/realm/.well-known/openid-configuration"
    assert cfg.client_id == "dashboard" and "openid" in cfg.scope


def test_half_configuration_is_an_error_naming_what_is_missing():
    env = dict(ENV)
    del env["CANCER_ALLIANCE_OIDC_CLIENT_SECRET"]
    with pytest.raises(ValueError, match="CLIENT_SECRET"):
        OIDCConfig.from_env(env)


def test_plain_http_identity_provider_is_refused():
    env = dict(ENV, CANCER_ALLIANCE_OIDC_ISSUER="http://idp.example")
    with pytest.raises(ValueError, match="https"):
        OIDCConfig.from_env(env)


@pytest.fixture
def sso_app(store):
    cfg = OIDCConfig.from_env(ENV)
    return create_app(WebSettings(secret=SECRET, oidc=cfg), con=store)


def test_sso_links_only_to_existing_accounts(sso_app, store, monkeypatch):
    cur = store.cursor()
    users.add_user(cur, "sso-user", "analyst", None, None, oidc_subject="sub-123")
    cur.close()
    client = TestClient(sso_app, base_url="https://testserver")
    assert "Log in with Single sign-on" in client.get("/login").text

    async def fake_token(request):
        return {"userinfo": {"sub": request.query_params["sub"]}}

    monkeypatch.setattr(sso_app.state.oauth.sso, "authorize_access_token", fake_token)
    r = client.get("/login/sso/callback?sub=someone-else", follow_redirects=False)
    assert r.status_code == 403 and "not linked" in r.text
    r = client.get("/login/sso/callback?sub=sub-123", follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/ptl", follow_redirects=False).status_code == 200


def test_sso_routes_are_absent_without_configuration(clients):
    assert clients["public"].get("/login/sso").status_code == 404
