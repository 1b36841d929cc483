"""What a task page shows beside its form: the matter's data the process designer chose (`show`)."""
from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from .definitions import show_pairs
from .models import HumanTask, utcnow
from .script_api import ScriptApi
from .scripting import RestrictedScriptEngine
from .serialization import load_state
from .task_mirror import task_properties


def task_context(session: Session, row: HumanTask) -> tuple[list[tuple[str, object]], dict]:
    """([(label, value)…] from the task's `show` property, the current values of its form fields).

    Reads the workflow in a session that is never committed, so nothing here can change it.
    """
    instance = row.instance
    engine = RestrictedScriptEngine(ScriptApi(session, instance, utcnow()).functions())
    workflow = load_state(instance.state, instance.process_version.spec_json, engine)
    task = workflow.get_task_from_id(UUID(row.task_guid))
    if task is None:
        return [], {}
    shown = []
    for label, expression in show_pairs(task_properties(task).get("show")):
        try:
            shown.append((label, engine.evaluate(task, expression)))
        except Exception as exc:  # a designer's expression failing must not break the page
            shown.append((label, f"（无法显示：{exc}）"))
    return shown, dict(task.data)
