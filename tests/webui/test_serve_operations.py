"""`powerflow serve` as deployed: two gunicorn workers, metrics summed over both, JSON logs, readiness."""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from prometheus_client.parser import text_string_to_metric_families

from tests.cli_helpers import POWERFLOW, run
from tests.conftest import ROOT, free_port


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()  # a new connection each time, so either worker may take the next one
    return response.status, dict(response.getheaders()), body


def request_count(metrics_text: str, route: str) -> float:
    return sum(sample.value for family in text_string_to_metric_families(metrics_text) for sample in family.samples
               if sample.name == "powerflow_http_request_duration_seconds_count"
               and sample.labels.get("route") == route)


def test_a_served_node_is_ready_sums_its_workers_metrics_and_logs_json(env, tmp_path):
    env = {**env, "POWERFLOW_INSTANCE_PATH": str(tmp_path / "instance"), "POWERFLOW_LOG_FORMAT": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    assert run(env, "init").returncode == 0
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        # On SQLite, serve starts the demo's timer worker itself: readiness waits for its heartbeat.
        server = subprocess.Popen([POWERFLOW, "serve", "--port", str(port), "--workers", "2"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = get(port, "/readyz")
                if status == 200:
                    break
            except OSError:
                status, body = None, ""
            assert time.monotonic() < deadline, f"never ready: {status} {body}"
            time.sleep(0.3)
        assert json.loads(body)["checks"]["worker"]["ok"] is True

        def check(n: int) -> bool:
            status, headers, _ = get(port, "/healthz", {"X-Request-ID": f"served-check-{n:04d}"})
            return status == 200 and headers["X-Request-ID"] == f"served-check-{n:04d}"

        def access_lines(expected: int = 0) -> list[dict]:
            give_up = time.monotonic() + 10
            while True:  # a worker writes its line after answering: on a busy machine it can lag the answer
                time.sleep(0.2)
                lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
                assert all(line["time"].endswith("+08:00") for line in lines)  # Beijing time
                access = [line for line in lines if line.get("logger") == "powerflow.access"
                          and line["request_id"].startswith("served-check-")]
                if len(access) >= expected or time.monotonic() > give_up:
                    return access

        sent = 0
        while sent < 300:  # overlapping requests until both workers have answered some
            with ThreadPoolExecutor(3) as pool:
                assert all(pool.map(check, range(sent, sent + 30)))
            sent += 30
            if len({line["pid"] for line in access_lines(sent)}) == 2:
                break
        access = access_lines(sent)
        assert len({line["pid"] for line in access}) == 2, "one worker served everything: the sum proves nothing"
        assert len(access) == sent and all(line["status"] == 200 and line["route"] == "/healthz" for line in access)
        for _ in range(3):  # any worker answers the scrape, and each sees the sum of both
            status, headers, text = get(port, "/metrics")
            assert status == 200 and headers["Content-Type"].startswith("text/plain")
            assert request_count(text, "/healthz") == sent
            families = {f.name for f in text_string_to_metric_families(text)}
            assert {"powerflow_timers_due", "powerflow_outbox_backlog", "powerflow_tasks_overdue",
                    "powerflow_worker_last_seen_seconds", "powerflow_task_completions",
                    "powerflow_webhooks_waiting"} <= families
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
