"""One user action through the engine against pure SpiffWorkflow doing the same step in memory.

The engine's action: load the matter and its workflow, validate the form, complete the task, run the
engine steps, save the state, the chart state, the task mirror, the audit and the notifications — one
transaction. Pure SpiffWorkflow: deserialize the same workflow state (with SpiffWorkflow's own serializer,
which embeds the spec), complete the task with the same data, run the engine steps, serialize.

The floor: the fewest durable writes such an action must make — read the matter, complete its mirror
row and add the next, save the state under the optimistic lock, append one chained audit event,
commit — as bare driver statements, with no ORM and no Python of ours. Pure SpiffWorkflow plus this
floor is the fastest any engine that keeps each action durable could be on this machine.
"""
from __future__ import annotations

import hashlib
import statistics
import time
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from bench.common import fresh_database, ms
from engine.models import HumanTask, Instance
from engine.runtime.service import Runtime
from engine.bpmn.scripting import SandboxedScriptEngine
from engine.bpmn.serialization import load_state
from engine.process.version_cache import version_specs

FILE = {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
PURE = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def _script_engine():
    return SandboxedScriptEngine({"member_in_charge_of": lambda field: "zhoucw"})


def _pure_script_engine():
    """SpiffWorkflow's own engine: scripts exec'd in this process, with no limits at all."""
    return PythonScriptEngine(environment=TaskDataEnvironment({"member_in_charge_of": lambda field: "zhoucw"}))


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
        workflow.script_engine = _pure_script_engine()
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
    floor = _floor(db, [(o.instance_id, o.new_tasks[0]) for o in started])
    db.dispose()
    return {"dialect": db.dialect, "engine_median": statistics.median(engine), "pure_median": statistics.median(pure),
            "floor_median": statistics.median(floor),
            "engine_p95": sorted(engine)[int(len(engine) * 0.95)], "pure_p95": sorted(pure)[int(len(pure) * 0.95)]}


_FLOOR = [
    "SELECT state, lock_version FROM instances WHERE id = %s",
    "UPDATE human_tasks SET state = 'completed', completed_at = %s, completed_by_id = %s WHERE id = %s",
    "INSERT INTO human_tasks (instance_id, task_guid, element_id, name, candidate_role, state, created_at, kind) "
    "VALUES (%s, %s, 'floor', '基准', '常委', 'ready', %s, 'task')",
    "UPDATE instances SET state = %s, lock_version = lock_version + 1 WHERE id = %s AND lock_version = %s",
    "SELECT seq, hash FROM audit_head WHERE id = 1",
    "INSERT INTO audit_events (instance_id, at, actor_id, action, details, seq, prev_hash, hash) "
    "VALUES (%s, %s, %s, 'complete', %s, %s, %s, %s)",
    "UPDATE audit_head SET seq = %s, hash = %s WHERE id = 1"]


def _floor(db, matters: list[tuple[int, int]]) -> list[float]:
    """Seconds per action for the minimal durable writes, through the bare driver."""
    raw = db.engine.raw_connection()
    sql = list(_FLOOR)
    if db.dialect == "sqlite":
        sql = [s.replace("%s", "?") for s in sql]
    else:  # the head is locked, as the engine locks it, and the details column is JSONB
        sql[4] += " FOR UPDATE"
        sql[5] = sql[5].replace("%s, %s, %s, %s)", "%s::jsonb, %s, %s, %s)")
    cursor, samples = raw.driver_connection.cursor(), []
    try:
        for n, (instance_id, task_id) in enumerate(matters):
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            began = time.perf_counter()
            cursor.execute(sql[0], (instance_id,))
            state, lock = cursor.fetchone()
            cursor.execute(sql[1], (now, 1, task_id))
            cursor.execute(sql[2], (instance_id, f"f1000000-0000-0000-0000-{n:012d}", now))
            cursor.execute(sql[3], (state, instance_id, lock))
            cursor.execute(sql[4])
            seq, prev = cursor.fetchone()
            digest = hashlib.sha256(f"{prev}{seq + 1}{FILE}".encode()).hexdigest()
            cursor.execute(sql[5], (instance_id, now, 1, '{"data": {}}', seq + 1, prev, digest))
            cursor.execute(sql[6], (seq + 1, digest))
            raw.driver_connection.commit()
            samples.append(time.perf_counter() - began)
    finally:
        raw.close()
    return samples


def table(results: list[dict]) -> str:
    lines = ["| backend | engine, median ms | engine p95 | pure SpiffWorkflow, median ms | pure p95 | ratio (median) "
             "| floor: bare-driver durable writes, median ms | pure + floor, ratio | engine ÷ (pure + floor) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        durable = r["pure_median"] + r["floor_median"]
        lines.append(f"| {r['dialect']} | {ms(r['engine_median'])} | {ms(r['engine_p95'])} | {ms(r['pure_median'])} | "
                     f"{ms(r['pure_p95'])} | {r['engine_median'] / r['pure_median']:.2f}× | {ms(r['floor_median'])} | "
                     f"{durable / r['pure_median']:.2f}× | {r['engine_median'] / durable:.2f}× |")
    return "\n".join(lines)
