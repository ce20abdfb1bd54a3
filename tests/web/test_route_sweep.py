"""Every route of the app, as every role, with CSRF variants and hostile parameter values.

The routes come from the app itself (``app.routes``), so a new page is swept the day it is
added; a route with a path parameter this module cannot fill fails
``test_every_path_parameter_has_a_sample`` rather than being skipped. Each sweep collects
every defect and fails once, listing them all.

* Role sweep: each GET route as each role (and the anonymous public). Never a 500; a role
  the policy refuses gets 403 (logged in) or the login page / 401 (anonymous); and the body
  never carries a patient row the role must not see (board and public: no NHS number or
  pathway id at all; a provider or commissioner user: none outside its own scope).
* POST sweep: each POST route as each role with a valid CSRF token and an empty form:
  never a 500, refused where the policy refuses.
* CSRF: each POST route refused (403, nothing changed) without a token, with a wrong
  token, with another browser's token, and from another origin with a valid token.
* Injection: SQL, path traversal, template, header CRLF, very long, unicode and
  ten-digit values in every query and path parameter: no 500, no stack trace, the raw
  value never reflected in the body or a header.

The expected outcome is asked of :func:`cancer_alliance.auth.policy.decide` here (the
hand-written matrix of ``test_permissions.py`` pins the policy itself).
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import quote, urlencode

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from cancer_alliance.auth import policy, users
from cancer_alliance.auth.model import Actor
from cancer_alliance.reports import patients
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import csrf_from

PASSWORD = "sweep-password-0123"
ROLES = ("admin", "analyst", "provider", "commissioner", "board", "public")
SECRET = "route-sweep-secret-0123456789abcdef"
ORIGIN = "https://testserver"


def app_routes(routes) -> list[APIRoute]:
    """Every endpoint of ``app.routes``, looking inside included routers."""
    out: list[APIRoute] = []
    for r in routes:
        inner = getattr(r, "original_router", None)
        if inner is not None:
            out.extend(app_routes(inner.routes))
        elif isinstance(r, APIRoute):
            out.append(r)
    return out


def _dependency_names(dependant) -> set[str]:
    names = set()
    for d in dependant.dependencies:
        names.add(getattr(d.call, "__name__", ""))
        names |= _dependency_names(d)
    return names


def actions_of(route: APIRoute) -> list[str]:
    """The policy actions a route asks for through ``web.deps.require``."""
    return sorted(n.removeprefix("require_") for n in _dependency_names(route.dependant)
                  if n.startswith("require_") and n.removeprefix("require_") in policy.ACTIONS)


#: Routes that ask the policy inside the view (the record decides the organisation, or the
#: page has its own scope function): what they ask, by path.
IN_VIEW = {
    "/": lambda actor: policy.decide(actor, "view_operations").allowed,
    "/reconciliation": lambda actor: policy.reconciliation_scope(actor)[0].allowed,
    "/api/v1/submissions/{submission_id}":
        lambda actor: policy.decide(actor, "submit_data").allowed,
    "/api/v1/jobs/{job_id}": lambda actor: not actor.is_anonymous,
    # a provider pack's pathways: the policy asks about the pack's provider (own: allowed)
    "/operations/packs/view/{provider_code}/{period}/pathways.csv":
        lambda actor: policy.pack_pathways(actor, actor.org_code or "ANY").allowed,
}


def allowed_for(actor: Actor, route: APIRoute) -> bool:
    """Whether the policy lets ``actor`` open ``route`` at all (scope aside)."""
    if route.path in IN_VIEW:
        return IN_VIEW[route.path](actor)
    return all(policy.decide(actor, a).allowed for a in actions_of(route))


class Sweep:
    """A private copy of the demo store, an app over it, one account and client per role."""

    def __init__(self, path):
        self.con = connect(path)
        cur = self.con.cursor()
        self.provider = cur.execute("SELECT min(provider_code) FROM pathways").fetchone()[0]
        self.other_provider = cur.execute(
            "SELECT max(provider_code) FROM pathways").fetchone()[0]
        self.commissioner = cur.execute(
            "SELECT min(commissioner_code) FROM pathways").fetchone()[0]
        self.other_commissioner = cur.execute(
            "SELECT max(commissioner_code) FROM pathways").fetchone()[0]
        assert self.provider != self.other_provider
        assert self.commissioner != self.other_commissioner
        self.period = cur.execute("SELECT max(period) FROM submissions").fetchone()[0]
        self.submission = cur.execute(
            "SELECT min(submission_id) FROM submissions WHERE provider_code = ?",
            [self.other_provider]).fetchone()[0]
        self.capacity_return = cur.execute(
            "SELECT min(submission_id) FROM capacity_submissions WHERE provider_code = ?",
            [self.other_provider]).fetchone()[0]
        assert self.capacity_return is not None, "the demo store has capacity returns"
        self.bid = cur.execute("SELECT min(bid_id) FROM bids").fetchone()[0]
        self.initiative = cur.execute(
            "SELECT min(initiative_id) FROM initiatives").fetchone()[0]
        self.orgs = {"provider": self.provider, "commissioner": self.commissioner}
        self.accounts = {}
        for role in ROLES[:-1]:
            name = f"sweep-{role}"
            users.add_user(cur, name, role, self.orgs.get(role), PASSWORD)
            self.accounts[role] = Actor(name, role, self.orgs.get(role))
        self.accounts["public"] = Actor.anonymous()
        self.patients = self._patients(cur)
        cur.close()
        self.app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True,
                                          oidc=None), con=self.con)
        self.routes = app_routes(self.app.routes)

    def _patients(self, cur) -> dict[str, set[str]]:
        """The NHS numbers and pathway ids each role must never see."""
        rows = cur.execute("SELECT provider_code, commissioner_code, nhs_number, pathway_id "
                           "FROM pathways").fetchall()
        accountable = {r[0] for r in cur.execute(
            "SELECT DISTINCT pathway_id FROM metric_outcomes "
            "WHERE accountable_provider_code = ?", [self.provider]).fetchall()}
        every = {v for r in rows for v in r[2:] if v}
        not_provider = {r[2] for r in rows if r[0] != self.provider and r[3] not in accountable}
        not_provider |= {r[3] for r in rows if r[0] != self.provider}
        not_commissioner = {v for r in rows if r[1] != self.commissioner for v in r[2:] if v}
        return {"board": every, "public": every, "provider": not_provider,
                "commissioner": not_commissioner, "admin": set(), "analyst": set()}

    def client(self, role: str) -> TestClient:
        c = TestClient(self.app, base_url=ORIGIN, raise_server_exceptions=False)
        if role != "public":
            page = c.get("/login")
            r = c.post("/login", data={"username": f"sweep-{role}", "password": PASSWORD,
                                       "csrf_token": csrf_from(page.text), "next": "/"},
                       follow_redirects=False)
            assert r.status_code == 303, r.text[:300]
        return c

    def path_samples(self) -> dict[str, list[dict[str, str]]]:
        """Values for each parameterised route: another organisation than the scoped
        users' own where a code is asked for, so scope is tested, and the own one too."""
        p, op, c, oc = (self.provider, self.other_provider, self.commissioner,
                        self.other_commissioner)
        return {
            "/standards/{code}": [{"code": "62_DAY"}, {"code": "FDS"}],
            "/standards/{code}/outcomes.csv": [{"code": "FDS"}],
            "/standards/{code}/pathways": [{"code": "FDS"}, {"code": "62_DAY"}],
            "/standards/{code}/{breakdown}.csv": [{"code": "62_DAY", "breakdown": "provider"}],
            "/providers/{code}": [{"code": op}, {"code": p}],
            "/commissioners/{code}": [{"code": oc}, {"code": c}],
            "/tumour-groups/{group}": [{"group": "LUNG"}],
            "/submissions/{submission_id}": [{"submission_id": str(self.submission)}],
            "/submissions/{submission_id}/rejections.csv":
                [{"submission_id": str(self.submission)}],
            "/capacity/submissions/{submission_id}":
                [{"submission_id": str(self.capacity_return)}],
            "/capacity/submissions/{submission_id}/rejections.csv":
                [{"submission_id": str(self.capacity_return)}],
            "/jobs/{job_id}": [{"job_id": "1"}],
            "/api/v1/jobs/{job_id}": [{"job_id": "1"}],
            "/api/v1/metrics/{standard}": [{"standard": "FDS"}],
            "/api/v1/submissions/{submission_id}": [{"submission_id": str(self.submission)}],
            "/operations/trajectories/{org_code}/{measure_code}":
                [{"org_code": "ALLIANCE", "measure_code": "62_DAY"}],
            "/operations/bids/{bid_id}": [{"bid_id": self.bid}],
            "/operations/initiatives/{initiative_id}": [{"initiative_id": self.initiative}],
            "/operations/packs/{report_id}": [{"report_id": "1"}],
            "/operations/packs/view/{provider_code}/{period}":
                [{"provider_code": op, "period": self.period},
                 {"provider_code": p, "period": self.period}],
            "/operations/packs/view/{provider_code}/{period}/pathways.csv":
                [{"provider_code": op, "period": self.period},
                 {"provider_code": p, "period": self.period}],
            # POST-only targets
            "/operations/actions/{action_id}/status": [{"action_id": "1"}],
            "/operations/plan/{deliverable_id}/status": [{"deliverable_id": "D1"}],
            "/operations/bids/{bid_id}/scores": [{"bid_id": self.bid}],
            "/operations/bids/{bid_id}/spend": [{"bid_id": self.bid}],
            "/operations/bids/{bid_id}/milestones": [{"bid_id": self.bid}],
            "/operations/initiatives/{initiative_id}/evaluation":
                [{"initiative_id": self.initiative}],
        }

    def query_samples(self) -> dict[str, str]:
        """Values for required query parameters."""
        return {"provider_code": self.other_provider, "period": self.period}

    def urls(self, route: APIRoute) -> list[str]:
        names = [p.name for p in route.dependant.path_params]
        required = {p.name: self.query_samples()[p.name]
                    for p in route.dependant.query_params if p.field_info.is_required()}
        query = ("?" + urlencode(required)) if required else ""
        if not names:
            return [route.path + query]
        return [route.path.format(**{k: quote(v, safe="") for k, v in values.items()}) + query
                for values in self.path_samples()[route.path]]


