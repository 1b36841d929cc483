"""A completion's first read gives the objects the ORM would have loaded: the same values, in the session,
clean, and written back by the usual save when changed."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from engine.models import HumanTask, Instance
from engine.runtime.first_read import task_with_matter
from engine.runtime.task_mirror import OPEN_ROWS


def _columns(obj) -> dict:
    return {c.key: getattr(obj, c.key) for c in sa.inspect(obj).mapper.column_attrs}


def test_the_read_objects_equal_the_orms_and_belong_to_the_session(runtime, db):
    started = runtime.start("major_decision", "首次读取的事项", {}, "bangong")
    task_id = started.new_tasks[0]
    with db.reader() as session:
        expected_task, expected_matter = _columns(session.get(HumanTask, task_id)), \
            _columns(session.get(Instance, started.instance_id))
        expected_version = session.get(Instance, started.instance_id).process_version.process_key
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        sent.append(statement)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with db.reader() as session:
            row = task_with_matter(session, task_id)
            assert len(sent) == 1  # the one statement
            assert row.instance.process_version.process_key == expected_version and len(sent) == 1
            assert session.get(HumanTask, task_id) is row and session.get(Instance, started.instance_id) is row.instance
            assert not session.dirty and not session.new and len(sent) == 1
            assert [r.id for r in session.info[OPEN_ROWS][started.instance_id]] == [task_id]
            assert _columns(row) == expected_task  # the deferred chart state is loaded on asking, as the ORM does
            assert _columns(row.instance) == expected_matter and len(sent) == 2
            assert task_with_matter(session, 987654) is None
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_row_the_session_holds_is_returned_as_held_and_a_change_is_written(runtime, db):
    started = runtime.start("major_decision", "已在会话中的事项", {}, "bangong")
    with db.transaction() as session:
        held = session.get(Instance, started.instance_id)
        held.title = "改过的标题"
        row = task_with_matter(session, started.new_tasks[0])
        assert row.instance is held and held.title == "改过的标题"  # not overwritten by the row read
    with db.reader() as session:
        assert session.get(Instance, started.instance_id).title == "改过的标题"
