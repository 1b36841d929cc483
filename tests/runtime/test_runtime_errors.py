"""A failing automatic step keeps the user's completion and marks the matter as an error, on record."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.process.definitions import parse_bpmn
from engine.process.deployment import deploy_definitions
from engine.errors import FormInvalid
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime.service import RESERVED_DATA, SCRIPT_FUNCTIONS
from tests.conftest import PROCESSES

FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (PROCESSES / "forms").glob("*.json")}


def test_script_error_marks_the_matter_error_naming_the_element(db, runtime):
    source = (Path(__file__).parent.parent / "data" / "failing_script.bpmn").read_bytes()
    with db.transaction() as session:
        deploy_definitions(session, parse_bpmn(source, "failing_script.bpmn", FORMS))
    outcome = runtime.start("failing_script", "脚本出错的事项", {}, "bangong")
    after = runtime.complete(outcome.new_tasks[0], {"meeting_minutes": "本次会议的纪要正文内容。"}, "bangong")
    assert after.status == "error"
    with db.reader() as session:
        instance = session.get(Instance, outcome.instance_id)
        assert instance.status == "error" and instance.error.startswith("[divide]")
        assert "ZeroDivisionError" in instance.error
        assert instance.chart_state["elements"]["divide"] == "error"
        task = session.get(HumanTask, outcome.new_tasks[0])
        assert task.state == "completed"  # the user's work is kept
        actions = [e.action for e in session.query(AuditEvent).filter_by(instance_id=instance.id)
                   .order_by(AuditEvent.id)]
        assert actions[-1] == "error"


def test_start_data_may_not_use_reserved_names(runtime):
    for name in ("title", "started_by", "members_of"):
        with pytest.raises(FormInvalid) as caught:
            runtime.start("major_decision", "保留字段", {name: "x"}, "bangong")
        assert name in caught.value.errors["data"]
    functions = runtime.stepper.script_engine(None, Instance(id=0), runtime.clock()).environment.functions
    assert set(functions) == set(SCRIPT_FUNCTIONS) and not RESERVED_DATA & set(functions)


def test_a_failing_post_script_keeps_the_input_and_marks_the_matter_error(db, runtime):
    source = (Path(__file__).parent.parent / "data" / "failing_script.bpmn").read_text(encoding="utf-8")
    post = "<spiffworkflow:postScript>ratio = 1 / 0</spiffworkflow:postScript></bpmn:extensionElements>"
    source = source.replace("</bpmn:extensionElements>", post, 1).replace('id="failing_script"', 'id="failing_post"')
    with db.transaction() as session:
        deploy_definitions(session, parse_bpmn(source.encode("utf-8"), "failing_post.bpmn", FORMS))
    outcome = runtime.start("failing_post", "后置脚本出错的事项", {}, "bangong")
    after = runtime.complete(outcome.new_tasks[0], {"meeting_minutes": "本次会议的纪要正文内容。"}, "bangong")
    assert after.status == "error"
    with db.reader() as session:
        instance = session.get(Instance, outcome.instance_id)
        assert instance.error.startswith("[write]") and "ZeroDivisionError" in instance.error
        assert session.get(HumanTask, outcome.new_tasks[0]).state == "completed"
        events = session.query(AuditEvent).filter_by(instance_id=instance.id).order_by(AuditEvent.id).all()
        assert [e.action for e in events][-2:] == ["complete", "error"]
        assert events[-2].details["data"]["meeting_minutes"] == "本次会议的纪要正文内容。"
