"""Bad requests get a clear 4xx and change nothing."""
from __future__ import annotations

import json
import re

from engine.models import AuditEvent, HumanTask, Instance


def snapshot(app, instance_id: int) -> tuple:
    """Everything stored about a matter: state, lock, tasks and audit."""
    with app.extensions["powerflow"].db.reader() as session:
        instance = session.get(Instance, instance_id)
        tasks = session.query(HumanTask).filter_by(instance_id=instance_id).order_by(HumanTask.id).all()
        events = session.query(AuditEvent).filter_by(instance_id=instance_id).count()
        return (instance.state, instance.lock_version, instance.status,
                [(t.id, t.state, t.completed_by_id) for t in tasks], events)


def first_task(api, instance_id):
    return api.instance(instance_id)["current_tasks"][0]


def test_403_for_a_task_that_is_not_yours_and_matter_unchanged(app, api):
    instance_id = api.start("关于越权办理的决策")
    task = first_task(api, instance_id)  # 登记议题, assigned to the starter
    before = snapshot(app, instance_id)
    response = api.complete(task["id"], "bangong2", {"summary": "x" * 20, "field": "城乡建设", "source": "常委提出",
                                                      "topic_kind": "一般事项"})
    assert response.status_code == 403
    assert "error" in response.get_json()
    assert api.get(f"/tasks/{task['id']}", "bangong2").status_code == 403
    assert snapshot(app, instance_id) == before


def test_422_with_per_field_errors_and_matter_unchanged(app, api):
    instance_id = api.start("关于表单错误的决策")
    task = first_task(api, instance_id)
    before = snapshot(app, instance_id)
    response = api.complete(task["id"], "bangong", {"summary": "太短", "field": "不存在的领域", "source": "随便",
                                                     "topic_kind": "一般事项"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors == {"summary": "至少 10 个字符", "field": "请从给出的选项中选择", "source": "请从给出的选项中选择"}
    missing = api.complete(task["id"], "bangong", {})
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"summary", "field", "source", "topic_kind"}
    assert snapshot(app, instance_id) == before


def test_409_when_the_task_is_no_longer_ready(app, api):
    instance_id = api.start("关于重复提交的决策")
    task = first_task(api, instance_id)
    data = {"summary": "拟安排专项资金用于某项工作。", "field": "城乡建设", "source": "常委提出", "topic_kind": "一般事项"}
    assert api.complete(task["id"], "bangong", data).status_code == 200
    before = snapshot(app, instance_id)
    again = api.complete(task["id"], "bangong", data)
    assert again.status_code == 409
    assert snapshot(app, instance_id) == before


def test_bad_bodies_and_missing_tokens(api):
    instance_id = api.start("关于请求格式的决策")
    task = first_task(api, instance_id)
    headers = {"Authorization": f"Bearer {api.token('bangong')}"}
    not_json = api.client.post(f"/api/v1/tasks/{task['id']}/complete", data="data=1", headers=headers)
    assert not_json.status_code == 422 and "_body" in not_json.get_json()["errors"]
    array = api.client.post(f"/api/v1/tasks/{task['id']}/complete", data=json.dumps([1]), headers=headers,
                            content_type="application/json")
    assert array.status_code == 422
    assert api.client.get("/api/v1/tasks").status_code == 401
    assert api.client.get("/api/v1/tasks", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert api.client.post("/api/v1/auth/token", json={"username": "bangong", "password": "wrong"}).status_code == 401
    assert api.get("/tasks/999999", "bangong").status_code == 404
    assert api.get("/instances/999999", "bangong").status_code == 404
    untitled = api.post("/processes/major_decision/instances", "bangong", {"title": "", "data": {}})
    assert untitled.status_code == 422 and "title" in untitled.get_json()["errors"]
    assert api.post("/processes/nope/instances", "bangong", {"title": "x"}).status_code == 404


def test_only_the_start_lane_role_may_start(api):
    response = api.post("/processes/major_decision/instances", "jiandu", {"title": "监督员不能发起"})
    assert response.status_code == 403
    listing = {p["key"]: p for p in api.get("/processes", "jiandu").get_json()}
    assert listing["major_decision"]["can_start"] is False
    assert {p["key"]: p for p in api.get("/processes", "bangong").get_json()}["major_decision"]["can_start"]


def test_matter_hidden_from_users_outside_it(api):
    instance_id = api.start("关于保密事项的决策")
    assert api.get(f"/instances/{instance_id}", "daibiao").status_code == 404
    assert api.get(f"/instances/{instance_id}/flowchart.svg", "daibiao").status_code == 404
    assert api.get(f"/instances/{instance_id}", "jiwei").status_code == 200  # auditors see all


def test_openapi_document_describes_every_route(api, app):
    doc = api.client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):]), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1") and rule.endpoint != "api.openapi"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert described == routes, f"undocumented: {routes - described}; stale: {described - routes}"
    complete = doc["paths"]["/tasks/{task_id}/complete"]["post"]["responses"]
    assert {"200", "403", "409", "422"} <= set(complete)
