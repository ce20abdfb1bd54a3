"""Measure codes typed into the operations forms are checked against the reference.

One rule (``operations.actuals.check_measure_codes``) for the three forms that name
measures: a trajectory, a deliverable of the delivery plan, an initiative. A typo is
refused with a 400 naming the field and listing the codes, and nothing is stored.
"""

from __future__ import annotations

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.metrics import STANDARDS
from cancer_alliance.metrics.measures import MEASURES
from cancer_alliance.operations import actuals
from operations._web import _client, _csrf


def test_known_codes_pass_and_are_split_and_trimmed():
    assert actuals.check_measure_codes(" FDS , 62_DAY,,HNA_COVERAGE ") == [
        "FDS", "62_DAY", "HNA_COVERAGE"]
    assert actuals.check_measure_codes("") == []
    assert actuals.check_measure_codes(None) == []
    # every standard and every measure of the reference is a code
    assert set(actuals.measure_codes()) == set(STANDARDS) | set(MEASURES)


def test_an_unknown_code_is_named_with_the_codes_that_exist():
    with pytest.raises(UsageError) as exc:
        actuals.check_measure_codes("FDS,FD5", "target measure")
    text = str(exc.value)
    assert text.startswith('target measure "FD5" is not a standard or measure code')
    assert "62_DAY" in text and "HNA_COVERAGE" in text
    # at most 20 characters of what was typed
    with pytest.raises(UsageError) as exc:
        actuals.check_measure_codes("X" * 500)
    assert "X" * 21 not in str(exc.value)


def test_a_trajectory_takes_only_codes_a_trajectory_can_be_set_for():
    kinds = {c: d.kind for c, d in MEASURES.items()}
    other = next((c for c, k in kinds.items() if k not in actuals.TRAJECTORY_MEASURE_KINDS),
                 None)
    if other is None:
        pytest.skip("every measure can have a trajectory")
    assert actuals.check_measure_codes(other) == [other]
    with pytest.raises(UsageError):
        actuals.check_measure_codes(other, trajectory=True)


def _post(c, page: str, url: str, data: dict):
    return c.post(url, data={**data, "csrf_token": _csrf(c.get(page).text)},
                  follow_redirects=False)


def test_each_form_refuses_an_unknown_measure_and_stores_nothing(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    r = _post(c, "/operations/trajectories", "/operations/trajectories",
              {"org_code": "ALLIANCE", "measure_code": "FD5", "months": "2024-04 90"})
    assert r.status_code == 422 and "is not a standard or measure code" in r.text
    assert con.execute("SELECT count(*) FROM trajectories WHERE measure_code = 'FD5'"
                       ).fetchone()[0] == 0
    r = _post(c, "/operations/trajectories", "/operations/trajectories",
              {"org_code": "NOPE1", "measure_code": "FDS", "months": "2024-04 90"})
    assert r.status_code == 422 and "is not ALLIANCE or a provider" in r.text
    r = _post(c, "/operations/plan", "/operations/plan", {
        "deliverable_id": "D77", "title": "T", "year": "2025", "owner": "O",
        "priority": "LIVING_WITH_AND_BEYOND", "rag": "GREEN", "measures": "FDS, HNA_COVERAG"})
    assert r.status_code == 400 and "HNA_COVERAG&#34; is not a standard or measure code" in r.text
    assert con.execute("SELECT count(*) FROM deliverables WHERE deliverable_id = 'D77'"
                       ).fetchone()[0] == 0
    r = _post(c, "/operations/initiatives", "/operations/initiatives", {
        "initiative_id": "I77", "name": "N", "kind": "PATHWAY", "go_live": "2024-02",
        "target_measures": "62-DAY", "improvement": "increase"})
    assert r.status_code == 400 and "target measure &#34;62-DAY&#34;" in r.text
    assert con.execute("SELECT count(*) FROM initiatives WHERE initiative_id = 'I77'"
                       ).fetchone()[0] == 0
    # and a known code is stored, trimmed
    r = _post(c, "/operations/plan", "/operations/plan", {
        "deliverable_id": "D78", "title": "T", "year": "2025", "owner": "O",
        "priority": "LIVING_WITH_AND_BEYOND", "rag": "GREEN", "measures": "FDS , 62_DAY"})
    assert r.status_code == 303
    assert con.execute("SELECT measures FROM deliverables WHERE deliverable_id = 'D78'"
                       ).fetchone()[0] == "FDS,62_DAY"
