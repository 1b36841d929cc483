"""Workflow (de)serialization that keeps the process spec out of each matter's state.

SpiffWorkflow's serializer embeds the whole spec in every workflow; we store the spec once
per process version and re-attach it (already restored, from a cache) on load.
"""
from __future__ import annotations

import functools
import json

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class _SharedSpecConverter(BpmnWorkflowConverter):
    """Leaves the spec out when writing; takes restored spec objects when reading."""

    def to_dict(self, workflow):
        # BpmnWorkflowConverter.to_dict less its two spec keys: converting the spec only to drop it was
        # about a quarter of each save.
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec, subprocess_specs = dct.pop("spec"), dct.pop("subprocess_specs")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value):
    from uuid import UUID
    return UUID(value)


_CONFIG = dict(SPIFF_CONFIG)
_CONFIG[BpmnWorkflow] = _SharedSpecConverter
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
_SPEC_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def spec_to_json(spec, subprocess_specs: dict) -> str:
    """Serialize a process spec and its called subprocess specs, stored once per version."""
    registry = _SPEC_SERIALIZER.registry
    return json.dumps({
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
    }, ensure_ascii=False)


@functools.lru_cache(maxsize=256)
def specs_from_json(spec_json: str):
    """Restore (spec, subprocess_specs); cached because specs never change once deployed."""
    dct = json.loads(spec_json)
    registry = _SPEC_SERIALIZER.registry
    spec = registry.restore(dct["spec"])
    subprocess_specs = {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()}
    return spec, subprocess_specs


def new_workflow(specs: tuple, script_engine) -> BpmnWorkflow:
    """Create a fresh workflow from a version's restored (spec, subprocess_specs)."""
    spec, subprocess_specs = specs
    return BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)


def dump_state(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's state without its spec."""
    registry = SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
        dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
        return json.dumps(dct, cls=SERIALIZER._encoder_cls, ensure_ascii=False)
    finally:
        registry._encoder_mode = False


def load_state(state: str, specs: tuple, script_engine) -> BpmnWorkflow:
    """Restore a workflow from its state and its version's restored specs; re-attach the script engine."""
    dct = json.loads(state)
    SERIALIZER.migrate(dct)  # upgrades states written by an older SpiffWorkflow
    dct["spec"], dct["subprocess_specs"] = specs
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = script_engine
    return workflow
