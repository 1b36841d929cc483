"""Overdue steps are flagged in inboxes; the starter or an auditor may urge a holder once per working day."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import Conflict, Forbidden
from engine.models import HumanTask, utcnow
from engine.pages.queries import inbox
from engine.directory.people import Directory
from engine.runtime.service import Runtime


def test_overdue_tasks_are_flagged_in_the_inbox(db, runtime):
    outcome = runtime.start("major_decision", "关于逾期的决策", {}, "bangong")
    with db.reader() as session:
        user = Directory(session).user("bangong")
        due = session.get(HumanTask, outcome.new_tasks[0]).due_at
        assert [i["overdue"] for i in inbox(session, user)] == [False]
        assert [i["overdue"] for i in inbox(session, user, now=due + timedelta(minutes=1))] == [True]


def test_urge_once_per_working_day_by_the_starter_or_an_auditor(db, runtime, api):
    outcome = runtime.start("major_decision", "关于催办的决策", {}, "bangong")
    task_id = outcome.new_tasks[0]
    with pytest.raises(Forbidden):
        runtime.urge(task_id, "daibiao")  # neither the starter nor an auditor
    assert runtime.urge(task_id, "jiwei") == 1  # the holder (the starter's own filing step) is notified
    with pytest.raises(Conflict, match="每个工作日只能催办一次"):
        runtime.urge(task_id, "bangong")
    later = Runtime(db, clock=lambda: utcnow() + timedelta(days=10))  # a working day later, even after a holiday week
    assert later.urge(task_id, "bangong") == 1
    notes = api.get("/notifications", "bangong").get_json()
    assert [n["kind"] for n in notes] == ["urge", "urge"] and "关于催办的决策" in notes[0]["title"]


def test_urge_through_the_api(api):
    instance_id = api.start("关于接口催办的决策")
    task = api.instance(instance_id)["current_tasks"][0]
    assert api.post(f"/tasks/{task['id']}/urge", "jiandu", {}).status_code == 200
    again = api.post(f"/tasks/{task['id']}/urge", "jiandu", {})
    assert again.status_code == 409 and "每个工作日" in again.get_json()["error"]
    assert api.post(f"/tasks/{task['id']}/urge", "daibiao", {}).status_code == 403
    history = api.instance(instance_id)["history"]
    assert [e["actor"] for e in history if e["action"] == "urge"] == ["jiandu"]
