"""The live flowchart of a matter: first render of a version (graphviz lays it out) and with the cached layout."""
from __future__ import annotations

import statistics
import time

import sqlalchemy as sa

from bench.common import fresh_database, ms, percentile
from engine.charts.live_cache import Charts
from engine.models import Instance, ProcessVersion
from engine.runtime.service import Runtime

FIRST_RUNS = 5
PROCESSES = ("major_decision", "committee_meeting", "public_feedback", "personnel_appointment")


def run(url: str, renders: int = 300) -> dict:
    db = fresh_database(url)
    runtime = Runtime(db)
    matters = {key: runtime.start(key, f"流程图基准 {key}", {}, "bangong" if key != "personnel_appointment" else "zuzhi")
               .instance_id for key in PROCESSES}
    first = {}
    for key, matter in matters.items():
        samples = []
        for _ in range(FIRST_RUNS):
            with db.transaction() as session:  # forget the stored layout: the next view lays the version out again
                version_id = session.get(Instance, matter).process_version_id
                session.execute(sa.update(ProcessVersion).where(ProcessVersion.id == version_id)
                                .values(layout_svg=None, layout_nodes=None))
            with db.reader() as session:
                instance = session.get(Instance, matter)
                began = time.perf_counter()
                Charts(db).live_svg(session, instance)  # dot runs for the version, and the layout is stored
                samples.append(time.perf_counter() - began)
        first[key] = statistics.median(samples)
    charts = Charts(db)
    with db.reader() as session:
        cached = []
        for i in range(renders):
            instance = session.get(Instance, matters[PROCESSES[i % len(PROCESSES)]])
            began = time.perf_counter()
            charts.live_svg(session, instance)
            cached.append(time.perf_counter() - began)
    db.dispose()
    return {"dialect": db.dialect, "first": first, "p50": statistics.median(cached), "p95": percentile(cached, 95)}


def table(results: list[dict]) -> str:
    lines = [f"| backend | first render of a version, median of {FIRST_RUNS}, ms (per process) | cached layout p50, ms | p95, ms |",
             "|---|---|---:|---:|"]
    for r in results:
        firsts = ", ".join(f"{k} {ms(v)}" for k, v in r["first"].items())
        lines.append(f"| {r['dialect']} | {firsts} | {ms(r['p50'])} | {ms(r['p95'])} |")
    return "\n".join(lines)
