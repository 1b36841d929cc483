"""What safety costs: a condition in the data-only evaluator, a script's round trip through a runner,
and what the runner adds to one engine action.

Expressions: the median time of one evaluation (µs) of the shipped processes' typical conditions and
shown values, beside CPython's own eval of the same precompiled expression (the floor no evaluator
can beat). Scripts: p50 and p99 of one script through the runner pool: with no function call; the major
decision's first script, one call and nothing else, which the server settles without waking a runner
(engine.bpmn.sandbox.prefetch); and the same call followed by a statement, which a runner runs with the
call's answer sent along. Engine action: the major decision's first step (as in engine_overhead) as the
engine runs it, and with SpiffWorkflow's own in-process script engine instead (unconfined, what the
engine did before it had runners), the two alternating action by action on one database so that the
VM's drift falls on both alike.
"""
from __future__ import annotations

import statistics
import time

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from bench.common import fresh_database
from bench.engine_overhead import FILE
from engine.runtime.service import Runtime
from engine.runtime.stepper import Stepper
from engine.bpmn.sandbox.expressions import evaluate
from engine.bpmn.sandbox.pool import shared_pool
from engine.runtime.script_api import ScriptApi

EXPRESSIONS = {
    "decision['outcome'] == 'passed'": {"decision": {"outcome": "passed", "agree": 6}},
    "len(absentees) > 0": {"absentees": ["huangcw"]},
    "[i['title'] for i in items]": {"items": [{"title": f"议题{n}", "topic_id": n} for n in range(5)]},
    "str(item['topic_id'])": {"item": {"topic_id": 12, "title": "议题"}},
}
SCRIPTS = {
    "x = 1 (no call)": ("x = 1", {}),
    "member_in_charge = member_in_charge_of(field) (one call, settled by the server)": (
        "member_in_charge = member_in_charge_of(field)", {"field": "城乡建设"}),
    "the same call, then n = len(member_in_charge) (run by a runner)": (
        "member_in_charge = member_in_charge_of(field)\nn = len(member_in_charge)", {"field": "城乡建设"}),
}


def _median_us(function, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1e6


def run(runs: int = 20_000, scripts: int = 3_000) -> dict:
    """Per-expression medians (ours and CPython's eval) and per-script p50/p99."""
    expressions = []
    for source, names in EXPRESSIONS.items():
        code = compile(source, "<bench>", "eval")
        ours = _median_us(lambda: evaluate(source, names, {}), runs)
        native = _median_us(lambda: eval(code, {"__builtins__": {"len": len, "str": str}}, dict(names)), runs)  # noqa: S307
        expressions.append({"source": source, "ours_us": ours, "eval_us": native})
    pool, functions = shared_pool(), {"member_in_charge_of": lambda field: "zhoucw"}
    pool.run("x = 1", {}, functions, 1.0)  # the runner's start is not a round trip
    rounds = []
    for label, (script, data) in SCRIPTS.items():
        samples = []
        for _ in range(scripts):
            began = time.perf_counter()
            pool.run(script, data, functions, 1.0)
            samples.append(time.perf_counter() - began)
        samples.sort()
        rounds.append({"label": label, "p50": samples[len(samples) // 2], "p99": samples[int(len(samples) * 0.99)]})
    return {"expressions": expressions, "scripts": rounds}


def costs_table(costs: list[dict]) -> str:
    """The engine action with and without runners, per backend."""
    lines = ["| backend | scripts as the engine runs them, median ms | scripts in-process (unconfined), median ms "
             "| slower by |",
             "|---|---:|---:|---:|"]
    for c in costs:
        lines.append(f"| {c['dialect']} | {c['runners'] * 1000:.2f} | {c['in_process'] * 1000:.2f} | "
                     f"{(c['runners'] / c['in_process'] - 1) * 100:.1f} % |")
    return "\n".join(lines)


class _InProcess(Stepper):
    """The same stepper with scripts exec'd in this process by SpiffWorkflow's own engine (no confinement)."""

    def script_engine(self, session, instance, now):
        api = ScriptApi(session, instance, now)
        engine = PythonScriptEngine(environment=TaskDataEnvironment(api.functions()))
        engine.api = api
        return engine


def engine_cost(url: str, matters: int = 400) -> dict:
    """Median ms of the major decision's first step with runners and in-process, alternating."""
    db = fresh_database(url)
    confined, in_process = Runtime(db), Runtime(db)
    in_process.stepper = in_process.flow.stepper = _InProcess()
    started = [confined.start("major_decision", f"基准事项 {i}", {}, "bangong") for i in range(matters)]
    samples: dict[str, list[float]] = {"runners": [], "in_process": []}
    for n, outcome in enumerate(started):
        runtime, key = (confined, "runners") if n % 2 == 0 else (in_process, "in_process")
        began = time.perf_counter()
        runtime.complete(outcome.new_tasks[0], FILE, "bangong")
        samples[key].append(time.perf_counter() - began)
    db.dispose()
    return {"dialect": db.dialect, **{k: statistics.median(v) for k, v in samples.items()}}


def table(result: dict) -> str:
    lines = ["| expression | ours, median µs | CPython eval of compiled code, median µs |", "|---|---:|---:|"]
    for e in result["expressions"]:
        lines.append(f"| `{e['source']}` | {e['ours_us']:.1f} | {e['eval_us']:.1f} |")
    lines += ["", "| script through the runner pool | p50 ms | p99 ms |", "|---|---:|---:|"]
    for s in result["scripts"]:
        lines.append(f"| `{s['label']}` | {s['p50'] * 1000:.3f} | {s['p99'] * 1000:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run(2_000, 500)))
    print(costs_table([engine_cost("sqlite:////tmp/powerflow-bench.sqlite", 100)]))
