"""The modeler's server side: every problem at once by element name, empty documents refused, forms kept
in their designed order with number bounds enforced, the `file` property checked at deploy time, and a Camunda
diagram opened in the modeler converted for designers only."""
from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import AuthActions, csrf_token
from tests.process.test_designs import FORMS, XML, design, designer_client

LEAVE = {"type": "object", "title": "请假", "required": ["reason", "days"], "properties": {
    "reason": {"type": "string", "title": "事由", "minLength": 1},
    "days": {"type": "integer", "title": "天数", "minimum": 1, "maximum": 30},
    "approver_note": {"type": "string", "title": "备注"},
    "a_date": {"type": "string", "format": "date", "title": "开始日期"}}}


def test_validation_lists_every_problem_by_name_and_refuses_empty_documents(app):
    client, headers = designer_client(app)
    two_faults = XML.replace('value="dd_fill.schema.json"', 'value="missing.schema.json"') \
                    .replace('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />', '')
    refused = client.post("/modeler/validate", json={"bpmn_xml": two_faults, "forms": FORMS}, headers=headers)
    assert refused.status_code == 422
    found = {(p["element"], p["name"]): p["message"] for p in refused.get_json()["problems"]}
    assert "missing.schema.json" in found[("fill", "填报")]  # both faults at once, each by the element's name
    assert ("review", "审核") in found and ("end", "完成") in found  # the cut flow: review and end are stranded
    assert len(refused.get_json()["problems"]) >= 3

    blank = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
             '<bpmn:process id="empty_one" isExecutable="true" /></bpmn:definitions>')
    for body, words in (({"bpmn_xml": ""}, "缺少流程图"), ({"bpmn_xml": blank}, "没有开始事件"),
                        ({"bpmn_xml": '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
                          ' id="d" />'}, "没有可执行的流程"), ({"bpmn_xml": "<not-closed"}, "XML")):
        for url in ("/modeler/validate", "/modeler/deploy"):
            answer = client.post(url, json=body, headers=headers)
            assert answer.status_code == 422, (url, body)
            assert words in json.dumps(answer.get_json(), ensure_ascii=False), (url, answer.get_json())
    listed = client.get("/modeler/").get_data(as_text=True)
    assert "empty_one" not in listed


def test_forms_keep_their_designed_order_and_numbers_keep_their_bounds(app, api):
    forms = {"dd_fill.schema.json": LEAVE, "dd_review.schema.json": FORMS["dd_review.schema.json"]}
    # sent as the browser sends it: the test client's json= would sort the keys on the way
    sent = api.client.post("/api/v1/designs", data=json.dumps({"bpmn_xml": XML, "forms": forms}),
                           content_type="application/json", headers={"Authorization": f"Bearer {api.token('sheji')}"})
    assert sent.status_code == 201
    client, _ = designer_client(app)
    page = client.get("/modeler/edit/design_demo").get_data(as_text=True)
    loaded = json.loads(re.search(r'id="forms-data">(.*?)</script>', page, re.S).group(1))
    assert list(loaded["dd_fill.schema.json"]["properties"]) == ["reason", "days", "approver_note", "a_date"]

    matter = api.post("/processes/design_demo/instances", "bangong", {"title": "请假", "data": {}}).get_json()["id"]
    task = api.instance(matter)["current_tasks"][0]
    assert api.get(f"/tasks/{task['id']}", "bangong").get_json()["form"]["x-order"] == list(LEAVE["properties"])
    office = app.test_client()
    AuthActions(office).login("bangong")
    html = office.get(f"/tasks/{task['id']}").get_data(as_text=True)
    at = [html.index(f'id="f-{name}"') for name in LEAVE["properties"]]
    assert at == sorted(at)  # the task page shows the fields as designed, on SQLite and on PostgreSQL's JSONB
    for days in (-3, 0, 31):
        refused = api.complete(task["id"], "bangong", {"reason": "家中有事", "days": days})
        assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"days"}
    assert api.instance(matter)["current_tasks"][0]["id"] == task["id"]  # nothing moved
    assert api.complete(task["id"], "bangong", {"reason": "家中有事", "days": 3}).status_code == 200

    upside_down = {**forms, "dd_fill.schema.json": {**LEAVE, "properties": {
        **LEAVE["properties"], "days": {"type": "integer", "minimum": 10, "maximum": 2}}}}
    refused = design(api, forms=upside_down)
    assert refused.status_code == 422 and "最小值 10 大于最大值 2" in json.dumps(refused.get_json(), ensure_ascii=False)


def test_the_file_property_names_only_other_user_tasks(api):
    def with_file(value):
        return XML.replace('<spiffworkflow:property name="dueInWorkingDays" value="2" />',
                           f'<spiffworkflow:property name="dueInWorkingDays" value="2" />'
                           f'<spiffworkflow:property name="file" value="{value}" />')
    refused = design(api, with_file("fill start nowhere"), path="/designs/validate")
    assert refused.status_code == 422
    message = refused.get_json()["errors"]["review"]
    assert "start" in message and "nowhere" in message and "fill" not in message.split("列出的")[1].split("不是")[0]
    for fine in ("fill", "none"):
        assert design(api, with_file(fine), path="/designs/validate").status_code == 200


def test_lint_names_element_types_the_engine_does_not_run(tmp_path):
    from engine.process.lint import lint_document
    xml = XML.replace('<bpmn:userTask id="review" name="审核">', '<bpmn:manualTask id="review" name="审核">') \
             .replace('</bpmn:userTask>\n    <bpmn:endEvent', '</bpmn:manualTask>\n    <bpmn:endEvent')
    problems = lint_document(xml.encode(), "design_demo.bpmn", FORMS, {}, {"办公室"})
    assert any(p.element == "review" and "manualTask" in p.message for p in problems)
    assert "design_demo.bpmn [review]" in " ".join(str(p) for p in problems)  # the CLI line names file and element


def test_the_modeler_loads_minified_bundles_and_its_own_stylesheet(app):
    client, _ = designer_client(app)
    for url in ("/modeler/new", "/modeler/dmn/large_fund.dmn"):
        page = client.get(url).get_data(as_text=True)
        assert ".production.min.js" in page and ".development.js" not in page and "modeler.css" in page
    app_css = (Path(__file__).parents[2] / "webui" / "static" / "app.css").read_text(encoding="utf-8")
    assert ".modeler-panel" not in app_css


def test_the_modeler_converts_camunda_diagrams_for_designers_only(app):
    client, headers = designer_client(app)
    xml = (Path(__file__).parent.parent / "data" / "import" / "camunda7_leave.bpmn").read_text(encoding="utf-8")
    done = client.post("/modeler/import", json={"bpmn_xml": xml, "filename": "leave.bpmn"}, headers=headers)
    assert done.status_code == 200 and done.get_json()["dialect_name"] == "Camunda 7"  # the API's answer, shared
    for body, fields in (({"bpmn_xml": "<not-closed"}, {"bpmn_xml"}),
                         ({"bpmn_xml": " ", "filename": "../x.txt"}, {"bpmn_xml", "filename"})):
        refused = client.post("/modeler/import", json=body, headers=headers)
        assert 400 <= refused.status_code < 500 and set(refused.get_json()["errors"]) == fields, refused.get_json()
    assert client.post("/modeler/import", data="[]", content_type="application/json",
                       headers=headers).status_code == 422
    office = app.test_client()
    AuthActions(office).login("bangong")
    token = csrf_token(office.get("/tasks").get_data(as_text=True))
    assert office.post("/modeler/import", json={"bpmn_xml": xml}, headers={"X-CSRFToken": token}).status_code == 403
