"""Issue 17, part 1: validation agrees with the engine. Each regression is checked where `powerflow lint` checks
(lint_document / lint_directory / read_directory) and through POST /api/v1/designs/validate (and deploy)."""
from __future__ import annotations

import json
import shutil

import pytest

from engine.process.definitions import load_forms, parse_bpmn, read_directory
from engine.directory.people import STANDARD_ROLES
from engine.errors import DefinitionError
from engine.process.lint import lint_document, lint_directory
from tests.conftest import PROCESSES
from tests.process.test_designs import FORMS, XML, design

ROLES = set(STANDARD_ROLES)
ALL_FORMS = {**load_forms(PROCESSES / "forms"), **FORMS}
NAME = "design_demo.bpmn"


def lint(xml: str | bytes, library: dict[str, bytes] | None = None):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return lint_document(data, NAME, ALL_FORMS, {}, ROLES, library)


def refused(api, xml: str, element: str, *words: str) -> str:
    """Both the validate endpoint and deployment refuse the design, naming ``element``; its message."""
    for path in ("/designs/validate", "/designs"):
        response = design(api, xml, path=path)
        assert response.status_code == 422, (path, response.get_json())
        errors = response.get_json()["errors"]
        assert element in errors and all(w in errors[element] for w in words), errors
    return errors[element]