def _quick_risk(con, ptl, census):
    """Stands in for the breach-risk model in the live pack view (a fit takes about a
    minute on a busy machine, per request): the rows chosen, their scope and audit are the
    real code's; only the ordering score is simple."""
    out = ptl.copy()
    out["breach_risk_62"] = out["days_waited"] / 62.0
    out["breach_risk_28"] = out["days_waited"] / 28.0
    return out


@pytest.fixture(scope="module")
def sweep(ops_store_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "alliance.duckdb"
    shutil.copyfile(ops_store_path, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patients, "with_breach_risk", _quick_risk)
        s = Sweep(path)
        yield s
        s.con.close()


def _get_routes(sweep) -> list[APIRoute]:
    return [r for r in sweep.routes if "GET" in r.methods]


def _post_routes(sweep) -> list[APIRoute]:
    return [r for r in sweep.routes if "POST" in r.methods]


def test_the_sweep_sees_every_route(sweep):
    """The sweep reads the app's own list: every page family is in it."""
    paths = {r.path for r in sweep.routes}
    assert len(_get_routes(sweep)) > 40 and len(_post_routes(sweep)) > 20
    assert {"/ptl", "/operations/bids", "/admin/users", "/api/v1/submissions"} <= paths


def test_every_path_parameter_has_a_sample(sweep):
    samples = sweep.path_samples()
    missing = [r.path for r in sweep.routes if r.dependant.path_params and r.path not in samples]
    assert not missing, f"add sample values for these routes to the sweep: {missing}"
    stale = sorted(set(samples) - {r.path for r in sweep.routes})
    assert not stale, f"samples for routes that no longer exist: {stale}"


def _refused(role: str, route: APIRoute, r) -> bool:
    if role == "public":
        if route.path.startswith("/api/"):
            return r.status_code == 401
        return r.status_code == 302 and r.headers["location"].startswith(("/login", "/public"))
    return r.status_code == 403


def _scoped_url(sweep, role: str, url: str) -> bool:
    """A URL naming an organisation outside a scoped user's own (may be refused)."""
    others = {"provider": sweep.other_provider, "commissioner": sweep.other_commissioner}
    return role in others and (others[role] in url or "submission" in url
                               or "/jobs/" in url)


def _leaks(sweep, role: str, body: str) -> list[str]:
    forbidden = sweep.patients[role]
    found = set(re.findall(r"\b\d{10}\b", body)) & forbidden
    found |= {t for t in re.findall(r"[A-Za-z0-9_-]{6,}", body) if t in forbidden}
    return sorted(found)[:3]


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_follows_the_policy_for_every_role(sweep, role):
    c = sweep.client(role)
    actor = sweep.accounts[role]
    defects = []
    for route in _get_routes(sweep):
        actions = actions_of(route) or [route.path]
        allowed = allowed_for(actor, route)
        for url in sweep.urls(route):
            r = c.get(url, follow_redirects=False)
            what = f"{role} GET {url} -> {r.status_code}"
            if r.status_code >= 500:
                defects.append(what)
                continue
            if not allowed and not _refused(role, route, r):
                defects.append(f"{what}: the policy refuses {actions}")
            if allowed and r.status_code in (401, 403) and not _scoped_url(sweep, role, url):
                defects.append(f"{what}: the policy allows {actions}")
            if allowed and role == "public" and r.status_code == 302 and \
                    r.headers["location"].startswith("/login"):
                defects.append(f"{what}: the policy allows {actions}")
            leaked = _leaks(sweep, role, r.text)
            if leaked:
                defects.append(f"{what}: patient identifiers outside the role's scope")
    assert not defects, "\n".join(defects)


def _fields(route: APIRoute) -> list[str]:
    return [p.name for p in route.dependant.body_params]


@pytest.mark.parametrize("role", ROLES)
def test_every_post_route_follows_the_policy_for_every_role(sweep, role):
    """A valid token and an empty form: refused where the policy refuses, never a 500."""
    defects = []
    for route in _post_routes(sweep):
        c = sweep.client(role)  # fresh: /logout ends the session
        token = csrf_from(c.get("/login").text)
        actions = actions_of(route) or [route.path]
        allowed = allowed_for(sweep.accounts[role], route)
        for url in sweep.urls(route):
            r = c.post(url, data={"csrf_token": token}, follow_redirects=False)
            what = f"{role} POST {url} -> {r.status_code}"
            if r.status_code >= 500:
                defects.append(what)
            elif not allowed and not _refused(role, route, r):
                defects.append(f"{what}: the policy refuses {actions}")
    assert not defects, "\n".join(defects)


def _state(con) -> tuple:
    """Row counts of every table a form can change, to show a refused POST changed nothing."""
    cur = con.cursor()
    try:
        tables = [t[0] for t in cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
            "AND table_name NOT IN ('sessions', 'audit_log', 'login_attempts')").fetchall()]
        return tuple((t, cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                     for t in sorted(tables))
    finally:
        cur.close()


def test_every_post_route_refuses_a_forged_request(sweep):
    """No token, a wrong token, another browser's token, or a valid token sent from another
    origin: each refused with 403 before anything is read or changed."""
    victim = sweep.client("admin")
    attacker = sweep.client("admin")
    own = csrf_from(victim.get("/login").text)
    other = csrf_from(attacker.get("/login").text)
    assert own != other
    variants = {
        "no token": ({}, {}),
        "wrong token": ({"csrf_token": "x" + own[1:]}, {}),
        "another session's token": ({"csrf_token": other}, {}),
        "another origin": ({"csrf_token": own}, {"origin": "https://evil.example"}),
        "another site (fetch metadata)": ({"csrf_token": own}, {"sec-fetch-site": "cross-site"}),
        "null origin": ({"csrf_token": own}, {"origin": "null"}),
        "another origin, header token": ({}, {"origin": "https://evil.example",
                                              "x-csrf-token": own}),
    }
    before = _state(sweep.con)
    defects = []
    for route in _post_routes(sweep):
        for url in sweep.urls(route):
            for name, (data, headers) in variants.items():
                form = {f: "1" for f in _fields(route)} | data
                r = victim.post(url, data=form, headers=headers, follow_redirects=False)
                if r.status_code != 403 or "CSRF" not in r.text:
                    defects.append(f"POST {url} with {name} -> {r.status_code}")
    assert not defects, "\n".join(defects)
    assert _state(sweep.con) == before, "a refused request changed the store"
    # and the same session's own token, same origin, is accepted (the check can pass)
    r = victim.post("/logout", data={"csrf_token": own}, headers={"origin": ORIGIN},
                    follow_redirects=False)
    assert r.status_code == 303


MARK = "zq7x"
PAYLOADS = [
    f"{MARK}' OR '1'='1' --",
    f"{MARK}; DROP TABLE pathways; --",
    f"../../../../etc/passwd{MARK}",
    f"..\\..\\{MARK}\\win.ini",
    f"{{{{7*7}}}}{MARK}{{% raw %}}",
    f"${{7*7}}{MARK}#{{7*7}}",
    f"{MARK}\r\nSet-Cookie: injected={MARK}",
    f"<script>{MARK}</script>",
    f'"><img src=x onerror={MARK}>',
    MARK + "A" * 6000,
    f"Zoë{MARK}😀\u202e\ufeff",
    "9434765919",
    "0000-01",
    "-1",
    "%00",
]


def _reflected(payload: str, r) -> bool:
    if payload in ("0000-01", "-1", "%00"):  # crash probes only: too short to attribute
        return False
    if payload in r.text:
        return True
    return any(MARK in v or "9434765919" in v for k, v in r.headers.items()
               if k.lower() != "location") or "injected" in r.headers.get("set-cookie", "")


def _param_urls(sweep, route: APIRoute):
    """(parameter, payload, url) for every path and query parameter and payload."""
    base = sweep.urls(route)[0]
    path_values = (sweep.path_samples().get(route.path) or [{}])[0]
    required = {p.name: sweep.query_samples()[p.name]
                for p in route.dependant.query_params if p.field_info.is_required()}
    for p in route.dependant.path_params:
        for payload in PAYLOADS:
            values = {**path_values, p.name: payload}
            path = route.path.format(**{k: quote(v, safe="") for k, v in values.items()})
            yield p.name, payload, path + (("?" + urlencode(required)) if required else "")
    for p in route.dependant.query_params:
        for payload in PAYLOADS:
            query = urlencode({**required, p.name: payload})
            yield p.name, payload, base.split("?")[0] + "?" + query


@pytest.mark.parametrize("role", ["admin", "public"])
def test_hostile_values_in_every_parameter(sweep, role):
    c = sweep.client(role)
    defects = []
    for route in _get_routes(sweep):
        for name, payload, url in _param_urls(sweep, route):
            r = c.get(url, follow_redirects=False)
            what = f"{role} GET {route.path} {name}={payload[:30]!r} -> {r.status_code}"
            if r.status_code >= 500:
                defects.append(what)
            if "Traceback" in r.text or 'File "' in r.text:
                defects.append(f"{what}: stack trace in the response")
            if _reflected(payload, r):
                defects.append(f"{what}: the value is reflected")
            if "injected" in "".join(f"{k}:{v}" for k, v in r.headers.items()):
                defects.append(f"{what}: a header was injected")
    assert not defects, "\n".join(defects[:60]) + f"\n({len(defects)} defects)"
