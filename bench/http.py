"""HTTP throughput and server memory: `powerflow serve` (gunicorn) on PostgreSQL, load from separate processes.

Throughput: client processes on loopback each complete the first step of their own major-decision
matters through POST /api/v1/tasks/<id>/complete on keep-alive connections; completions per second
and p50/p99 latency. Memory: the workers' resident size after the first 1,000 requests and after
``requests`` more (GET /api/v1/instances/<id>).
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

from bench.common import ROOT, fresh_database, ms, percentile
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
    port, token, task_ids = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    body, latencies = json.dumps({"data": FILE}), []
    for task_id in task_ids:
        began = time.perf_counter()
        conn.request("POST", f"/api/v1/tasks/{task_id}/complete", body, headers)
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


def run(url: str, matters: int = 3000, clients: int = 8, workers: int = 4, requests: int = 100_000) -> dict:
    db = fresh_database(url)
    runtime = Runtime(db)
    tasks = [runtime.start("major_decision", f"吞吐基准 {i}", {}, "bangong").new_tasks[0] for i in range(matters)]
    first_matter = runtime.start("major_decision", "内存基准", {}, "bangong").instance_id
    db_url = db.url
    db.dispose()
    env = {**os.environ, "DATABASE_URL": db_url, "POWERFLOW_SECRET_KEY": "bench-secret-key-of-at-least-32-chars",
           "POWERFLOW_RATELIMIT_STORAGE": "memory://"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("powerflow")), "serve", "--port", str(PORT),
                               "--workers", str(workers), "--no-timers"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            try:
                token = _token(PORT)
                break
            except OSError:
                time.sleep(0.2)
        shares = [(PORT, token, tasks[i::clients]) for i in range(clients)]
        with multiprocessing.Pool(clients) as pool:
            began = time.perf_counter()
            latencies = [x for part in pool.map(_complete, shares) for x in part]
            elapsed = time.perf_counter() - began
        path = f"/api/v1/instances/{first_matter}"
        with multiprocessing.Pool(clients) as pool:
            pool.map(_get, [(PORT, token, path, 1000 // clients)] * clients)
            after_first = _workers_rss(server.pid)
            began = time.perf_counter()
            pool.map(_get, [(PORT, token, path, requests // clients)] * clients)
            get_elapsed = time.perf_counter() - began
            after_all = _workers_rss(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {"completions": len(latencies), "per_second": len(latencies) / elapsed, "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99), "clients": clients, "workers": workers, "requests": requests,
            "rss_first_kb": after_first, "rss_after_kb": after_all, "get_per_second": requests / get_elapsed}


def table(result: dict) -> str:
    growth = (result["rss_after_kb"] - result["rss_first_kb"]) / result["rss_first_kb"] * 100
    return "\n".join([
        "| measure | result |", "|---|---:|",
        f"| completions through POST /api/v1/tasks/<id>/complete ({result['workers']} gunicorn workers, "
        f"{result['clients']} client processes) | {result['per_second']:.0f} per second "
        f"({result['completions']:,} completions) |",
        f"| completion latency p50 / p99 | {ms(result['p50'])} ms / {ms(result['p99'])} ms |",
        f"| GET /api/v1/instances/<id> | {result['get_per_second']:.0f} per second |",
        f"| workers' resident memory after 1,000 requests → after {result['requests']:,} more | "
        f"{result['rss_first_kb'] / 1024:.0f} MB → {result['rss_after_kb'] / 1024:.0f} MB ({growth:+.1f}%) |"])
