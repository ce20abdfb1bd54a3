"""The permission matrix: every role x scope x route -> allowed / forbidden / login, and audit.

Expected outcomes are written out by hand from the access rules in the issue (not derived
from the policy module), so a change to the policy that breaks a rule fails here.
"""

from __future__ import annotations

import pytest

from cancer_alliance.web.routes import ROUTERS
from cancer_alliance.web.views import operations, operations_forms

from .conftest import ACCOUNTS

ROLES = ("admin", "analyst", "provider", "commissioner", "board", "public")
OK, DENY, LOGIN, TO_PUBLIC, UNAUTH, SEE_OTHER = 200, 403, "login", "to-public", 401, 303

# submission 1 is RAA's (the provider user's trust); submission 7 is RBB's.
MATRIX: list[tuple[str, dict[str, object], bool]] = [
    # path, expected by role (default for unlisted roles given by "*"), audited when allowed
    ("/", {"public": TO_PUBLIC, "*": OK}, False),
    ("/standards", {"public": LOGIN, "*": OK}, False),
    ("/standards/62_DAY", {"public": LOGIN, "*": OK}, False),
    ("/standards/62_DAY_BACKLOG", {"public": LOGIN, "*": OK}, False),
    ("/standards/FDS?provider=RBB", {"public": LOGIN, "*": OK}, False),
    ("/providers", {"public": LOGIN, "*": OK}, False),
    ("/providers/RBB", {"public": LOGIN, "*": OK}, False),
    ("/commissioners", {"public": LOGIN, "*": OK}, False),
    ("/commissioners/QBB", {"public": LOGIN, "*": OK}, False),
    ("/tumour-groups", {"public": LOGIN, "*": OK}, False),
    ("/board", {"public": LOGIN, "*": OK}, False),
    ("/tumour-groups/LUNG", {"public": LOGIN, "*": OK}, False),
    ("/rare-cancers", {"public": LOGIN, "*": OK}, False),
    ("/equity", {"public": LOGIN, "*": OK}, False),
    ("/outcomes", {"public": LOGIN, "*": OK}, False),
    ("/looking-ahead", {"public": LOGIN, "*": OK}, False),
    ("/looking-ahead/capacity", {"public": LOGIN, "*": OK}, False),
    ("/looking-ahead/scenarios", {"public": LOGIN, "*": OK}, False),
    ("/public", {"*": OK}, False),
    ("/definitions", {"*": OK}, False),
    ("/help", {"*": OK}, False),
    ("/standards/62_DAY/provider.csv", {"*": OK}, False),
    ("/api/docs", {"*": OK}, False),
    ("/api/openapi.json", {"*": OK}, False),
    ("/api/v1/standards", {"*": OK}, False),
    ("/api/v1/metrics/FDS?by=commissioner", {"*": OK}, False),
    ("/healthz", {"*": OK}, False),
    ("/login", {"*": OK}, False),
    # patient-level: audited
    ("/ptl", {"board": DENY, "public": LOGIN, "*": OK}, True),
    ("/ptl.csv", {"board": DENY, "public": LOGIN, "*": OK}, True),
    ("/harm-review", {"board": DENY, "public": LOGIN, "*": OK}, True),
    ("/harm-review.csv", {"board": DENY, "public": LOGIN, "*": OK}, True),
    ("/harm-review?provider=RBB", {"provider": DENY, "board": DENY, "public": LOGIN,
                                   "*": OK}, True),
    ("/standards/FDS/outcomes.csv", {"board": DENY, "public": LOGIN, "*": OK}, True),
    ("/standards/FDS/pathways", {"board": DENY, "public": LOGIN, "*": OK}, True),
    ("/standards/FDS/pathways?provider=RBB", {"provider": DENY, "board": DENY,
                                              "public": LOGIN, "*": OK}, True),
    ("/standards/FDS?tumour_group=LUNG&provider=RBB", {"public": LOGIN, "*": OK}, False),
    ("/ptl?provider=RAA", {"board": DENY, "public": LOGIN, "*": OK}, True),
    ("/ptl?provider=RBB", {"provider": DENY, "board": DENY, "public": LOGIN, "*": OK}, True),
    ("/submissions/1", {"commissioner": DENY, "board": DENY, "public": LOGIN, "*": OK}, True),
    ("/submissions/1/rejections.csv",
     {"commissioner": DENY, "board": DENY, "public": LOGIN, "*": OK}, True),
    ("/submissions/7", {"provider": DENY, "commissioner": DENY, "board": DENY,
                        "public": LOGIN, "*": OK}, True),
    # the reconciliation: exact local counts, so never for protected roles; a provider
    # user sees its own trust's lines only
    ("/reconciliation", {"board": DENY, "public": LOGIN, "*": OK}, False),
    ("/reconciliation?provider=RAA", {"board": DENY, "public": LOGIN, "*": OK}, False),
    ("/reconciliation?provider=RBB", {"provider": DENY, "board": DENY, "public": LOGIN,
                                      "*": OK}, False),
    # submitting and administration
    ("/submissions", {"commissioner": DENY, "board": DENY, "public": LOGIN, "*": OK}, False),
    ("/completeness", {"commissioner": DENY, "board": DENY, "public": LOGIN, "*": OK}, False),
    ("/submissions?provider=RBB", {"provider": DENY, "commissioner": DENY, "board": DENY,
                                   "public": LOGIN, "*": OK}, False),
    ("/capacity/submissions", {"commissioner": DENY, "board": DENY, "public": LOGIN,
                               "*": OK}, False),
    ("/capacity/submissions?provider=RBB", {"provider": DENY, "commissioner": DENY,
                                            "board": DENY, "public": LOGIN, "*": OK}, False),
    ("/api/v1/submissions/1", {"commissioner": DENY, "board": DENY, "public": UNAUTH,
                               "*": OK}, False),
    ("/admin/audit", {"admin": OK, "public": LOGIN, "*": DENY}, False),
    ("/admin/users", {"admin": OK, "public": LOGIN, "*": DENY}, False),
    # operations: pages for every logged-in user, loading for the alliance team
    ("/operations", {"public": LOGIN, "*": OK}, False),
    ("/operations/governance", {"public": LOGIN, "*": OK}, False),
    ("/operations/plan", {"public": LOGIN, "*": OK}, False),
    ("/operations/trajectories", {"public": LOGIN, "*": OK}, False),
    ("/operations/trajectories/ALLIANCE/62_DAY", {"public": LOGIN, "*": OK}, False),
    ("/operations/bids", {"public": LOGIN, "*": OK}, False),
    ("/operations/funding-rules", {"public": LOGIN, "*": OK}, False),
    ("/operations/voice", {"public": LOGIN, "*": OK}, False),
    ("/operations/initiatives", {"public": LOGIN, "*": OK}, False),
    ("/operations/load", {"admin": OK, "analyst": OK, "public": LOGIN, "*": DENY}, False),
    # packs: a provider user opens only its own provider's packs, never the board pack
    ("/operations/packs", {"public": LOGIN, "*": OK}, False),
    ("/operations/packs/view?provider_code=RAA&period=2024-06",
     {"public": LOGIN, "*": SEE_OTHER}, False),
    ("/operations/packs/view?provider_code=RBB&period=2024-06",
     {"provider": DENY, "public": LOGIN, "*": SEE_OTHER}, False),
    # the live pack view lists the provider's highest-risk patients, audited, only for the
    # roles that may see that provider's patients
    ("/operations/packs/view/RBB/2024-06", {"provider": DENY, "public": LOGIN, "*": OK},
     ("admin", "analyst")),
    # the pathways behind every figure of a provider pack: the alliance team and the
    # provider's own users (a commissioner's population would not add up to the figures)
    ("/operations/packs/view/RAA/2024-06/pathways.csv",
     {"commissioner": DENY, "board": DENY, "public": LOGIN, "*": OK}, True),
    ("/operations/packs/view/RBB/2024-06/pathways.csv",
     {"provider": DENY, "commissioner": DENY, "board": DENY, "public": LOGIN, "*": OK}, True),
]

