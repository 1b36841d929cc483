"""What a task page shows: its form with current choices, and the matter's data the designer chose (`show`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy.orm import Session

from . import forms
from .definitions import show_pairs
from .directory import Directory
from .models import HumanTask, utcnow
from .script_api import ScriptApi
from .scripting import RestrictedScriptEngine
from .serialization import load_state
from .task_mirror import task_properties


@dataclass
class TaskForm:
    """A task's form with its choices filled in, the `show` pairs, and the form fields' current values."""

    schema: dict
    shown: list[tuple[str, object]] = field(default_factory=list)
    values: dict = field(default_factory=dict)


def task_schema(session: Session, row: HumanTask, data: dict) -> dict:
    """The task's JSON Schema with ``x-options`` filled from the directory and the task's ``data``."""
    directory = Directory(session)
    return forms.with_options(row.instance.process_version.forms[row.form_file],
                              lambda source: directory.options(source, data))


def task_form(session: Session, row: HumanTask) -> TaskForm:
    """Everything a task page needs; a task no longer ready shows its bare form.

    Reads the workflow in a session that is never committed, so nothing here can change it.
    """
    if row.state != "ready":
        return TaskForm(task_schema(session, row, {}))
    instance = row.instance
    engine = RestrictedScriptEngine(ScriptApi(session, instance, utcnow()).functions())
    workflow = load_state(instance.state, instance.process_version.spec_json, engine)
    task = workflow.get_task_from_id(UUID(row.task_guid))
    if task is None:
        return TaskForm(task_schema(session, row, {}))
    schema = task_schema(session, row, task.data)
    shown = []
    for label, expression in show_pairs(task_properties(task).get("show")):
        try:
            shown.append((label, engine.evaluate(task, expression)))
        except Exception as exc:  # a designer's expression failing must not break the page
            shown.append((label, f"（无法显示：{exc}）"))
    secret = set(forms.ballot_fields(schema))
    entered = {**task.data, **(row.draft or {})}  # what a delegate entered comes first (委派)
    values = {k: v for k, v in entered.items() if k in schema.get("properties", {}) and k not in secret}
    return TaskForm(schema, shown, values)
