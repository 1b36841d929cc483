"""BPMN timers fire through the worker, each exactly once, also with several workers on PostgreSQL."""
from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from engine.committee.calendar_days import load_calendar
from engine.process.definitions import parse_bpmn
from engine.process.deployment import deploy_definitions
from engine.models import AuditEvent, Instance, Timer
from engine.runtime.service import Runtime
from engine.runtime.worker import TimerWorker
from tests.conftest import PROCESSES, ROOT, prepare

FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (PROCESSES / "forms").glob("*.json")}
SOURCE = (Path(__file__).parent.parent / "data" / "timer_reminder.bpmn").read_bytes()


def deploy_timer_process(db):
    with db.transaction() as session:
        deploy_definitions(session, parse_bpmn(SOURCE, "timer_reminder.bpmn", FORMS))


def timers_of(db, instance_id):
    with db.reader() as session:
        return [(t.element_id, t.state) for t in session.scalars(
            sa.select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.id))]


def test_timer_fires_once_when_due_and_deadlines_use_working_days(db, runtime):
    deploy_timer_process(db)
    outcome = runtime.start("timer_reminder", "定时提醒", {}, "bangong")
    assert timers_of(db, outcome.instance_id) == [("wait", "waiting")]
    worker = TimerWorker(runtime)
    assert worker.run_once() == 0  # not due yet
    time.sleep(1.1)
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert timers_of(db, outcome.instance_id) == [("wait", "fired"), ("deadline", "waiting")]
    with db.reader() as session:
        instance = session.get(Instance, outcome.instance_id)
        assert instance.chart_state["elements"]["wait"] == "completed"
        assert instance.chart_state["elements"]["write"] == "current"
        deadline = session.scalars(sa.select(Timer).where(Timer.element_id == "deadline")).one()
        fired_at = session.scalars(sa.select(Timer).where(Timer.element_id == "wait")).one().fired_at
        expected = load_calendar(session).add_working_days(fired_at, 3)
        assert abs((deadline.due_at - expected).total_seconds()) < 5  # 3 working days, by the official calendar
        assert session.query(AuditEvent).filter_by(instance_id=instance.id, element_id="wait").count() == 1


def test_finishing_the_task_cancels_its_deadline_timer(db, runtime):
    deploy_timer_process(db)
    outcome = runtime.start("timer_reminder", "定时提醒", {}, "bangong")
    time.sleep(1.1)
    TimerWorker(runtime).run_once()
    with db.reader() as session:
        from engine.runtime.task_rows import open_tasks
        task_id = open_tasks(session, outcome.instance_id)[0].id
    runtime.complete(task_id, {"meeting_minutes": "本次会议的纪要正文内容。"}, "bangong")
    assert timers_of(db, outcome.instance_id) == [("wait", "fired"), ("deadline", "cancelled")]


def test_two_worker_processes_on_postgresql_fire_each_timer_exactly_once(pg_url):
    db = prepare(pg_url)
    deploy_timer_process(db)
    runtime = Runtime(db)
    ids = [runtime.start("timer_reminder", f"定时提醒 {n}", {}, "bangong").instance_id for n in range(30)]
    time.sleep(1.2)
    env = {**os.environ, "DATABASE_URL": pg_url, "POWERFLOW_SECRET_KEY": "t" * 32}
    powerflow = str(Path(sys.executable).with_name("powerflow"))
    workers = [subprocess.Popen([powerflow, "worker", "--once"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    fired = [int(re.search(r"fired (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(fired) == 30
    with db.reader() as session:
        for instance_id in ids:
            events = session.query(AuditEvent).filter_by(instance_id=instance_id, element_id="wait").count()
            assert events == 1
            wait = session.scalars(sa.select(Timer).where(Timer.instance_id == instance_id,
                                                          Timer.element_id == "wait")).one()
            assert wait.state == "fired" and wait.fired_at is not None
            assert session.get(Instance, instance_id).chart_state["elements"]["write"] == "current"
    db.dispose()
