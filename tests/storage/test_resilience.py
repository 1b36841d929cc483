"""Two nodes on one PostgreSQL, and crashes in the middle of work: nothing lost, nothing done twice.

Real processes: `powerflow serve` (gunicorn) and `powerflow worker`, started as a deployment would,
talked to over HTTP, killed with SIGKILL while a transaction is open.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import sqlalchemy as sa

from engine.audit.chain import verify
from engine.storage.database import Database
from engine.process.definitions import parse_bpmn
from engine.process.deployment import deploy_definitions
from engine.models import AuditEvent, HumanTask, Instance, Timer
from engine.runtime.service import Runtime
from tests.cli_helpers import POWERFLOW
from engine.storage.liveness import IDLE_BEFORE_CHECK
from engine.storage.reference_cache import read_stamp
from tests.conftest import PG_URL, PROCESSES, ROOT, free_port, prepare

FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (PROCESSES / "forms").glob("*.json")}
MINUTES = {"meeting_minutes": "会议逐项审议并表决了议题，形成纪要。"}


def deploy(db: Database, *files: str) -> None:
    with db.transaction() as session:
        for name in files:
            source = (Path(__file__).parent.parent / "data" / name).read_bytes()
            deploy_definitions(session, parse_bpmn(source, name, FORMS))


class Node:
    """One `powerflow serve` or `powerflow worker`, in its own process group."""

    def __init__(self, url: str, *args: str):
        env = {**os.environ, "DATABASE_URL": url, "POWERFLOW_SECRET_KEY": "two-nodes-share-this-secret-key-of-32-chars",
               "POWERFLOW_RATELIMIT_STORAGE": "redis://127.0.0.1:6379/0"}
        self.process = subprocess.Popen([POWERFLOW, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self, sig=signal.SIGKILL) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


def serve(url: str) -> tuple[Node, str]:
    port = free_port()
    node = Node(url, "serve", "--port", str(port), "--workers", "2", "--no-timers")
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return node, base
        except OSError:
            time.sleep(0.1)
    node.kill()
    raise AssertionError("server did not start")


def call(base: str, method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    import http.client
    from urllib.parse import urlparse
    parsed = urlparse(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    conn.request(method, f"/api/v1{path}", json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def token(base: str, username: str) -> str:
    status, body = call(base, "POST", "/auth/token", body={"username": username, "password": "demo"})
    assert status == 200, body
    return body["token"]


def schema_of(url: str) -> str:
    return unquote(url).rsplit("search_path=", 1)[1]


def locked(db: Database, schema: str, table: str) -> bool:
    """Some transaction holds row locks on ``table`` of this schema right now (a unit of work in flight)."""
    with db.engine.connect() as connection:
        return bool(connection.execute(sa.text(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relname = :table "
            "AND l.mode IN ('RowExclusiveLock', 'RowShareLock') AND l.pid <> pg_backend_pid()"),
            {"schema": schema, "table": table}).scalar())


def released(db: Database, schema: str, table: str) -> None:
    """Wait until PostgreSQL has noticed the killed client and rolled its transaction back."""
    deadline = time.monotonic() + 30
    while locked(db, schema, table):
        assert time.monotonic() < deadline, "the killed transaction still holds its locks"
        time.sleep(0.05)


def test_two_servers_and_two_workers_on_one_postgresql(pg_url):
    db = prepare(pg_url)
    deploy(db, "numbered_minutes.bpmn", "timer_reminder.bpmn")
    runtime = Runtime(db)
    matters = [runtime.start("numbered_minutes", f"纪要 {i}", {}, "bangong") for i in range(24)]
    timed = [runtime.start("timer_reminder", f"定时 {i}", {}, "bangong").instance_id for i in range(12)]
    (one, base1), (two, base2) = serve(pg_url), serve(pg_url)
    workers = [Node(pg_url, "worker", "--interval", "0.2") for _ in range(2)]
    try:
        tokens = {base1: token(base1, "bangong"), base2: token(base2, "bangong2")}
        results: dict[int, list[int]] = {}

        def race(task_id: int) -> None:
            barrier, codes = threading.Barrier(2), []

            def complete(base):
                barrier.wait()
                codes.append(call(base, "POST", f"/tasks/{task_id}/complete", tokens[base], {"data": MINUTES})[0])
            pair = [threading.Thread(target=complete, args=(b,)) for b in (base1, base2)]
            for t in pair:
                t.start()
            for t in pair:
                t.join()
            results[task_id] = sorted(codes)

        racers = [threading.Thread(target=race, args=(m.new_tasks[0],)) for m in matters]
        for t in racers:
            t.start()
        for t in racers:
            t.join()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.reader() as session:
                waiting = session.scalar(sa.select(sa.func.count()).select_from(Timer).where(
                    Timer.state == "waiting", Timer.element_id == "wait"))
            if not waiting:
                break
            time.sleep(0.3)
    finally:
        for node in (one, two, *workers):
            node.kill(signal.SIGTERM)
    assert all(codes == [200, 409] for codes in results.values()), results  # exactly one person's answer counts
    with db.reader() as session:
        for outcome in matters:
            completions = session.scalars(sa.select(AuditEvent).where(
                AuditEvent.instance_id == outcome.instance_id, AuditEvent.action == "complete")).all()
            assert len(completions) == 1  # audited exactly once
            files = session.scalars(sa.select(HumanTask.element_id).where(
                HumanTask.instance_id == outcome.instance_id, HumanTask.state == "ready")).all()
            assert files == ["file"]  # no lost update: the matter moved on exactly once
        minutes = [e.details["set"]["minutes_number"] for e in session.scalars(sa.select(AuditEvent).where(
            AuditEvent.element_id == "number", AuditEvent.action == "auto"))]
        assert len(minutes) == 24 and len(set(minutes)) == 24  # no minutes number given twice
        for matter in timed:
            fired = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
                AuditEvent.instance_id == matter, AuditEvent.element_id == "wait"))
            assert fired == 1  # every timer fired exactly once, by one of the two workers
        assert verify(session).problems == []
    db.dispose()


def test_a_server_killed_mid_completion_leaves_the_matter_as_it_was(pg_url):
    db = prepare(pg_url)
    deploy(db, "slow_steps.bpmn")
    outcome = Runtime(db).start("slow_after_write", "长计算事项", {}, "bangong")
    task_id = outcome.new_tasks[0]
    with db.reader() as session:
        before = session.get(Instance, outcome.instance_id).lock_version
    server, base = serve(pg_url)
    bearer = token(base, "bangong")
    answers = []

    def complete():
        try:
            answers.append(call(base, "POST", f"/tasks/{task_id}/complete", bearer, {"data": MINUTES})[0])
        except OSError as exc:  # the server died under the request
            answers.append(exc)
    attempt = threading.Thread(target=complete)
    attempt.start()
    deadline = time.monotonic() + 20
    while not locked(db, schema_of(pg_url), "instances") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert time.monotonic() < deadline, "the completion never started"
    server.kill()  # SIGKILL to master and workers while the transaction is open
    attempt.join(timeout=30)
    assert answers and isinstance(answers[0], OSError), answers  # the user saw the failure, not a success
    released(db, schema_of(pg_url), "instances")
    with db.reader() as session:
        matter = session.get(Instance, outcome.instance_id)
        assert matter.lock_version == before and session.get(HumanTask, task_id).state == "ready"
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == matter.id, AuditEvent.action == "complete")) == 0
    server, base = serve(pg_url)  # restarted: the same step is done once
    try:
        status, body = call(base, "POST", f"/tasks/{task_id}/complete", token(base, "bangong"), {"data": MINUTES})
    finally:
        server.kill(signal.SIGTERM)
    assert status == 200 and [t["element_id"] for t in body["next_tasks"]] == ["review1"]
    with db.reader() as session:
        events = session.scalars(sa.select(AuditEvent.element_id).where(
            AuditEvent.instance_id == outcome.instance_id, AuditEvent.action.in_(("complete", "auto")))).all()
        assert events.count("write1") == 1 and events.count("slow1") == 1
        assert verify(session).problems == []
    db.dispose()


def test_a_worker_killed_mid_timer_fires_it_exactly_once_after_restart(pg_url):
    db = prepare(pg_url)
    deploy(db, "slow_steps.bpmn")
    matter = Runtime(db).start("slow_after_timer", "定时长计算", {}, "bangong").instance_id
    time.sleep(1.1)
    worker = Node(pg_url, "worker", "--interval", "0.05")
    deadline = time.monotonic() + 20
    while not locked(db, schema_of(pg_url), "timers") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert time.monotonic() < deadline, "the worker never started firing"
    worker.kill()
    released(db, schema_of(pg_url), "timers")
    with db.reader() as session:
        timer = session.scalar(sa.select(Timer).where(Timer.instance_id == matter))
        assert timer.state == "waiting"  # the killed transaction left no trace
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == matter, AuditEvent.element_id.in_(("wait2", "slow2")))) == 0
    restarted = subprocess.run([POWERFLOW, "worker", "--once"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "DATABASE_URL": pg_url, "POWERFLOW_SECRET_KEY": "x" * 32})
    assert restarted.returncode == 0 and "fired 1" in restarted.stdout, restarted.stderr
    with db.reader() as session:
        events = session.scalars(sa.select(AuditEvent.element_id).where(AuditEvent.instance_id == matter)).all()
        assert events.count("wait2") == 1 and events.count("slow2") == 1
        assert session.scalars(sa.select(HumanTask.element_id).where(
            HumanTask.instance_id == matter, HumanTask.state == "ready")).all() == ["write2"]
        assert verify(session).problems == []
    db.dispose()


def test_connections_the_database_dropped_while_idle_are_replaced_before_an_action_uses_them(pg_url):
    db = prepare(pg_url)
    runtime = Runtime(db)
    runtime.start("major_decision", "断线之前", {}, "bangong")
    pooled = [db.engine.raw_connection() for _ in range(db.engine.pool.checkedin())]
    pids = [c.driver_connection.info.backend_pid for c in pooled]
    for connection in pooled:
        connection.close()  # back to the pool, alive as far as the pool knows
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:  # as a restart or idle_session_timeout would
        dropped = connection.execute(sa.text("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                                             "unnest(CAST(:pids AS int[])) AS pid) AS t"), {"pids": pids}).scalar()
    admin.dispose()
    assert pids and dropped == len(pids)
    time.sleep(IDLE_BEFORE_CHECK + 0.2)
    outcome = runtime.start("major_decision", "断线之后", {}, "bangong")  # no error: the pool connected afresh
    with db.reader() as session:
        assert session.get(Instance, outcome.instance_id).title == "断线之后"
        assert session.scalar(sa.text("SELECT pg_backend_pid()")) not in pids
    time.sleep(IDLE_BEFORE_CHECK + 0.2)  # alive and idle: checked, and left out of any transaction
    with db.engine.connect() as connection:  # as a request's sign-in check reads the stamp, in autocommit
        assert read_stamp(connection) is not None
    db.dispose()
