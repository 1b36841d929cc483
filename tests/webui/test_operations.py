"""Operating powerflow: /healthz, /readyz, /metrics, request ids in the audit and JSON logs without secrets."""
from __future__ import annotations

import io
import json
import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from engine.audit.chain import verify
from engine.models import AuditEvent, HumanTask, OutgoingMail
from engine.runtime.worker import TimerWorker
from engine.storage.database import Database
from tests.conftest import PROCESSES
from webui import create_app
from webui.http import logs

FILE = {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
COMPLETE = "/api/v1/tasks/<int:task_id>/complete"


def scrape(client) -> dict:
    """The /metrics answer as {(name, labels): value}."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def first_task(api) -> int:
    instance = api.start("运维测试事项")
    return next(t["id"] for t in api.instance(instance, "bangong")["current_tasks"])


def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_readyz_waits_for_a_worker_and_notices_when_it_is_gone(app):
    client, engine = app.test_client(), app.extensions["powerflow"]
    waiting = client.get("/readyz")
    assert waiting.status_code == 503
    checks = waiting.get_json()["checks"]
    assert checks["database"]["ok"] and checks["migrations"]["ok"]
    assert checks["worker"] == {"ok": False, "detail": "no worker has reported"}

    TimerWorker(engine.runtime).run_round()
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"

    now = engine.runtime.clock()
    engine.runtime.clock = lambda: now + timedelta(minutes=2)  # two minutes without a round
    gone = client.get("/readyz")
    assert gone.status_code == 503
    assert re.fullmatch(r"last seen 1[12]\d s ago", gone.get_json()["checks"]["worker"]["detail"])


def test_readyz_names_a_schema_behind_its_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    Database(url).migrate("0014")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x" * 32, "PROCESSES_DIR": str(PROCESSES),
                      "ATTACHMENTS_DIR": str(tmp_path)})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    migrations = response.get_json()["checks"]["migrations"]
    assert migrations["ok"] is False and re.fullmatch(r"at 0014, newest 00\d\d", migrations["detail"])
    assert migrations["detail"] != "at 0014, newest 0014"
    app.extensions["powerflow"].dispose()


def test_readyz_says_the_database_is_unreachable_without_an_error_page(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
                      "SECRET_KEY": "x" * 32, "PROCESSES_DIR": str(PROCESSES), "ATTACHMENTS_DIR": str(tmp_path)})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False
    assert "unreachable" in response.get_json()["checks"]["database"]["detail"]


def test_metrics_count_requests_and_completions_and_read_the_state(app, api):
    client, engine = app.test_client(), app.extensions["powerflow"]
    task = first_task(api)
    before = scrape(client)
    assert api.complete(task, "bangong", FILE).status_code == 200
    after = scrape(client)

    assert after[("powerflow_task_completions_total", ())] == before.get(("powerflow_task_completions_total", ()), 0) + 1
    key = ("powerflow_http_request_duration_seconds_count",
           (("method", "POST"), ("route", COMPLETE), ("status", "200")))
    assert after[key] == before.get(key, 0) + 1
    with engine.db.reader() as session:
        now = engine.runtime.clock()
        overdue = session.scalar(sa.select(sa.func.count()).where(HumanTask.state == "ready", HumanTask.due_at < now))
        backlog = session.scalar(sa.select(sa.func.count()).where(OutgoingMail.sent_at.is_(None)))
    assert after[("powerflow_tasks_overdue", ())] == overdue
    assert after[("powerflow_outbox_backlog", ())] == backlog
    assert after[("powerflow_timers_due", ())] == after[("powerflow_timers_late", ())] == 0

    engine.runtime.clock = lambda: now + timedelta(days=60)  # every step of the new matter is overdue by then
    later = scrape(client)
    assert later[("powerflow_tasks_overdue", ())] > overdue


def test_the_request_id_reaches_the_audit_entry_and_the_chain_holds(app, api):
    task = first_task(api)
    response = api.client.post(f"/api/v1/tasks/{task}/complete", json={"data": FILE},
                               headers={"Authorization": f"Bearer {api.token('bangong')}",
                                        "X-Request-ID": "proxy-trace-0001"})
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "proxy-trace-0001"
    forged = api.client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])  # not kept: it would go into the logs

    with app.extensions["powerflow"].db.reader() as session:
        events = session.scalars(sa.select(AuditEvent).where(AuditEvent.request_id == "proxy-trace-0001")).all()
        assert {e.element_id for e in events} >= {"file_topic"}
        assert verify(session).problems == []
        event = events[0]
        event.request_id = "another-request"  # changing it afterwards breaks the chain
        session.flush()
        assert [(p.position, p.what.code) for p in verify(session).problems] == [(event.seq, "audit.tampered")]


@pytest.fixture
def json_log():
    """Every log line of the test, as the server writes them (JSON), at DEBUG; the root logger put back after."""
    root, quieted = logging.getLogger(), [logging.getLogger(name) for name in ("sqlalchemy", "spiff")]
    saved = root.handlers[:], root.level, [logger.level for logger in quieted]
    stream = io.StringIO()
    logs.configure("json", stream, logging.DEBUG)
    yield stream
    root.handlers[:], level, levels = saved
    root.setLevel(level)
    for logger, old in zip(quieted, levels):
        logger.setLevel(old)


def test_json_logs_carry_the_request_id_and_no_password_token_or_form(app, api, json_log):
    client = app.test_client()
    answer = client.post("/api/v1/auth/token", json={"username": "bangong", "password": "demo"},
                         headers={"X-Request-ID": "signin-request-1"})
    token = answer.get_json()["token"]
    task = first_task(api)
    done = client.post(f"/api/v1/tasks/{task}/complete?note=private-query", json={"data": FILE},
                       headers={"Authorization": f"Bearer {token}", "X-Request-ID": "complete-request-1"})
    assert done.status_code == 200

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    access = {line["request_id"]: line for line in lines if line["logger"] == "powerflow.access"}
    assert access["complete-request-1"]["status"] == 200
    assert access["complete-request-1"]["route"] == COMPLETE
    assert access["signin-request-1"]["path"] == "/api/v1/auth/token"
    assert all(line["time"].endswith("+08:00") for line in lines)  # Beijing time
    text = json_log.getvalue()
    for secret in (token, '"demo"', "password", app.config["SECRET_KEY"], "private-query", FILE["summary"]):
        assert secret not in text


def test_a_json_line_carries_none_of_a_librarys_extras(json_log):
    # SpiffWorkflow attaches a task's whole data to its records; a warning of its would reach the log.
    logging.getLogger("spiff.task").warning("State changed to COMPLETED",
                                            extra={"data": {"ballot": "agree"}, "task_spec": "item_vote"})
    (line,) = [json.loads(text) for text in json_log.getvalue().splitlines()]
    assert line["message"] == "State changed to COMPLETED" and set(line) <= set(logs.FIELDS)
    assert "agree" not in json_log.getvalue() and "item_vote" not in json_log.getvalue()
