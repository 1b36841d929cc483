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
from schemathesis import GenerationMode
from schemathesis import checks
from hypothesis import HealthCheck, given, settings

from tests.conftest import make_app, prepare
from webui import create_app


def _operations() -> list[tuple[str, str]]:
    """Every documented operation, read from the document an app serves."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 32})
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


OPERATIONS = _operations()


@pytest.fixture
def target(sqlite_url):
    """The app with two matters, a token for the office clerk, and the loaded schema."""
    prepare(sqlite_url).dispose()
    app = make_app(sqlite_url)
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


def test_linked_calls_from_start_to_completion_answer_as_documented(target):
    """Stateful: schemathesis follows the document's links (start → matter → task → complete → next task),
    so generated sequences reach real tasks rather than ids that do not exist."""
    schema, token = target
    assert "links" in schema.raw_schema["paths"]["/processes/{key}/instances"]["post"]["responses"]["201"]
    calls: list[tuple[str, int]] = []
    # valid requests only, as the per-operation test makes them: the API reads unknown query fields tolerantly
    schema.config.generation.update(modes=[GenerationMode.POSITIVE], with_security_parameters=False)

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def after_call(self, response, case):
            calls.append((case.operation.label, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # ignored_auth replays a call with broken credentials, but get_call_kwargs puts the real token back
            case.validate_response(response, excluded_checks=[checks.positive_data_acceptance, checks.ignored_auth],
                                   transport_kwargs=kwargs)

    Workflow.run(settings=settings(max_examples=200, stateful_step_count=8, deadline=None, database=None, derandomize=True,
                                   suppress_health_check=list(HealthCheck)))
    seen = set(calls)
    # the links led to real matters and tasks: read, and answered (generated form data is mostly refused, 422)
    assert ("GET /instances/{instance_id}", 200) in seen, sorted(seen)
    assert ("GET /tasks/{task_id}", 200) in seen, sorted(seen)
    assert {("POST /tasks/{task_id}/complete", s) for s in (200, 409, 422)} & seen, sorted(seen)
    assert not [c for c in calls if c[1] >= 500]