CASES = [
    pytest.param(path, role, expected.get(role, expected["*"]),
                 audited if isinstance(audited, bool) else role in audited,
                 id=f"{role}:{path}")
    for path, expected, audited in MATRIX
    for role in ROLES
]


def _audit_rows(store, username: str) -> int:
    cur = store.cursor()
    try:
        return cur.execute(
            "SELECT count(*) FROM audit_log WHERE username = ? AND action = 'view_patient'",
            [username]).fetchall()[0][0]
    finally:
        cur.close()


@pytest.mark.parametrize("path, role, expected, audited", CASES)
def test_permission_matrix(clients, store, path, role, expected, audited):
    username = ACCOUNTS[role][0] if role in ACCOUNTS else "anonymous"
    before = _audit_rows(store, username)
    r = clients[role].get(path, follow_redirects=False)
    if expected == LOGIN:
        assert r.status_code == 302
        assert r.headers["location"].startswith("/login?next=")
    elif expected == TO_PUBLIC:
        assert r.status_code == 302 and r.headers["location"] == "/public"
    else:
        assert r.status_code == expected, r.text[:300]
    after = _audit_rows(store, username)
    if expected == OK and audited:
        assert after == before + 1, "a patient-level view must write exactly one audit row"
    else:
        assert after == before, "only allowed patient-level views are audited"


