"""Issue 17, part 1: what validation cannot see is bounded at run time, and what it can see is refused with the
element named: timers, scripts calling unknown functions, multi-instance inputs, data stores, parser refusals."""
from __future__ import annotations

import pytest

from engine.process.definitions import parse_bpmn, parse_documents
from engine.process.deployment import deploy_definitions
from engine.errors import DefinitionError
from engine.models import Instance
from engine.limits import MAX_AUTOMATIC_STEPS, MAX_CALL_DEPTH
from tests.process.test_validation_regressions import ALL_FORMS, LAST_REF, NAME, ROLES, XML, lint, refused, swap

REVIEW = '<bpmn:userTask id="review" name="审核">'
END = '<bpmn:endEvent id="end" name="完成">'
IN_REVIEW = "<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>"


def problems_of(xml: str, element: str) -> list[str]:
    return [p.message for p in lint(xml) if p.element == element]


def timer(expression: str, kind: str = "timeDuration") -> str:
    """The review step with a timer on it whose expression is ``expression``."""
    return swap(XML, (END, f'<bpmn:boundaryEvent id="late" name="超时" attachedToRef="review"><bpmn:outgoing>f4'
                           f'</bpmn:outgoing><bpmn:timerEventDefinition><bpmn:{kind}>{expression}</bpmn:{kind}>'
                           '</bpmn:timerEventDefinition></bpmn:boundaryEvent>'
                           '<bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="end" />' + END),
                (LAST_REF, LAST_REF + "<bpmn:flowNodeRef>late</bpmn:flowNodeRef>"),
                ("</bpmndi:BPMNPlane>", '<bpmndi:BPMNShape id="late_di" bpmnElement="late"><dc:Bounds x="550" y="97" '
                 'width="36" height="36" /></bpmndi:BPMNShape><bpmndi:BPMNEdge id="f4_di" bpmnElement="f4"><di:waypoint '
                 'x="568" y="133" /><di:waypoint x="730" y="93" /></bpmndi:BPMNEdge></bpmndi:BPMNPlane>'))


@pytest.mark.parametrize("expression, kind, words", [
    ("timedelta(seconds=30)", "timeDuration", "timedelta"),
    ("PT30S", "timeDuration", '"PT30S"'),
    ("'30 seconds'", "timeDuration", "timeDuration 值"),
    ("'tomorrow'", "timeDate", "ISO 8601"),
    ("R3/PT1H", "timeCycle", "循环定时器"),
    ("", "timeDate", "没有时间表达式"),
])
def test_a_timer_the_evaluator_cannot_compute_is_refused_naming_the_event(expression, kind, words):
    messages = problems_of(timer(expression, kind), "late")
    assert any("超时" in m and words in m for m in messages), messages


@pytest.mark.parametrize("expression, kind", [("'PT30S'", "timeDuration"), ("'2027-01-04T09:00:00'", "timeDate"),
                                              ("working_days_from_now(2)", "timeDate")])
def test_timers_the_engine_computes_pass(expression, kind):
    assert problems_of(timer(expression, kind), "late") == []


def test_a_script_calling_a_function_the_engine_does_not_offer_is_refused(api):
    script = ('<bpmn:scriptTask id="calc" name="计算"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f2c'
              '</bpmn:outgoing><bpmn:script>def twice(n):\n    return 2 * n\nx = twice(len([1])) + frobnicate(3)'
              '</bpmn:script></bpmn:scriptTask><bpmn:sequenceFlow id="f2c" sourceRef="calc" targetRef="review" />')
    xml = swap(XML, ('<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="review" />',
                     '<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="calc" />' + script),
               (LAST_REF, LAST_REF + "<bpmn:flowNodeRef>calc</bpmn:flowNodeRef>"))
    message = refused(api, xml, "calc", "frobnicate")
    assert "twice" not in message and "len" in message  # its own function and builtins are known


def test_a_condition_calling_an_unknown_function_is_refused():
    xml = swap(XML, ('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />',
                     '<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"><bpmn:conditionExpression>'
                     'now() &gt; 3</bpmn:conditionExpression></bpmn:sequenceFlow>'))
    assert any("now" in m for m in problems_of(xml, "f3"))


def multi(ref: str) -> str:
    return swap(XML, (IN_REVIEW, IN_REVIEW + '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>'
                      f'{ref}</bpmn:loopDataInputRef><bpmn:inputDataItem id="one" name="one" />'
                      '</bpmn:multiInstanceLoopCharacteristics>'))


def test_a_multi_instance_input_no_step_sets_is_refused(api):
    assert "nothere" in refused(api, multi("nothere"), "review", "审核")
    assert any("不是合法的变量名" in m for m in problems_of(multi("a-b"), "review"))
    assert problems_of(multi("content"), "review") == []  # the fill form's field sets it


def test_data_stores_are_refused_by_name():
    xml = swap(XML, ('<bpmn:process id="design_demo"', '<bpmn:dataStore id="ds" name="档案柜" />'
                     '<bpmn:process id="design_demo"'),
               (END, '<bpmn:dataStoreReference id="dsr" name="档案库" dataStoreRef="ds" />' + END),
               (IN_REVIEW, IN_REVIEW + '<bpmn:dataInputAssociation id="dia"><bpmn:sourceRef>dsr</bpmn:sourceRef>'
                                       '</bpmn:dataInputAssociation>'))
    assert any("档案柜" in m for m in problems_of(xml, "ds")) and any("档案库" in m for m in problems_of(xml, "dsr"))
    assert not [p for p in lint(xml) if p.element is None]
    with pytest.raises(DefinitionError) as error:  # the deploy path refuses it before SpiffWorkflow does
        parse_bpmn(xml.encode(), NAME, ALL_FORMS, {}, ROLES)
    assert error.value.element == "ds"


