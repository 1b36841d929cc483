"""schemathesis against /api/v1/openapi.json: generated requests for every operation, as a signed-in
member of the office; no 5xx, and every response as the document describes it (status, content type,
headers, schema), with schemathesis's default checks.

One default check is left out: "schema-valid request rejected". The document describes the shape of a
request, but whether it is accepted also depends on the matter's state and the rules (R1–R22): returning
a task with no earlier step, or copying a matter one does not take part in, is refused by design (409, 422).
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, given, settings

from tests.conftest import _app, prepare
from webui.api.openapi import openapi_document

OPERATIONS = sorted((method.upper(), path) for path, ops in openapi_document()["paths"].items() for method in ops)


@pytest.fixture
def target(sqlite_url):
    """The app with two matters, a token for the office clerk, and the loaded schema."""
    prepare(sqlite_url).dispose()
    app = _app(sqlite_url)
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "bangong", "password": "demo"}).get_json()["token"]
    for title in ("模糊测试事项一", "模糊测试事项二"):
        client.post("/api/v1/processes/major_decision/instances", json={"title": title, "data": {}},
                    headers={"Authorization": f"Bearer {token}"})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), token


@pytest.mark.parametrize("method,path", OPERATIONS)
def test_every_operation_answers_as_documented(target, method, path):
    schema, token = target
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(suppress_health_check=list(HealthCheck), deadline=None, max_examples=100, database=None)
    def check(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                               excluded_checks=[checks.positive_data_acceptance])

    check()