def test_every_route_is_in_the_matrix(app):
    """A new page must be added to the matrix above (so its access is decided on purpose)."""
    covered = {p.split("?")[0] for p, _, _ in MATRIX}
    covered |= {"/standards/{code}", "/providers/{code}", "/commissioners/{code}",
                "/tumour-groups/{group}", "/standards/{code}/{breakdown}.csv",
                "/standards/{code}/outcomes.csv", "/standards/{code}/pathways",
                "/submissions/{submission_id}", "/submissions/{submission_id}/rejections.csv",
                "/api/v1/metrics/{standard}", "/api/v1/submissions/{submission_id}",
                "/operations/trajectories/{org_code}/{measure_code}",
                "/operations/packs/view/{provider_code}/{period}",
                "/operations/packs/view/{provider_code}/{period}/pathways.csv",
                # who may see a job is tested by role in test_jobs
                "/jobs/{job_id}", "/api/v1/jobs/{job_id}"}
    # A capacity return needs an upload first: tests/web/test_capacity_upload.py opens it
    # as its provider, another trust's provider and the alliance team.
    covered |= {"/capacity/submissions/{submission_id}",
                "/capacity/submissions/{submission_id}/rejections.csv"}
    # Need a stored record; tests/operations/test_web_routes.py opens them per role.
    covered |= {"/operations/bids/{bid_id}", "/operations/initiatives/{initiative_id}",
                "/operations/packs/{report_id}"}
    # POST-only routes and sign-on are tested in test_auth, test_api and test_upload; the
    # operations forms (edit_operations) in tests/operations/test_web_forms.py.
    covered |= {"/logout", "/login/sso", "/login/sso/callback", "/api/v1/submissions",
                "/admin/users/disable", "/admin/tokens",
                "/completeness/finalise"}  # tested in test_completeness
    covered |= {r.path for r in operations_forms.router.routes}
    covered |= {r.path for r in operations.router.routes if r.methods == {"POST"}}
    paths = {r.path for router in ROUTERS for r in router.routes}
    assert len(paths) > 20, "the area's routes were not found"
    missing = sorted(p for p in paths if p not in covered)
    assert not missing, f"routes missing from the permission matrix: {missing}"


def _dependencies(dependant) -> set[str]:
    names = set()
    for d in dependant.dependencies:
        names.add(getattr(d.call, "__name__", ""))
        names |= _dependencies(d)
    return names


def test_every_operations_change_needs_edit_operations():
    """Each POST of the operations pages and forms asks the policy for ``edit_operations``
    (through ``web.deps.require``); the viewers' 403 is exercised in
    tests/operations/test_web_forms.py and test_web_routes.py."""
    posts = [r for router in (operations.router, operations_forms.router)
             for r in router.routes if "POST" in r.methods]
    assert len(posts) > 20
    for r in posts:
        assert "require_edit_operations" in _dependencies(r.dependant), r.path
    gets = [r for r in operations.router.routes if "GET" in r.methods]
    for r in gets:
        deps = _dependencies(r.dependant)
        assert deps & {"require_view_operations", "require_edit_operations"}, r.path


def test_forbidden_page_says_why_without_detail(clients):
    r = clients["board"].get("/ptl")
    assert r.status_code == 403
    assert "never see patient-level data" in r.text
    r = clients["provider"].get("/submissions/7")
    assert "RAA" in r.text and "RAA-0" not in r.text


def test_api_errors_have_one_json_shape(clients):
    r = clients["public"].get("/api/v1/submissions/1")
    assert r.status_code == 401
    assert set(r.json()) == {"error"}
    assert set(r.json()["error"]) == {"status", "title", "message"}
    r = clients["board"].get("/api/v1/submissions/1")
    assert r.status_code == 403 and r.json()["error"]["status"] == 403
