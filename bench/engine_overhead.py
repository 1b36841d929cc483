"""One user action through the engine against pure SpiffWorkflow doing the same step in memory.

The engine's action: load the matter and its workflow, validate the form, complete the task, run the
engine steps, save the state, the chart state, the task mirror, the audit and the notifications — one
transaction. Pure SpiffWorkflow: deserialize the same workflow state (with SpiffWorkflow's own serializer,
which embeds the spec), complete the task with the same data, run the engine steps, serialize.
"""
from __future__ import annotations

import statistics
import time

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from bench.common import fresh_database, ms
from engine.models import HumanTask, Instance
from engine.runtime import Runtime
from engine.scripting import RestrictedScriptEngine
from engine.serialization import load_state
from engine.version_cache import version_specs

FILE = {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
PURE = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def _script_engine():
    return RestrictedScriptEngine({"member_in_charge_of": lambda field: "zhoucw"})


def run(url: str, matters: int = 200) -> dict:
    """Median and p95 of both, per action, and their ratio."""
    db = fresh_database(url)
    runtime = Runtime(db)
    started = [runtime.start("major_decision", f"基准事项 {i}", {}, "bangong") for i in range(matters)]
    prepared = []  # the same matters' states before the step, for the pure run
    with db.reader() as session:
        for outcome in started:
            instance, row = session.get(Instance, outcome.instance_id), session.get(HumanTask, outcome.new_tasks[0])
            workflow = load_state(instance.state, version_specs(instance.process_version), _script_engine())
            prepared.append((PURE.serialize_json(workflow), row.task_guid))
    pure = []
    for state, guid in prepared:
        began = time.perf_counter()
        workflow = PURE.deserialize_json(state)
        workflow.script_engine = _script_engine()
        task = next(t for t in workflow.get_tasks() if str(t.id) == guid)
        task.data.update(FILE)
        task.run()
        workflow.do_engine_steps()
        PURE.serialize_json(workflow)
        pure.append(time.perf_counter() - began)
    engine = []
    for outcome in started:
        began = time.perf_counter()
        runtime.complete(outcome.new_tasks[0], FILE, "bangong")
        engine.append(time.perf_counter() - began)
    db.dispose()
    return {"dialect": db.dialect, "engine_median": statistics.median(engine), "pure_median": statistics.median(pure),
            "engine_p95": sorted(engine)[int(len(engine) * 0.95)], "pure_p95": sorted(pure)[int(len(pure) * 0.95)]}


def table(results: list[dict]) -> str:
    lines = ["| backend | engine, median ms | engine p95 | pure SpiffWorkflow, median ms | pure p95 | ratio (median) |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['dialect']} | {ms(r['engine_median'])} | {ms(r['engine_p95'])} | {ms(r['pure_median'])} | "
                     f"{ms(r['pure_p95'])} | {r['engine_median'] / r['pure_median']:.2f}× |")
    return "\n".join(lines)
