"""The live flowchart of a matter: first render of a version (graphviz lays it out) and with the cached layout."""
from __future__ import annotations

import statistics
import time

from bench.common import fresh_database, ms, percentile
from engine.charts import Charts
from engine.models import Instance
from engine.runtime import Runtime

PROCESSES = ("major_decision", "committee_meeting", "public_feedback", "personnel_appointment")


def run(url: str, renders: int = 300) -> dict:
    db = fresh_database(url)
    runtime = Runtime(db)
    matters = {key: runtime.start(key, f"流程图基准 {key}", {}, "bangong" if key != "personnel_appointment" else "zuzhi")
               .instance_id for key in PROCESSES}
    charts = Charts(db)
    first = {}
    with db.reader() as session:
        for key, matter in matters.items():
            instance = session.get(Instance, matter)
            began = time.perf_counter()
            charts.live_svg(session, instance)  # no layout stored yet: dot runs once for the version
            first[key] = time.perf_counter() - began
        cached = []
        for i in range(renders):
            instance = session.get(Instance, matters[PROCESSES[i % len(PROCESSES)]])
            began = time.perf_counter()
            charts.live_svg(session, instance)
            cached.append(time.perf_counter() - began)
    db.dispose()
    return {"dialect": db.dialect, "first": first, "p50": statistics.median(cached), "p95": percentile(cached, 95)}


def table(results: list[dict]) -> str:
    lines = ["| backend | first render of a version, ms (per process) | cached layout p50, ms | p95, ms |",
             "|---|---|---:|---:|"]
    for r in results:
        firsts = ", ".join(f"{k} {ms(v)}" for k, v in r["first"].items())
        lines.append(f"| {r['dialect']} | {firsts} | {ms(r['p50'])} | {ms(r['p95'])} |")
    return "\n".join(lines)