def test_a_compensation_boundary_event_gets_our_message_only():
    xml = swap(XML, (END, '<bpmn:boundaryEvent id="comp" name="补偿" attachedToRef="review">'
                          '<bpmn:compensateEventDefinition /></bpmn:boundaryEvent>' + END))
    messages = problems_of(xml, "comp")
    assert messages and not [m for m in messages if "NotImplementedError" in m or "Unsupported" in m], messages
    with pytest.raises(DefinitionError) as error:
        parse_bpmn(xml.encode(), NAME, ALL_FORMS, {}, ROLES)
    assert error.value.element == "comp" and "Error" not in error.value.message


SELF_CALL = swap(XML, ('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill" />',
                       '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again" />'
                       '<bpmn:callActivity id="again" name="再办一次" calledElement="design_demo"><bpmn:incoming>f1'
                       '</bpmn:incoming><bpmn:outgoing>f1b</bpmn:outgoing></bpmn:callActivity>'
                       '<bpmn:sequenceFlow id="f1b" sourceRef="again" targetRef="fill" />'))


def started_unchecked(db, runtime, xml: str, title: str) -> str:
    """Deploy a diagram past validation (as an older release might have), start it: the matter's error."""
    definitions = parse_documents({NAME: xml.encode()}, ALL_FORMS, checks=False)
    with db.transaction() as session:
        deploy_definitions(session, definitions, "test")
    outcome = runtime.start("design_demo", title, {}, "bangong")
    assert outcome.status == "error"
    with db.transaction() as session:
        return session.get(Instance, outcome.instance_id).error


def test_a_self_calling_process_that_bypassed_validation_stops_at_the_depth_bound(db, runtime):
    error = started_unchecked(db, runtime, SELF_CALL, "无限递归")
    assert f"调用层级超过 {MAX_CALL_DEPTH} 层" in error and "设计示例：两步审批" in error, error


def test_the_api_lists_every_problem_with_its_element_name(api):
    xml = swap(timer("timedelta(seconds=30)"), ('<bpmn:userTask id="fill" name="填报">', '<bpmn:manualTask id="fill" name="填报">'),
               ('</bpmn:userTask>\n    <bpmn:userTask id="review"', '</bpmn:manualTask>\n    <bpmn:userTask id="review"'))
    body = api.post("/designs/validate", "sheji", {"bpmn_xml": xml, "forms": {}}).get_json()
    named = {(p["element"], p["name"]) for p in body["problems"]}
    assert {("late", "超时"), ("fill", "填报")} <= named, body
    assert all(p["message"] for p in body["problems"]) and set(body["errors"]) >= {"late", "fill"}


def test_loops_without_a_bound_are_refused():
    standard = swap(XML, (IN_REVIEW, IN_REVIEW + '<bpmn:standardLoopCharacteristics><bpmn:loopCondition>'
                          'not approved</bpmn:loopCondition></bpmn:standardLoopCharacteristics>'))
    assert any("loopMaximum" in m for m in problems_of(standard, "review"))
    many = swap(XML, (IN_REVIEW, IN_REVIEW + '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>'
                      '5000</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'))
    assert any("5000" in m for m in problems_of(many, "review"))


GATEWAY_LOOP = swap(XML, ('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill" />',
                          '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw1" />'
                          '<bpmn:exclusiveGateway id="gw1" name="再看一遍" default="out1" />'
                          '<bpmn:exclusiveGateway id="gw2" name="又回去" default="out2" />'
                          '<bpmn:sequenceFlow id="on1" sourceRef="gw1" targetRef="gw2"><bpmn:conditionExpression>'
                          'True</bpmn:conditionExpression></bpmn:sequenceFlow>'
                          '<bpmn:sequenceFlow id="on2" sourceRef="gw2" targetRef="gw1"><bpmn:conditionExpression>'
                          'True</bpmn:conditionExpression></bpmn:sequenceFlow>'
                          '<bpmn:sequenceFlow id="out1" sourceRef="gw1" targetRef="fill" />'
                          '<bpmn:sequenceFlow id="out2" sourceRef="gw2" targetRef="fill" />'))


def test_a_loop_of_automatic_steps_stops_at_the_step_bound(db, runtime):
    error = started_unchecked(db, runtime, GATEWAY_LOOP, "原地打转")
    assert f"超过 {MAX_AUTOMATIC_STEPS} 步" in error and ("再看一遍" in error or "又回去" in error), error


def test_references_that_resolve_to_nothing_are_refused_naming_their_element():
    xml = swap(XML, ('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />',
                     '<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />'
                     '<bpmn:sequenceFlow id="f9" name="去向不明" sourceRef="review" targetRef="ghost" />'),
               (END, '<bpmn:callActivity id="call_none" name="调用不存在的流程" calledElement="no_such_process" />'
                     '<bpmn:businessRuleTask id="decide" name="查表"><bpmn:extensionElements>'
                     '<spiffworkflow:calledDecisionId>no_such_table</spiffworkflow:calledDecisionId>'
                     '</bpmn:extensionElements></bpmn:businessRuleTask>'
                     '<bpmn:userTask id="fill" name="重复的填报" />' + END))
    assert any("ghost" in m for m in problems_of(xml, "f9"))
    assert any("no_such_process" in m for m in problems_of(xml, "call_none"))
    assert any("no_such_table" in m for m in problems_of(xml, "decide"))
    assert any("重复" in m for m in problems_of(xml, "fill"))
    long_name = swap(XML, ('name="审核"', 'name="' + "审" * 300 + '"'))
    assert any("300" in m for m in problems_of(long_name, "review"))
