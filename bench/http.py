"""HTTP throughput and server memory: `powerflow serve` (gunicorn) on PostgreSQL, load from separate processes.

Throughput: client processes on loopback each complete the first step of their own major-decision
matters through POST /api/v1/tasks/<id>/complete on keep-alive connections; completions per second,
p50/p99 latency, and the CPU the server's workers and PostgreSQL spent per completion. Then the same
clients load the minimal HTTP floor (bench/http_floor.py) served the same way, on the same matters'
workflows. Memory: the workers' resident size after the first 1,000 requests and after ``requests``
more (GET /api/v1/instances/<id>).
"""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench import http_floor
from bench.common import ROOT, fresh_database, ms, percentile
from engine.bpmn.serialization import load_state
from engine.models import HumanTask, Instance
from engine.process.version_cache import version_specs
from engine.runtime.service import Runtime

FILE = {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
PORT = 5077


def _token(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/auth/token", json.dumps({"username": "bangong", "password": "demo"}),
                 {"Content-Type": "application/json"})
    return json.loads(conn.getresponse().read())["token"]


def _complete(args) -> list[float]:
    port, token, task_ids, path = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    body, latencies = json.dumps({"data": FILE}), []
    for task_id in task_ids:
        began = time.perf_counter()
        conn.request("POST", path.format(task_id), body, headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"task {task_id}: HTTP {response.status}")
        latencies.append(time.perf_counter() - began)
    return latencies


def _get(args) -> int:
    port, token, path, count = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        conn.getresponse().read()
    return count


def _workers_rss(master: int) -> int:
    """Resident kilobytes of the gunicorn workers (the master's children)."""
    total = 0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU seconds each process has used."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings, counting processes started meanwhile in full."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _descendants(pid: int) -> list[int]:
    """The server's workers and their children (the script runners), recursively."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            continue
        found += children
        queue += children
    return found


def _postgres() -> list[int]:
    """PostgreSQL's processes on this machine (the server under test is local)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_for(port: int, attempt) -> object:
    for _ in range(150):
        try:
            return attempt()
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def _load(port: int, token: str, ids: list[int], path: str, clients: int, server: int) -> dict:
    """Completions through ``path`` from ``clients`` processes: rate, latency and CPU per completion."""
    shares = [(port, token, ids[i::clients], path) for i in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        cpu_before, db_before = _cpu_seconds(_descendants(server)), _cpu_seconds(_postgres())
        began = time.perf_counter()
        latencies = [x for part in pool.map(_complete, shares) for x in part]
        elapsed = time.perf_counter() - began
        cpu = _spent(cpu_before, _cpu_seconds(_descendants(server)))
        db_cpu = _spent(db_before, _cpu_seconds(_postgres()))
    return {"completions": len(latencies), "per_second": len(latencies) / elapsed,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "cpu_ms": cpu / len(latencies) * 1000, "db_cpu_ms": db_cpu / len(latencies) * 1000}


def _floor_states(db, started: list) -> list[tuple[str, str]]:
    """The matters' workflows before their first step, as SpiffWorkflow's own serializer writes them."""
    from bench.engine_overhead import _script_engine
    states = []
    with db.reader() as session:
        for outcome in started:
            instance, row = session.get(Instance, outcome.instance_id), session.get(HumanTask, outcome.new_tasks[0])
            workflow = load_state(instance.state, version_specs(instance.process_version), _script_engine())
            states.append((http_floor.PURE.serialize_json(workflow), row.task_guid))
    return states


def _serve(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def run(url: str, matters: int = 3000, clients: int = 8, workers: int = 2, requests: int = 100_000) -> dict:
    db = fresh_database(url)
    runtime = Runtime(db)
    started = [runtime.start("major_decision", f"吞吐基准 {i}", {}, "bangong") for i in range(matters)]
    tasks = [outcome.new_tasks[0] for outcome in started]
    floor_states = _floor_states(db, started)
    first_matter = runtime.start("major_decision", "内存基准", {}, "bangong").instance_id
    db_url = db.url
    db.dispose()
    env = {**os.environ, "DATABASE_URL": db_url, "POWERFLOW_SECRET_KEY": "bench-secret-key-of-at-least-32-chars",
           "POWERFLOW_RATELIMIT_STORAGE": "redis://127.0.0.1:6379/0"}
    server = _serve([str(Path(sys.executable).with_name("powerflow")), "serve", "--port", str(PORT),
                     "--workers", str(workers), "--no-timers"], env)
    try:
        token = _wait_for(PORT, lambda: _token(PORT))
        served = _load(PORT, token, tasks, "/api/v1/tasks/{}/complete", clients, server.pid)
        path = f"/api/v1/instances/{first_matter}"
        with multiprocessing.Pool(clients) as pool:
            pool.map(_get, [(PORT, token, path, 1000 // clients)] * clients)
            after_first = _workers_rss(server.pid)
            began = time.perf_counter()
            pool.map(_get, [(PORT, token, path, requests // clients)] * clients)
            get_elapsed = time.perf_counter() - began
            after_all = _workers_rss(server.pid)
    finally:
        _stop(server)
    floor_url = db_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(floor_url) as connection:
        floor_ids = http_floor.prepare(connection, floor_states)
    server = _serve([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{PORT}",
                     "bench.http_floor:app"], {**os.environ, "FLOOR_DATABASE_URL": floor_url})
    try:
        _wait_for(PORT, lambda: http.client.HTTPConnection("127.0.0.1", PORT, timeout=5).connect())
        floor = _load(PORT, "", floor_ids, "/complete/{}", clients, server.pid)
    finally:
        _stop(server)
    return {**served, "clients": clients, "workers": workers, "requests": requests, "floor": floor,
            "rss_first_kb": after_first, "rss_after_kb": after_all, "get_per_second": requests / get_elapsed}


def table(result: dict) -> str:
    growth = (result["rss_after_kb"] - result["rss_first_kb"]) / result["rss_first_kb"] * 100
    floor = result["floor"]
    return "\n".join([
        f"| measure ({result['workers']} gunicorn workers, {result['clients']} client processes, "
        f"{result['completions']:,} completions each) | powerflow | minimal HTTP floor |", "|---|---:|---:|",
        f"| completions per second through POST …/complete | {result['per_second']:.0f} | {floor['per_second']:.0f} |",
        f"| powerflow's share of the floor | {result['per_second'] / floor['per_second'] * 100:.0f} % | |",
        f"| completion latency p50 / p99, ms | {ms(result['p50'])} / {ms(result['p99'])} | "
        f"{ms(floor['p50'])} / {ms(floor['p99'])} |",
        f"| server's CPU per completion (workers and script runners), ms | {result['cpu_ms']:.2f} | {floor['cpu_ms']:.2f} |",
        f"| PostgreSQL's CPU per completion, ms | {result['db_cpu_ms']:.2f} | {floor['db_cpu_ms']:.2f} |",
        f"| GET /api/v1/instances/<id> per second | {result['get_per_second']:.0f} | |",
        f"| workers' resident memory after 1,000 requests → after {result['requests']:,} more | "
        f"{result['rss_first_kb'] / 1024:.0f} MB → {result['rss_after_kb'] / 1024:.0f} MB ({growth:+.1f}%) | |"])
