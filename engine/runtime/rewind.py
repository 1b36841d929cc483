"""Which earlier steps a matter can go back to (驳回, 撤回) without undoing what cannot be undone.

Going back replays the path from the earlier step, so the path may hold only steps that are safe to
repeat: user tasks, exclusive gateways, decision tables and scripts that only compute. A parallel
gateway, a vote, a multi-instance step, a publication, a wait for a message or timer, a subprocess, or
a script with effects (submitting a topic, numbering, notifying) closes the way back.
"""
from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit, BpmnStartTask, SimpleBpmnTask
from SpiffWorkflow.bpmn.specs.mixins import ExclusiveGatewayMixin as ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins import InclusiveGatewayMixin as InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins import ParallelGatewayMixin as ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins import ScriptTaskMixin as ScriptTask
from SpiffWorkflow.bpmn.specs.mixins import UserTaskMixin as UserTask
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.dmn.specs import BusinessRuleTaskMixin as BusinessRuleTask
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import forms
from engine.errors import Msg
from engine.runtime.script_api import SIDE_EFFECT_FUNCTIONS
from engine.runtime.task_mirror import task_properties


@dataclass
class Blocked:
    """Why the way back stops at an element."""

    element: str
    reason: str


def _script_effects(spec) -> str | None:
    script = getattr(spec, "script", "") or ""
    used = [name for name in SIDE_EFFECT_FUNCTIONS if f"{name}(" in script]
    return "、".join(used) or None


def blocker(task, version_forms: dict) -> Blocked | None:
    """Why going back over this (already reached) task is refused, or None when it can be replayed."""
    spec = task.task_spec
    name = spec.bpmn_name or getattr(spec, "bpmn_id", None) or spec.name
    if isinstance(spec, (ParallelGateway, InclusiveGateway)):
        return Blocked(name, Msg("rewind.parallel"))
    if isinstance(spec, LoopTask) or isinstance(task.parent.task_spec if task.parent else None, LoopTask):
        return Blocked(name, Msg("rewind.vote"))
    if isinstance(spec, UserTask):
        props = task_properties(task)
        if props.get("publishes") == "true":
            return Blocked(name, Msg("rewind.published"))
        if forms.ballot_fields(version_forms.get(props.get("formJsonSchemaFilename")) or {}):
            return Blocked(name, Msg("rewind.ballot"))
        return None
    if isinstance(spec, ScriptTask):
        effects = _script_effects(spec)
        return Blocked(name, Msg("rewind.effects", effects=effects)) if effects else None
    if isinstance(spec, (ExclusiveGateway, BusinessRuleTask, StartEvent, BoundaryEventSplit, BpmnStartTask)):
        return None
    if type(spec) is SimpleBpmnTask or getattr(spec, "bpmn_id", None) is None:  # the engine's own plumbing
        return None
    return Blocked(name, Msg("rewind.waiting"))


def earlier_steps(task, version_forms: dict) -> tuple[list, Blocked | None]:
    """Completed user tasks on the current task's own path, nearest first, and what stops the walk."""
    found, node = [], task.parent
    own = blocker(task, version_forms)
    if own is not None and own.reason.code in ("rewind.vote", "rewind.ballot"):
        return [], own
    while node is not None:
        if isinstance(node.task_spec, UserTask) and node.state == TaskState.COMPLETED:
            stop = blocker(node, version_forms)
            if stop is not None:
                return found, stop
            found.append(node)
        elif (stop := blocker(node, version_forms)) is not None:
            return found, stop
        node = node.parent
    return found, None


def withdraw_blocker(task, version_forms: dict) -> Blocked | None:
    """Why a completed task cannot be taken back: something after it acted or cannot be replayed."""
    for node in task:
        if node is task or node.state < TaskState.WAITING:
            continue
        spec = node.task_spec
        if isinstance(spec, UserTask):
            if node.state != TaskState.READY or blocker(node, version_forms) is not None:
                return Blocked(spec.bpmn_name or spec.bpmn_id, Msg("rewind.next_done"))
            continue
        if isinstance(spec, ParallelGateway) and (node.state == TaskState.WAITING or len(spec.inputs) == 1):
            continue  # a split whose branches have not acted (checked below it), or a join still waiting
        if isinstance(spec, BoundaryEvent) and node.state == TaskState.WAITING:
            continue  # the next step's own deadline timer
        if (stop := blocker(node, version_forms)) is not None:
            return stop
    return None
