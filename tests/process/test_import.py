"""Importing diagrams from Camunda 7, Camunda 8 (Zeebe) and SpiffArena: the converted diagram, the report of
every extension found ("what maps, what does not") and every problem validation still finds, all at once."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.process.importing import import_document
from engine.process.importing.expressions import Untranslatable, feel, juel
from tests.api_client import Api

DATA = Path(__file__).parent.parent / "data" / "import"
STANDARD = {"http://www.omg.org/spec/BPMN/20100524/MODEL", "http://www.omg.org/spec/BPMN/20100524/DI",
            "http://www.omg.org/spec/DD/20100524/DC", "http://www.omg.org/spec/DD/20100524/DI",
            "http://www.w3.org/2001/XMLSchema-instance"}
FORM = {"type": "object", "required": ["approved"], "properties": {"approved": {"type": "boolean", "title": "同意"}}}
FILL = {"type": "object", "required": ["days"], "properties": {"days": {"type": "integer", "title": "天数"}}}


@pytest.fixture
def web_api(web_app):
    """The API on SQLite only, for refusals and translations that do not depend on the database."""
    return Api(web_app.test_client())


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def importing(api, xml: str, forms: dict | None = None, user: str = "sheji", **more):
    return api.post("/designs/import", user, {"bpmn_xml": xml, **({"forms": forms} if forms is not None else {}),
                                              **more})


def by_place(report: list[dict]) -> dict[tuple, dict]:
    entries = {(e["element"], e["attribute"]): e for e in report}
    assert len(entries) == len(report), "one entry per extension of each element"
    return entries


def foreign(xml: str) -> set[tuple[str, str]]:
    """Each extension attribute and extension element of a document, by the id of the element it belongs to."""
    found = set()

    def walk(node, owner):
        prefixes = {uri: prefix for prefix, uri in node.nsmap.items()}
        owner = owner if etree.QName(node).localname.endswith("EventDefinition") else node.get("id") or owner
        for name in node.attrib:
            namespace = etree.QName(name).namespace
            if namespace and namespace not in STANDARD:
                found.add((owner, f"{prefixes[namespace]}:{etree.QName(name).localname}"))
        for child in node:
            namespace = etree.QName(child).namespace
            if namespace in STANDARD:
                walk(child, owner)
            else:
                found.add((owner, f"{prefixes[namespace]}:{etree.QName(child).localname}"))

    walk(etree.fromstring(xml.encode("utf-8")), None)
    return found


def assert_nothing_silent(xml: str, report: list[dict]) -> None:
    listed = {(e["element"], e["attribute"].split("/@")[0]) for e in report}
    assert foreign(xml) <= listed, f"not in the report: {foreign(xml) - listed}"
    for entry in report:
        assert entry["outcome"] in ("mapped", "not_mapped", "reported", "kept")
        assert entry["became"] if entry["outcome"] == "mapped" else entry["why"], entry


def test_a_camunda7_diagram_maps_roles_users_forms_and_conditions(api):
    xml = read("camunda7_leave.bpmn")
    response = importing(api, xml, {"leave_fill.schema.json": FILL})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["dialect"] == "camunda7"
    report = by_place(body["report"])
    assert_nothing_silent(xml, body["report"])

    def entry(element, attribute):
        return report.pop((element, attribute))

    assert entry("Activity_fill", "camunda:candidateGroups") == {
        "element": "Activity_fill", "name": "填写请假单", "attribute": "camunda:candidateGroups", "original": "办公室",
        "outcome": "mapped", "became": "candidateRole = 办公室", "why": None}
    assert entry("Activity_fill", "camunda:formKey")["became"] == "formJsonSchemaFilename = leave_fill.schema.json"
    assert entry("Activity_review", "camunda:candidateGroups")["became"] == "candidateRole = 书记"
    assignee = entry("Activity_review", "camunda:assignee")
    assert (assignee["outcome"], assignee["became"]) == ("mapped", "assignee = 'shuji'")
    form = entry("Activity_review", "camunda:formKey")
    assert form["outcome"] == "reported" and form["original"] == "embedded:app:forms/review.html"
    assert "formJsonSchemaFilename" in form["why"]
    due = entry("Activity_review", "camunda:dueDate")
    assert due["outcome"] == "reported" and "dueInWorkingDays" in due["why"]
    condition = entry("Flow_yes", "bpmn:conditionExpression")
    assert (condition["original"], condition["outcome"], condition["became"]) == ("${approved}", "mapped", "approved")
    assert entry("Flow_no", "bpmn:conditionExpression")["became"] == "not approved"
    assert entry("StartEvent_1", "camunda:initiator")["why"].endswith("started_by，无需声明")
    assert entry("leave_request", "camunda:executionListener")["outcome"] == "reported"
    assert entry("Activity_fill", "camunda:asyncBefore")["outcome"] == "reported"
    assert entry("Activity_fill", "camunda:inputOutput")["outcome"] == "reported"
    assert {k[1] for k in report} == {"camunda:historyTimeToLive", "modeler:executionPlatform",
                                      "modeler:executionPlatformVersion"}
    assert all(e["outcome"] == "reported" for e in report.values())

    converted = body["bpmn_xml"]
    assert 'tFormalExpression">approved</bpmn:conditionExpression>' in converted
    assert 'tFormalExpression">not approved</bpmn:conditionExpression>' in converted
    assert 'camunda:candidateGroups' not in converted and 'camunda:assignee' not in converted
    # What remains is named, element and name: the review step still needs a JSON Schema form.
    assert [(p["element"], p["name"]) for p in body["problems"]] == [("Activity_review", "书记审批")]
    assert "formJsonSchemaFilename" in body["problems"][0]["message"]

    # The designer gives it one: the imported diagram validates, deploys and runs with its translated conditions.
    fixed = converted.replace('<spiffworkflow:property name="candidateRole" value="书记"/>',
                              '<spiffworkflow:property name="candidateRole" value="书记"/><spiffworkflow:property '
                              'name="formJsonSchemaFilename" value="leave_review.schema.json"/>')
    forms = {"leave_fill.schema.json": FILL, "leave_review.schema.json": FORM}
    again = importing(api, fixed, forms).get_json()
    assert again["problems"] == [] and again["bpmn_xml"] == fixed  # nothing left to convert: unchanged
    deployed = api.post("/designs", "sheji", {"bpmn_xml": fixed, "forms": forms})
    assert deployed.status_code == 201, deployed.get_json()
    started = api.post("/processes/leave_request/instances", "bangong", {"title": "请假三天", "data": {}})
    assert started.status_code == 201, started.get_json()
    matter = started.get_json()["id"]
    fill = api.instance(matter)["current_tasks"][0]
    assert api.complete(fill["id"], "bangong", {"days": 3}).status_code == 200
    review = api.instance(matter)["current_tasks"][0]
    assert review["element_id"] == "Activity_review"
    assert api.complete(review["id"], "bangong", {"approved": True}).status_code == 403  # held by shuji alone
    assert api.complete(review["id"], "shuji", {"approved": True}).status_code == 200
    finished = api.instance(matter)
    assert finished["status"] == "completed" and not finished["current_tasks"]


def test_unknown_groups_and_users_and_unsure_expressions_are_reported_and_left_for_validation(api):
    xml = (read("camunda7_leave.bpmn").replace('camunda:candidateGroups="办公室"', 'camunda:candidateGroups="hr"')
           .replace('camunda:assignee="shuji"', 'camunda:assignee="${initiator}"')
           .replace("${approved}", "${execution.getVariable('approved')}"))
    body = importing(api, xml, {"leave_fill.schema.json": FILL}).get_json()
    report = by_place(body["report"])
    assert_nothing_silent(xml, body["report"])
    role = report["Activity_fill", "camunda:candidateGroups"]
    assert role["outcome"] == "not_mapped" and "“hr”" in role["why"]
    assignee = report["Activity_review", "camunda:assignee"]
    assert assignee["outcome"] == "not_mapped" and "started_by" in assignee["why"]
    condition = report["Flow_yes", "bpmn:conditionExpression"]
    assert condition["outcome"] == "not_mapped" and "execution.getVariable" in body["bpmn_xml"]
    assert report["Flow_no", "bpmn:conditionExpression"]["became"] == "not approved"
    named = {p["element"] for p in body["problems"]}
    assert {"Activity_fill", "Activity_review", "Flow_yes"} <= named  # no role, no form, the condition: at once
    assert all(p["name"] for p in body["problems"])


def test_a_zeebe_diagram_maps_what_it_can_and_lists_every_problem_at_once(api):
    xml = read("zeebe_purchase.bpmn")
    body = importing(api, xml).get_json()
    assert body["dialect"] == "zeebe" and body["dialect_name"] == "Camunda 8 (Zeebe)"
    report = by_place(body["report"])
    assert_nothing_silent(xml, body["report"])
    expected = {
        ("Task_request", "zeebe:assignmentDefinition/@candidateGroups"): ("mapped", "candidateRole = 办公室"),
        ("Task_request", "zeebe:assignmentDefinition/@candidateUsers"): ("mapped", "assignee = 'bangong'"),
        ("Task_request", "zeebe:userTask"): ("reported", None),
        ("Task_request", "zeebe:formDefinition"): ("reported", None),
        ("Task_approve", "zeebe:userTask"): ("reported", None),
        ("Task_approve", "zeebe:formDefinition"): ("reported", None),
        ("Task_approve", "zeebe:assignmentDefinition/@candidateGroups"): ("not_mapped", None),
        ("Task_approve", "zeebe:assignmentDefinition/@assignee"): ("not_mapped", None),
        ("Task_approve", "zeebe:taskSchedule"): ("reported", None),
        ("Task_order", "zeebe:taskDefinition"): ("reported", None),
        ("Task_order", "zeebe:ioMapping"): ("reported", None),
        ("purchase_request", "zeebe:userTaskForm"): ("reported", None),
        ("Flow_large", "bpmn:conditionExpression"): ("mapped", "amount > 1000"),
        ("Flow_small", "bpmn:conditionExpression"): ("not_mapped", None),
        ("Flow_yes", "bpmn:conditionExpression"): ("mapped", "approved"),
        ("Flow_no", "bpmn:conditionExpression"): ("mapped", "not approved"),
        ("Definitions_1q2w3e4", "modeler:executionPlatform"): ("reported", None),
        ("Definitions_1q2w3e4", "modeler:executionPlatformVersion"): ("reported", None),
    }
    assert {k: (e["outcome"], e["became"]) for k, e in report.items()} == expected
    assert "多个组" in report["Task_approve", "zeebe:assignmentDefinition/@candidateGroups"]["why"]
    assert "服务任务会被校验拒绝" in report["Task_order", "zeebe:taskDefinition"]["why"]
    assert "Camunda 表单" in report["Task_approve", "zeebe:formDefinition"]["why"]
    assert report["Task_order", "zeebe:taskDefinition"]["original"] == \
        '<zeebe:taskDefinition type="place-order" retries="3"/>'

    problems: dict[str, list[str]] = {}
    for problem in body["problems"]:
        assert problem["name"], problem
        problems.setdefault(problem["element"], []).append(problem["message"])
    assert set(problems) == {"Task_request", "Task_approve", "Task_order", "Flow_small"}
    assert len(problems["Task_approve"]) == 2  # neither form nor role: both named together
    assert any("服务" in m or "service" in m.lower() for m in problems["Task_order"])


def test_a_spiffarena_diagram_imports_as_it_is(api):
    xml = read("spiffarena_report.bpmn")
    forms = {"spiff_write.schema.json": {"type": "object", "properties": {"report": {"type": "string"}}},
             "spiff_read.schema.json": {"type": "object", "properties": {"accepted": {"type": "boolean"}}}}
    body = importing(api, xml, forms, filename="spiff_report.bpmn").get_json()
    assert body["dialect"] == "spiffarena" and body["bpmn_xml"] == xml
    assert_nothing_silent(xml, body["report"])
    assert {(e["element"], e["attribute"]) for e in body["report"]} == {
        ("Activity_write", "spiffworkflow:properties"), ("Activity_write", "spiffworkflow:instructionsForEndUser"),
        ("Activity_write", "spiffworkflow:postScript"), ("Activity_read", "spiffworkflow:properties")}
    assert {e["outcome"] for e in body["report"]} == {"kept"}
    assert body["problems"] == []


def test_the_report_speaks_english_when_asked(web_api):
    english = {"Authorization": f"Bearer {web_api.token('sheji')}", "Accept-Language": "en"}
    body = web_api.client.post("/api/v1/designs/import", json={"bpmn_xml": read("zeebe_purchase.bpmn")},
                           headers=english).get_json()
    why = {(e["element"], e["attribute"]): e["why"] for e in body["report"]}
    assert "service" in why["Task_order", "zeebe:taskDefinition"]
    for entry in body["report"]:  # in English but for the names the diagram gave
        assert not any("\u4e00" <= c <= "\u9fff" for c in (entry["why"] or "").replace(entry["original"], "")), entry
    assert not any("\u4e00" <= c <= "\u9fff" for p in body["problems"] for c in p["message"].replace(p["name"], ""))


def test_scripts_decisions_called_processes_timers_and_foreign_namespaces():
    xml = read("zeebe_more.bpmn")
    imported = import_document(xml.encode("utf-8"), {"办公室"}, set())
    report = [e.as_json() for e in imported.report]
    assert_nothing_silent(xml, report)
    assert {(e["element"], e["attribute"]): (e["outcome"], e["became"]) for e in report} == {
        ("Definitions_more", "modeler:executionPlatform"): ("reported", None),
        ("Definitions_more", "modeler:executionPlatformVersion"): ("reported", None),
        ("zeebe_more", "acme:owner"): ("reported", None),
        ("Task_total", "zeebe:script"): ("mapped", "large = amount > 1000"),
        ("Task_route", "zeebe:calledDecision/@decisionId"): ("mapped", "spiffworkflow:calledDecisionId = fund_route"),
        ("Task_route", "zeebe:calledDecision/@resultVariable"): ("reported", None),
        ("Call_review", "zeebe:calledElement/@processId"): ("mapped", "calledElement = topic_submission"),
        ("Call_review", "zeebe:calledElement/@propagateAllChildVariables"): ("reported", None),
        ("Timer_wait", "bpmn:timeDuration"): ("mapped", "'P3D'"),
    }
    root = etree.fromstring(imported.bpmn)
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiffworkflow":
          "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    assert root.xpath("//bpmn:scriptTask/bpmn:script/text()", namespaces=ns) == ["large = amount > 1000"]
    assert not root.xpath("//bpmn:scriptTask/bpmn:extensionElements", namespaces=ns)  # emptied, so dropped
    assert root.xpath("//bpmn:businessRuleTask//spiffworkflow:calledDecisionId/text()", namespaces=ns) == ["fund_route"]
    assert root.xpath("//bpmn:callActivity/@calledElement", namespaces=ns) == ["topic_submission"]
    assert root.xpath("//bpmn:timeDuration/text()", namespaces=ns) == ["'P3D'"]


BAD_UPLOADS = [
    ("<bpmn:definitions", 400, "bpmn_xml", "无法读取"),
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', 400, "bpmn_xml",
     "DOCTYPE"),
    ("<definitions/>", 400, "bpmn_xml", "bpmn:definitions"),
    ("", 422, "bpmn_xml", "bpmn_xml"),
    (7, 422, "bpmn_xml", "类型不正确"),  # refused at the edge: the document says it is a string
]


def test_bad_uploads_are_refused_with_a_message_per_field(web_api):
    for xml, status, field, words in BAD_UPLOADS:
        response = importing(web_api, xml)
        assert response.status_code == status, xml
        body = response.get_json()
        assert words in body["errors"][field] and "root:" not in response.get_data(as_text=True)


def test_bad_filename_and_forms_are_named_together_and_only_designers_import(web_api):
    response = importing(web_api, read("zeebe_purchase.bpmn"), forms=[], filename="../x.txt")
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"filename", "forms"}
    assert importing(web_api, read("zeebe_purchase.bpmn"), user="bangong").status_code == 403
    assert web_api.client.post("/api/v1/designs/import", json={"bpmn_xml": "<x/>"}).status_code == 401


@pytest.mark.parametrize("source, expected", [
    ("${approved}", "approved"), ("${!approved}", "not approved"), ("${amount > 1000}", "amount > 1000"),
    ("${a == 'x'}", "a == 'x'"), ("#{a && b || !c}", "a and b or not c"), ("${!(a || b)}", "not (a or b)"),
    ("${kind eq \"人事\" and days ge 3}", "kind == '人事' and days >= 3"), ("${!a == b}", "(not a) == b"),
    ("${x == null}", "x == None"),
])
def test_simple_juel_conditions_translate(source, expected):
    assert juel(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("=approved", "approved"), ("= amount > 1000", "amount > 1000"), ('=kind = "人事"', "kind == '人事'"),
    ("=not(approved)", "not approved"), ("=a and (b or c)", "a and (b or c)"), ("=x != null", "x != None"),
])
def test_simple_feel_conditions_translate(source, expected):
    assert feel(source) == expected


@pytest.mark.parametrize("source", [
    "${execution.getVariable('a')}", "${a < b < c}", "${a + 1 > 2}", "${empty list}", "${f(a)}", "${a ? b : c}",
    "${class}", "approved", "${a} and ${b}",
])
def test_juel_beyond_the_simple_forms_is_not_translated(source):
    with pytest.raises(Untranslatable):
        juel(source)


@pytest.mark.parametrize("source", ["=a.b", "=count(x) > 1", "=x in [1, 2]", "=a = 'x'", "approved",
                                    '=if a then "x" else "y"'])
def test_feel_beyond_the_simple_forms_is_not_translated(source):
    with pytest.raises(Untranslatable):
        feel(source)
