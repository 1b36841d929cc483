"""Where a matter stands on its chart: each element's state and the flows already taken."""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from engine.errors import Msg
from engine.status import MatterStatus, StepState

# Highest first: an element shows the most "alive" state of any of its tasks (loops, instances).
_RANK = [(StepState.CURRENT, TaskState.READY | TaskState.STARTED), (StepState.ERROR, TaskState.ERROR),
         (StepState.WAITING, TaskState.WAITING), (StepState.COMPLETED, TaskState.COMPLETED)]
_REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR


def _element_state(states: int) -> str | None:
    for name, mask in _RANK:
        if states & mask:
            return name
    return None


def _visible_parent(task):
    parent = task.parent
    while parent is not None and getattr(parent.task_spec, "bpmn_id", None) is None:
        parent = parent.parent
    return parent


def chart_state(workflow) -> dict:
    """{"elements": {element id: current|waiting|error|completed}, "flows": [[source, target], ...]}."""
    seen: dict[str, int] = {}
    flows: set[tuple[str, str]] = set()
    for task in workflow.get_tasks():
        element = getattr(task.task_spec, "bpmn_id", None)
        if element is None:
            continue
        seen[element] = seen.get(element, 0) | task.state
        if task.state & _REACHED:
            parent = _visible_parent(task)
            if parent is not None and parent.task_spec.bpmn_id != element:
                flows.add((parent.task_spec.bpmn_id, element))
    elements = {e: s for e, bits in seen.items() if (s := _element_state(bits))}
    # What a matter waits for (a decision, a timer), named, so lists can say so without the spec.
    waiting = {task.task_spec.bpmn_id: task.task_spec.bpmn_name or task.task_spec.bpmn_id
               for task in workflow.get_tasks(state=TaskState.WAITING)
               if getattr(task.task_spec, "bpmn_id", None) and elements.get(task.task_spec.bpmn_id) == StepState.WAITING}
    return {"elements": elements, "flows": sorted([list(f) for f in flows]), "waiting": waiting}


def progress_note(instance, added: list) -> Msg:
    """One line on where a matter now stands, for its followers."""
    if instance.status == MatterStatus.COMPLETED:
        return Msg("notice.completed")
    if instance.status == MatterStatus.ERROR:
        return Msg("notice.stopped", error=instance.error)
    if added:
        return Msg("notice.reached", steps="、".join(dict.fromkeys(t.name for t in added)))
    return Msg("notice.updated")
