"""What a task page shows: its form with current choices, and the matter's data the designer chose (`show`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy.orm import Session

from engine.pages import matter_file
from engine.runtime import signers
from engine.committee.ballots import steps as ballot_steps
from engine.process.definitions import show_pairs
from engine.errors import Msg
from engine.pages.matter_file import MatterFile
from engine.models import HumanTask, User, utcnow
from engine.status import TaskKind, TaskState
from engine.runtime.script_api import ScriptApi
from engine.bpmn.scripting import SandboxedScriptEngine
from engine.bpmn.serialization import load_state
from engine.runtime.task_mirror import task_properties
from engine.runtime.task_schema import task_schema
from engine.process.version_cache import version_forms, version_specs


@dataclass
class TaskForm:
    """A task's form with its choices filled in, the `show` pairs, the form fields' current values, and the
    matter's file as the viewer may see it (None when the designer chose to show none)."""

    schema: dict
    shown: list[tuple[str, object]] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    file: MatterFile | None = None
    data: dict = field(default_factory=dict, repr=False)  # the task's data, for the meeting's agenda item


def task_form(session: Session, row: HumanTask, viewer: User | None = None) -> TaskForm:
    """Everything a task page needs, with the matter's file when ``viewer`` is given.

    A task no longer ready shows its bare form. Reads the workflow in a session that is never committed,
    so nothing here can change it.
    """
    form = _form(session, row, viewer)
    if viewer is not None:
        form.file = matter_file.for_task(session, row, viewer, form.data)
    return form


def _form(session: Session, row: HumanTask, viewer: User | None = None) -> TaskForm:
    if row.kind == TaskKind.SIGN:
        return TaskForm(signers.SIGN_SCHEMA, _sign_context(session, row))
    if row.state != TaskState.READY:
        return TaskForm(task_schema(session, row, {}))
    instance = row.instance
    api = ScriptApi(session, instance, utcnow())
    engine = SandboxedScriptEngine(api.functions(), api.lookups())
    workflow = load_state(instance.state, version_specs(instance.process_version), engine)
    task = workflow.get_task_from_id(UUID(row.task_guid))
    if task is None:
        return TaskForm(task_schema(session, row, {}))
    schema = task_schema(session, row, task.data)
    if viewer is not None:  # a voter's or teller's client needs the vote's key, a teller its wrapped share
        schema = ballot_steps.with_context(session, instance.id, row.element_id, schema, task, engine,
                                           task_properties(task), viewer.username)
    shown = []
    for label, expression in show_pairs(task_properties(task).get("show")):
        try:
            shown.append((label, engine.evaluate(task, expression)))
        except Exception as exc:  # a designer's expression failing must not break the page
            shown.append((label, Msg("task.show_failed", error=str(exc))))
    secret = set(ballot_steps.personal_fields(schema))
    entered = {**task.data, **(row.draft or {})}  # what a delegate entered comes first (委派)
    values = {k: v for k, v in entered.items() if k in schema.get("properties", {}) and k not in secret}
    return TaskForm(schema, shown, values, data=task.data)


def _sign_context(session: Session, sign: HumanTask) -> list[tuple[str, object]]:
    """What a signer sees: why they were asked and, after the holder (后加签), the holder's answer."""
    task = session.get(HumanTask, sign.sign_for_id)
    shown: list[tuple[str, object]] = [("加签事由", sign.note)]
    fields = (version_forms(task.instance.process_version).get(task.form_file) or {}).get("properties", {})
    for name, value in (task.draft or {}).items():
        shown.append((f"拟办：{fields.get(name, {}).get('title', name)}", value))
    return shown
