"""States and actions are enums: the columns refuse other values, and the API and pages name every member."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import AuditEvent, HumanTask, Instance
from engine.status import AuditAction, MatterStatus, TaskState
from webui.http.labels import ACTIONS, MATTER_STATUS, TASK_CLOSED


def test_a_state_outside_its_enum_is_refused_at_the_write_and_members_come_back(db, runtime):
    started = runtime.start("major_decision", "状态枚举", {}, "bangong")
    with db.reader() as session:
        instance = session.get(Instance, started.instance_id)
        task = session.scalar(sa.select(HumanTask).where(HumanTask.instance_id == instance.id))
        assert instance.status is MatterStatus.RUNNING and task.state is TaskState.READY
        actions = set(session.scalars(sa.select(AuditEvent.action).where(AuditEvent.instance_id == instance.id)))
        assert AuditAction.START in actions and all(isinstance(a, AuditAction) for a in actions)
    with pytest.raises(sa.exc.StatementError, match="'finished' is not a valid TaskState"):
        with db.transaction() as session:
            session.get(HumanTask, task.id).state = "finished"
    with db.reader() as session:  # nothing was written
        assert session.get(HumanTask, task.id).state is TaskState.READY


def test_every_action_and_state_has_words_for_the_reader_in_both_languages(app):
    assert set(ACTIONS) == set(AuditAction)
    assert set(MATTER_STATUS) == set(MatterStatus)
    assert set(TASK_CLOSED) == set(TaskState) - {TaskState.READY}  # a ready task shows its form instead
    from flask_babel import force_locale
    with app.test_request_context():
        with force_locale("en"):
            english = {str(label) for label in ACTIONS.values()}
        chinese = {str(label) for label in ACTIONS.values()}
    assert len(english) == len(ACTIONS) and english.isdisjoint(chinese)  # every label translated, none shared


def _enums(node, field: str, document: dict | None = None) -> list[list]:
    """Every enum the document gives for a property of this name, anywhere in it (through its $refs)."""
    document = document or node
    found = []
    if isinstance(node, dict):
        prop = node.get("properties", {}).get(field)
        if isinstance(prop, dict) and "$ref" in prop:
            prop = document["components"]["schemas"][prop["$ref"].rsplit("/", 1)[1]]
        if isinstance(prop, dict) and "enum" in prop:
            found.append(prop["enum"])
        for value in node.values():
            found += _enums(value, field, document)
    elif isinstance(node, list):
        for value in node:
            found += _enums(value, field, document)
    return found


def test_the_api_document_lists_exactly_the_enums_members(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert [s.value for s in TaskState] in _enums(document, "state")
    assert [s.value for s in MatterStatus] in _enums(document, "status")
    assert _enums(document, "action") == [[a.value for a in AuditAction]]
