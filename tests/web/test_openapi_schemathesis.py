"""Schemathesis against the app's own OpenAPI document, in-process (issue 14): every
documented operation, with a bounded number of generated requests, answers without a 5xx
and as its schema says. Runs as the public caller (no token) and a provider token."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    response_schema_conformance,
    status_code_conformance,
)

from cancer_alliance.auth import tokens  # noqa: E402


@pytest.fixture(scope="module")
def api_schema(app, store):
    cur = store.cursor()
    token = tokens.create_token(cur, "RAA", "schemathesis")
    cur.close()
    loaded = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    loaded.config.headers = {"authorization": f"Bearer {token}"}
    return loaded


def test_api_conforms_to_its_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 5, "the API's operations were not found"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error,
                                                     status_code_conformance,
                                                     response_schema_conformance])

        run()