def swap(xml: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in xml, old
        xml = xml.replace(old, new)
    return xml


LAST_REF = "<bpmn:flowNodeRef>end</bpmn:flowNodeRef>"
EMPTY_REF = swap(XML, (LAST_REF, LAST_REF + "<bpmn:flowNodeRef/>"))
GHOST_REF = swap(XML, (LAST_REF, LAST_REF + "<bpmn:flowNodeRef>ghost</bpmn:flowNodeRef>"))


def as_kind(kind: str, xml: str = XML) -> str:
    """The review step as another element type (with its properties still there)."""
    return swap(xml, ('<bpmn:userTask id="review" name="审核">', f'<bpmn:{kind} id="review" name="审核">'),
                ('</bpmn:userTask>\n    <bpmn:endEvent', f'</bpmn:{kind}>\n    <bpmn:endEvent'))


# 1. flowNodeRef

@pytest.mark.parametrize("xml, words", [(EMPTY_REF, "空的 flowNodeRef"), (GHOST_REF, "ghost")])
def test_a_bad_flow_node_ref_names_the_lane_in_lint(xml, words):
    problems = lint(xml)
    assert any(p.element == "lane_office" and p.name == "办公室" and "泳道“办公室”" in p.message and words in p.message
               for p in problems), problems


@pytest.mark.parametrize("xml, words", [(EMPTY_REF, "flowNodeRef"), (GHOST_REF, "ghost")])
def test_a_bad_flow_node_ref_is_refused_by_the_api_not_a_500(api, xml, words):
    assert "办公室" in refused(api, xml, "lane_office", words)


def test_deployment_from_a_directory_refuses_an_empty_flow_node_ref(tmp_path):
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES / "forms", folder / "forms")
    (folder / NAME).write_text(EMPTY_REF, encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        read_directory(folder, ROLES)
    assert error.value.element == "lane_office"


# 2. element types the engine does not run

@pytest.mark.parametrize("kind, words", [("manualTask", "用户任务"), ("task", "用户任务"),
                                         ("serviceTask", "外部服务"), ("sendTask", "外部服务"),
                                         ("receiveTask", "外部服务")])
def test_tasks_the_engine_does_not_run_are_refused_with_name_and_id(api, kind, words):
    problems = [p for p in lint(as_kind(kind)) if p.element == "review"]
    assert any(kind in p.message and "“审核”" in p.message and words in p.message for p in problems), problems
    assert "[review] “审核”" in " ".join(str(p) for p in problems)  # the CLI line: file, id and name
    refused(api, as_kind(kind), "review", kind, "审核", words)
    with pytest.raises(DefinitionError) as error:  # the deploy path's own parse agrees
        parse_bpmn(as_kind(kind).encode(), NAME, ALL_FORMS, {}, ROLES)
    assert error.value.element == "review" and kind in error.value.message


# 3. recursion among called processes

CALL = ('<bpmn:callActivity id="again" name="再办一次" calledElement="{key}"><bpmn:incoming>f2</bpmn:incoming>'
        '<bpmn:outgoing>f2b</bpmn:outgoing></bpmn:callActivity>'
        '<bpmn:sequenceFlow id="f2b" sourceRef="again" targetRef="review" />')


def calling(key: str, xml: str = XML) -> str:
    return swap(xml, ('<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="review" />',
                      '<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="again" />' + CALL.format(key=key)),
                (LAST_REF, LAST_REF + "<bpmn:flowNodeRef>again</bpmn:flowNodeRef>"))


def test_a_call_activity_calling_its_own_process_is_refused(api):
    xml = calling("design_demo")
    assert any(p.element == "again" and "再办一次" in p.message and "调用自身" in p.message for p in lint(xml))
    refused(api, xml, "again", "再办一次", "调用自身")


def test_a_cycle_between_two_files_is_refused_naming_the_call_activity(tmp_path):
    other = calling("design_demo", XML.replace("design_demo", "other_demo"))
    mine = calling("other_demo")
    problems = lint(mine, {"other_demo.bpmn": other.encode()})
    assert any(p.element == "again" and "design_demo → other_demo → design_demo" in p.message for p in problems)
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES / "forms", folder / "forms")
    for name, text in ((NAME, mine), ("other_demo.bpmn", other)):
        (folder / name).write_text(text, encoding="utf-8")
    for name, text in FORMS.items():
        (folder / "forms" / name).write_text(json.dumps(text), encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        read_directory(folder, ROLES)
    assert error.value.element == "again" and "调用自身" in error.value.message
    assert any(p.element == "again" and "调用自身" in p.message for p in lint_directory(folder, ROLES))


# 4. namespace-aware DI check

ZEEBE = swap(XML, ('xmlns:spiffworkflow=', 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:spiffworkflow='),
             ('<bpmn:userTask id="fill" name="填报"><bpmn:extensionElements>',
              '<bpmn:userTask id="fill" name="填报"><bpmn:extensionElements><zeebe:userTask /><zeebe:task />'))


def test_an_extension_element_named_like_a_bpmn_element_is_no_flow_node(api):
    assert lint(ZEEBE) == []
    assert design(api, ZEEBE, path="/designs/validate").status_code == 200


# 5. reachability of event subprocesses, boundary events and compensation handlers

EVENT_PARTS = (
    '<bpmn:subProcess id="on_timer" name="超时处理" triggeredByEvent="true">'
    '<bpmn:startEvent id="timer_start" name="超时"><bpmn:timerEventDefinition /></bpmn:startEvent>'
    '<bpmn:scriptTask id="note" name="记录"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>'
    '<bpmn:endEvent id="timer_end" />'
    '<bpmn:sequenceFlow id="t1" sourceRef="timer_start" targetRef="note" />'
    '<bpmn:sequenceFlow id="t2" sourceRef="note" targetRef="timer_end" /></bpmn:subProcess>'
    '<bpmn:boundaryEvent id="undo_fill" attachedToRef="fill"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>'
    '<bpmn:scriptTask id="undo" name="撤销填报" isForCompensation="true"><bpmn:script>x = 0</bpmn:script></bpmn:scriptTask>'
    '<bpmn:association id="a1" associationDirection="One" sourceRef="undo_fill" targetRef="undo" />'
    '<bpmn:boundaryEvent id="late" name="逾期" attachedToRef="review"><bpmn:timerEventDefinition>'
    '<bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition><bpmn:outgoing>f4</bpmn:outgoing>'
    '</bpmn:boundaryEvent><bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="end" />')


def test_event_subprocesses_boundary_events_and_compensation_handlers_are_reachable():
    xml = swap(XML, ('<bpmn:sequenceFlow id="f1"', EVENT_PARTS + '<bpmn:sequenceFlow id="f1"'))
    problems = lint(xml)
    flagged = {p.element for p in problems if "无法到达" in p.message}
    assert not flagged, problems
    # what the engine does not run is still refused, by what it is, not as unreachable
    assert any(p.element == "undo_fill" and "compensate" in p.message for p in problems)


# 6. the declared encoding

LATIN = swap(XML, ('encoding="UTF-8"', 'encoding="ISO-8859-1"'), ('name="设计示例：两步审批" isExecutable', 'name="Règlement à deux étapes" isExecutable'))


def test_an_upload_declared_latin_1_is_read_as_latin_1(api):
    data = LATIN.encode("latin-1", "xmlcharrefreplace")  # the Chinese names as character references
    assert b"R\xe8glement" in data
    assert lint(data) == []
    assert parse_bpmn(data, NAME, ALL_FORMS, {}, ROLES)[0].name == "Règlement à deux étapes"
    assert design(api, LATIN, path="/designs/validate").status_code == 200  # JSON text declaring Latin-1
    assert design(api, LATIN).status_code == 201
    deployed = [p for p in api.get("/processes", "sheji").get_json() if p["key"] == "design_demo"]
    assert deployed[0]["name"] == "Règlement à deux étapes"


def test_a_latin_1_file_in_processes_passes_lint(tmp_path):
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES / "forms", folder / "forms")
    (folder / NAME).write_bytes(LATIN.encode("latin-1", "xmlcharrefreplace"))
    for name, text in FORMS.items():
        (folder / "forms" / name).write_text(json.dumps(text), encoding="utf-8")
    problems = [p for p in lint_directory(folder, ROLES) if p.filename == NAME]
    assert problems == [] and read_directory(folder, ROLES)[0].name == "Règlement à deux étapes"


# 7. no problem dropped

TWO_ON_REVIEW = swap(XML, ("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", ""),
                     ('<spiffworkflow:property name="formJsonSchemaFilename" value="dd_review.schema.json" />', ""))


def test_two_problems_on_one_element_both_appear(api):
    review = [p.message for p in lint(TWO_ON_REVIEW) if p.element == "review"]
    assert any("表单属性" in m for m in review) and any("泳道" in m for m in review), review
    message = refused(api, TWO_ON_REVIEW, "review")
    assert "表单属性" in message and "泳道" in message


def test_elements_without_ids_are_each_reported():
    xml = swap(XML, ('<bpmn:endEvent id="end" name="完成">', '<bpmn:manualTask name="甲" /><bpmn:manualTask name="乙" />'
                     '<bpmn:endEvent id="end" name="完成">'))
    messages = [p.message for p in lint(xml) if "manualTask" in p.message]
    assert any("甲" in m for m in messages) and any("乙" in m for m in messages), messages
