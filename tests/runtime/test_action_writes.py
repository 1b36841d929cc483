"""An action's matter, task and notification rows, written without the unit of work, are what it wrote before.

engine.runtime.action_writes replaces SQLAlchemy's flush for these rows on the hot path; these tests read
back, in a fresh session, what a user's step left in the database, column by column.
"""
from __future__ import annotations

import sqlalchemy as sa

from engine.models import HumanTask, Instance, Notification, Topic, User
from engine.status import TaskKind, TaskState
from tests.meeting_helpers import MATTER
from tests.storage.test_reference_cache import FILE


def test_a_completed_step_leaves_the_rows_a_flush_would_have(runtime, db):
    warm, started = (runtime.start("major_decision", f"直接写入的事项{n}", {}, "bangong") for n in range(2))
    runtime.complete(warm.new_tasks[0], FILE, "bangong")  # forms, fields and people now in memory: no autoflush
    with db.reader() as session:
        version = session.get(Instance, started.instance_id).lock_version
    done = runtime.complete(started.new_tasks[0], FILE, "bangong")
    assert [t["element_id"] for t in done.next_tasks] == ["consent_topic"]  # summarised from memory, as before
    with db.reader() as session:
        bangong = session.scalar(sa.select(User.id).where(User.username == "bangong"))
        matter = session.get(Instance, started.instance_id)
        assert matter.lock_version == version + 1  # one UPDATE for the action, carrying the lock
        assert matter.member_in_charge_id is not None and matter.state and matter.chart_state  # the script's choice
        completed = session.get(HumanTask, started.new_tasks[0])
        assert (completed.state, completed.completed_by_id) == (TaskState.COMPLETED, bangong)
        assert completed.completed_at is not None
        (new,) = session.scalars(sa.select(HumanTask).where(HumanTask.id == done.new_tasks[0])).all()
        assert (new.element_id, new.state, new.kind, new.instance_id) == (
            "consent_topic", TaskState.READY, TaskKind.TASK, started.instance_id)
        assert new.created_at == completed.completed_at  # one instant for the action
        # A JSON column the action never set is SQL NULL, as the unit of work leaves it, not JSON 'null'.
        assert session.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
            HumanTask.id == new.id, HumanTask.draft.is_(None), HumanTask.urged_at.is_(None))) == 1
        told = session.scalars(sa.select(Notification).where(
            Notification.instance_id == started.instance_id, Notification.kind == "task")).all()
        assert told and all(n.message["title"]["code"] == "notice.new_task" and n.read_at is None for n in told)
        assert {n.created_at for n in told} == {new.created_at}


def test_a_step_that_also_writes_other_rows_is_written_whole(runtime, db):
    """论证 then 提交: the unit of work still writes the topic the script files, after the matter's row."""
    started = runtime.start("major_decision", "另有写入的事项", {}, "bangong")
    task, holders = started.new_tasks[0], {"file_topic": "bangong"}
    for step in ("file_topic", "consent_topic", "research", "consult", "argue"):
        with db.reader() as session:
            row = session.get(HumanTask, task)
            assert row.element_id == step
            version = session.get(Instance, started.instance_id).lock_version
        outcome = runtime.complete(task, MATTER[step], holders.get(step, "zhoucw"))
        with db.reader() as session:
            assert session.get(Instance, started.instance_id).lock_version > version
        task = outcome.new_tasks[0] if outcome.new_tasks else None
    with db.reader() as session:
        topic = session.scalars(sa.select(Topic).where(Topic.instance_id == started.instance_id)).one()
        assert topic.title == "另有写入的事项"
        waiting = session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == started.instance_id,
                                                            HumanTask.state == TaskState.READY)).all()
        assert waiting == []  # the matter waits for the meeting's decision, no step open


def test_a_step_that_opens_two_steps_at_once_gives_each_row_its_own_id(runtime, db):
    """A parallel split: both new rows, their ids as the answer reports them, and a notice for each."""
    from tests.runtime.test_flow_actions import deploy_parallel
    deploy_parallel(db)
    started = runtime.start("parallel_review", "并行写入的事项", {}, "bangong")
    done = runtime.complete(started.new_tasks[0], {"research_report": "材料已经准备齐全，请审核。"}, "bangong")
    assert sorted(t["element_id"] for t in done.next_tasks) == ["review_a", "review_b"]
    with db.reader() as session:
        rows = {row.id: row for row in session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == started.instance_id, HumanTask.state == TaskState.READY))}
        assert sorted(rows) == sorted(done.new_tasks)  # each id is the row of that step, none swapped
        assert {rows[t["id"]].element_id for t in done.next_tasks} == {"review_a", "review_b"}
        assert all(rows[t["id"]].element_id == t["element_id"] for t in done.next_tasks)
        assert len({row.task_guid for row in rows.values()}) == 2
        told = session.scalars(sa.select(Notification.message).where(
            Notification.instance_id == started.instance_id, Notification.kind == "task")).all()
        assert {"甲审核", "乙审核"} <= {m["title"]["params"]["step"] for m in told}  # the office is told of both
