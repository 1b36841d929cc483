"""Two people acting at once never lose an update: exactly one completion wins."""
from __future__ import annotations

import threading

import pytest

from engine.errors import Conflict
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime.service import Runtime
from tests.conftest import prepare

FILE = {"summary": "拟安排专项资金用于某项工作。", "field": "城乡建设", "source": "常委提出", "topic_kind": "一般事项"}


def test_two_simultaneous_completions_on_postgresql_one_wins_one_gets_409(pg_url):
    from tests.conftest import Api, _app
    prepare(pg_url).dispose()
    app = _app(pg_url)
    api = Api(app.test_client())
    for round_ in range(5):
        instance_id = api.start(f"关于并发办理的决策 {round_}", as_user="bangong")
        task = api.instance(instance_id)["current_tasks"][0]
        # 登记议题 is assigned to the starter; have it open to the whole office instead, so two people race.
        with app.extensions["powerflow"].db.transaction() as session:
            session.get(HumanTask, task["id"]).assignee_id = None
        barrier, codes = threading.Barrier(2), []

        def complete(user):
            client = app.test_client()
            headers = {"Authorization": f"Bearer {api.token(user)}"}
            barrier.wait()
            codes.append(client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": FILE},
                                     headers=headers).status_code)

        threads = [threading.Thread(target=complete, args=(u,)) for u in ("bangong", "bangong2")]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert sorted(codes) == [200, 409]
        with app.extensions["powerflow"].db.reader() as session:
            completions = session.query(AuditEvent).filter_by(
                instance_id=instance_id, action="complete", element_id="file_topic").count()
            assert completions == 1
            assert session.query(HumanTask).filter_by(instance_id=instance_id, element_id="consent_topic").count() == 1
    app.extensions["powerflow"].db.dispose()


def test_stale_completion_is_refused_by_the_optimistic_lock(db):
    """A completes while B is between reading and writing: B's write fails cleanly, nothing is lost."""
    runtime = Runtime(db)
    outcome = runtime.start("major_decision", "关于乐观锁的决策", {}, "bangong")
    task_id = outcome.new_tasks[0]
    with db.transaction() as session:
        session.get(HumanTask, task_id).assignee_id = None
    first_call = threading.Event()

    def clock_that_lets_a_finish_first():
        # Runtime asks the clock after reading the matter and before writing it; A acts right then.
        from engine.models import utcnow
        if not first_call.is_set():
            first_call.set()
            runtime.complete(task_id, FILE, "bangong")
        return utcnow()

    racer = Runtime(db, clock=clock_that_lets_a_finish_first)
    with pytest.raises(Conflict):
        racer.complete(task_id, FILE, "bangong2")
    with db.reader() as session:
        task = session.get(HumanTask, task_id)
        assert task.state == "completed" and task.completed_by.username == "bangong"
        events = session.query(AuditEvent).filter_by(instance_id=outcome.instance_id, action="complete").all()
        assert [e.actor.username for e in events] == ["bangong"]
        assert session.get(Instance, outcome.instance_id).status == "running"


def test_R11_two_meetings_closing_at_once_on_postgresql_get_consecutive_numbers(pg_url):
    from datetime import datetime

    from engine.committee.workdays import LOCAL_TZ
    from tests.conftest import Api, _app
    from tests.meeting_helpers import MEETING, agenda, drive, meeting_day, runtime_of, submit_matter
    prepare(pg_url).dispose()
    app = _app(pg_url)
    api = Api(app.test_client())
    meetings = []
    for n in range(2):
        _, topic = submit_matter(api, f"关于同时闭会的决策 {n}")
        meeting = api.post("/processes/committee_meeting/instances", "bangong",
                           {"title": f"常委会会议 {n}", "data": {}}).get_json()["id"]
        day = meeting_day(pg_url, runtime_of(api).clock())  # the clock moved to the first meeting's day
        drive(api, meeting, {**MEETING, **agenda(day, [topic])}, stop_at="write_minutes")
        meetings.append((meeting, api.instance(meeting)["current_tasks"][0]["id"]))
    barrier, codes = threading.Barrier(2), []

    def close(task_id):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {api.token('bangong')}"}
        barrier.wait()
        codes.append(client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers,
                                 json={"data": MEETING["write_minutes"]}).status_code)

    threads = [threading.Thread(target=close, args=(task_id,)) for _, task_id in meetings]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert codes == [200, 200]
    numbers = sorted(next(e for e in api.instance(m)["history"] if e["element_id"] == "number_minutes")
                     ["details"]["set"]["minutes_number"] for m, _ in meetings)
    year = datetime.now(LOCAL_TZ).year
    assert numbers == [f"常委会纪要〔{year}〕第1号", f"常委会纪要〔{year}〕第2号"]  # no gap, no duplicate
    app.extensions["powerflow"].db.dispose()
