"""Process files are checked before deploy; each error names the file and the element."""
from __future__ import annotations

import json

import pytest

from engine.process.definitions import parse_bpmn, read_directory
from engine.errors import DefinitionError
from engine.bpmn.serialization import specs_from_json
from tests.conftest import PROCESSES

FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (PROCESSES / "forms").glob("*.json")}
SOURCE = (PROCESSES / "major_decision.bpmn").read_text(encoding="utf-8")
ROLES = {"办公室", "常委", "书记", "上级组织", "全委委员", "职能部门"}


def parse(text: str, forms=FORMS, roles=ROLES):
    return parse_bpmn(text.encode("utf-8"), "major_decision.bpmn", forms, known_roles=roles)


def test_every_process_file_parses_with_spiff_and_has_lanes_forms_and_diagram():
    from engine.directory.people import STANDARD_ROLES
    definitions = {d.key: d for d in read_directory(PROCESSES, set(STANDARD_ROLES))}
    assert set(definitions) == {p.stem for p in PROCESSES.glob("*.bpmn")}
    definition = definitions["major_decision"]
    assert definition.name == "重大决策" and definition.start_role == "办公室"
    spec, _ = specs_from_json(definition.spec_json)
    user_tasks = {s.bpmn_id for s in spec.task_specs.values() if type(s).__name__ == "UserTask"}
    assert user_tasks == {"file_topic", "consent_topic", "research", "consult", "argue", "publish", "notify_rejection"}
    assert set(definition.forms) == {f"md_{n}.schema.json" for n in (
        "file_topic", "consent", "research", "consult", "argue", "publish", "notify_rejection")}
    meeting = definitions["committee_meeting"]
    spec, subprocesses = specs_from_json(meeting.spec_json)
    inner = {s.bpmn_id for s in subprocesses["deliberate"].task_specs.values() if type(s).__name__ == "UserTask"}
    assert inner == {"member_opinion", "secretary_opinion", "item_vote", "open_tally", "superior_ruling"}
    # Diagram interchange: every flow node and flow has a shape or edge, so it opens in bpmn-js as drawn.
    import re
    pattern = r'<bpmn:(?:userTask|scriptTask|subProcess|startEvent|endEvent|intermediateCatchEvent|exclusiveGateway|sequenceFlow) id="([^"]+)"'
    for path in PROCESSES.glob("*.bpmn"):
        text = path.read_text(encoding="utf-8")
        assert set(re.findall(pattern, text)) <= set(re.findall(r'bpmnElement="([^"]+)"', text)), path.name


@pytest.mark.parametrize("change, element, message", [
    (('value="md_research.schema.json"', 'value="missing.schema.json"'), "research", "forms/missing.schema.json 不存在"),
    (('<bpmn:lane id="lane_office" name="办公室">', '<bpmn:lane id="lane_office" name="秘书处">'),
     "file_topic", "角色“秘书处”不存在"),
    (('name="show" value="常委会决定=decision_text"', 'name="show" value="常委会决定=__import__(1)"'),
     "publish", "show“常委会决定”"),
    (('name="assignee" value="member_in_charge"', 'name="assignee" value="import os"'), "consent_topic", "assignee"),
    (('name="dueInWorkingDays" value="3"', 'name="dueInWorkingDays" value="三 天"'), "consent_topic", "dueInWorkingDays"),
])
def test_invalid_definitions_name_the_element(change, element, message):
    with pytest.raises(DefinitionError) as caught:
        parse(SOURCE.replace(*change, 1))
    assert caught.value.filename == "major_decision.bpmn"
    assert caught.value.element == element
    assert message in caught.value.message


def test_spiff_validation_errors_and_broken_xml_are_reported_with_the_file():
    with pytest.raises(DefinitionError, match="major_decision.bpmn"):
        parse(SOURCE.replace('targetRef="consent_topic"', 'targetRef="nowhere"', 1))
    with pytest.raises(DefinitionError, match="XML"):
        parse(SOURCE[:500])


def test_external_entities_and_entity_expansion_are_refused():
    xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    with pytest.raises(DefinitionError):
        parse_bpmn(xxe.encode(), "x.bpmn", FORMS)
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              '<l>&b;</l>')
    with pytest.raises(DefinitionError):
        parse_bpmn(laughs.encode(), "l.bpmn", FORMS)


def test_invalid_form_schema_names_the_form_file(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "bad.schema.json").write_text('{"type": 12}', encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        read_directory(tmp_path)
    assert caught.value.filename == "forms/bad.schema.json"
