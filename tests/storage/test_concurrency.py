"""Two people acting at once never lose an update: exactly one completion wins."""
from __future__ import annotations

import threading
import time

from sqlalchemy import text

from engine.errors import Conflict
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime.service import Runtime
from tests.conftest import prepare

FILE = {"summary": "拟安排专项资金用于某项工作。", "field": "城乡建设", "source": "常委提出", "topic_kind": "一般事项"}


def test_two_simultaneous_completions_on_postgresql_one_wins_one_gets_409(pg_url):
    from tests.conftest import Api, make_app
    prepare(pg_url).dispose()
    app = make_app(pg_url)
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


def test_a_completion_between_anothers_read_and_write_loses_cleanly(db):
    """A tries to complete while B is between reading and writing. On SQLite A's write lands first and B's
    write fails (the optimistic lock); on PostgreSQL B's read locked the matter, so A waits and is refused
    once B commits. Either way exactly one answer counts and nothing is lost."""
    runtime = Runtime(db)
    outcome = runtime.start("major_decision", "关于乐观锁的决策", {}, "bangong")
    task_id = outcome.new_tasks[0]
    with db.transaction() as session:
        session.get(HumanTask, task_id).assignee_id = None
    first_call, results = threading.Event(), {}

    def act(name: str, runner: Runtime) -> None:
        try:
            runner.complete(task_id, FILE, name)
            results[name] = "completed"
        except Conflict:
            results[name] = "refused"
    rival = threading.Thread(target=act, args=("bangong", runtime))

    def clock_that_lets_a_try_first():
        # Runtime asks the clock after reading the matter and before writing it; A acts right then.
        from engine.models import utcnow
        if not first_call.is_set():
            first_call.set()
            rival.start()
            rival.join(1.0)  # SQLite: A is done; PostgreSQL: A waits for the matter's row
        return utcnow()

    act("bangong2", Runtime(db, clock=clock_that_lets_a_try_first))
    rival.join(30)
    winner = "bangong" if db.dialect == "sqlite" else "bangong2"
    assert results == {winner: "completed", ({"bangong", "bangong2"} - {winner}).pop(): "refused"}
    with db.reader() as session:
        task = session.get(HumanTask, task_id)
        assert task.state == "completed" and task.completed_by.username == winner
        events = session.query(AuditEvent).filter_by(instance_id=outcome.instance_id, action="complete").all()
        assert [e.actor.username for e in events] == [winner]
        assert session.get(Instance, outcome.instance_id).status == "running"


def test_R11_two_meetings_closing_at_once_on_postgresql_get_consecutive_numbers(pg_url):
    from datetime import datetime

    from engine.committee.workdays import LOCAL_TZ
    from tests.conftest import Api, make_app
    from tests.meeting_helpers import MEETING, agenda, drive, meeting_day, runtime_of, submit_matter
    prepare(pg_url).dispose()
    app = make_app(pg_url)
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


def test_a_completion_that_waited_for_the_matter_sees_it_changed_and_changes_nothing(pg_url):
    """The completion's first read locks the matter (PostgreSQL); whoever held it and committed meanwhile
    wins, and the waiting action is refused before it does anything with what it read."""
    db = prepare(pg_url)
    runtime = Runtime(db)
    started = runtime.start("major_decision", "关于等待锁的决策", {}, "bangong")

    def trail() -> list[str]:
        with db.reader() as session:
            return [e.action for e in session.query(AuditEvent).filter_by(instance_id=started.instance_id)]
    before = trail()
    holder = db.engine.connect()
    held = holder.begin()  # another action, mid-way: it has taken the matter's row
    holder.execute(text("UPDATE instances SET lock_version = lock_version + 1 WHERE id = :id"),
                   {"id": started.instance_id})
    outcome: dict = {}

    def complete():
        try:
            runtime.complete(started.new_tasks[0], FILE, "bangong")
            outcome["done"] = True
        except Conflict as refused:
            outcome["refused"] = refused.code
    waiting = threading.Thread(target=complete)
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive(), "the completion did not wait for the matter's row"
    held.commit()
    holder.close()
    waiting.join(30)
    assert outcome == {"refused": "matter.busy_now"}
    with db.reader() as session:
        assert session.get(HumanTask, started.new_tasks[0]).state == "ready"
    assert trail() == before
    db.dispose()
