"""People, roles, fields and the calendar are kept in process memory (engine.storage.reference_cache):
a change made anywhere takes effect on the next action, unchanged data is not read again, and a
transaction that rolls back leaves nothing behind in memory."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, select

from engine.directory.people import Directory
from engine.directory.snapshots import person, role_members
from engine.models import HumanTask
from engine.ops.administration import Administration
from engine.runtime.service import Runtime
from engine.committee.workdays import LOCAL_TZ
from tests.conftest import PROCESSES
from tests.runtime.test_task_actions import REGISTER, letter

FILE = {"summary": "拟安排专项资金用于老旧小区改造。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
MONDAY = datetime(2027, 3, 8, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing; no holiday that week


@contextmanager
def reads_of(db, *tables):
    """The statements that read any of ``tables`` while the block runs."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and any(f"FROM {t}" in statement for t in tables):
            seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def due_day(db, task_id: int) -> date:
    with db.reader() as session:
        return session.get(HumanTask, task_id).due_at.astimezone(LOCAL_TZ).date()


def test_a_calendar_day_entered_by_an_administrator_counts_for_the_next_due_date(db):
    runtime = Runtime(db, clock=lambda: MONDAY)
    warm, first, second = (runtime.start("major_decision", f"事项{i}", {}, "bangong") for i in (0, 1, 2))
    runtime.complete(warm.new_tasks[0], FILE, "bangong")
    with reads_of(db, "calendar_days", "users", "fields") as reads:
        consent = runtime.complete(first.new_tasks[0], FILE, "bangong").new_tasks[0]
    assert reads == []  # the calendar, the actor and the field's member came from memory
    assert due_day(db, consent) == date(2027, 3, 11)  # three working days after Monday
    # The office declares Tuesday a holiday, through another connection (as another node would).
    Administration(db.__class__(db.url), PROCESSES).enter_day(date(2027, 3, 9), False, "临时调休")
    consent = runtime.complete(second.new_tasks[0], FILE, "bangong").new_tasks[0]
    assert due_day(db, consent) == date(2027, 3, 12)


def test_a_role_change_takes_effect_on_the_next_action(api, db):
    admin = Administration(db, PROCESSES)
    _matter, register = letter(api)
    assert api.complete(register["id"], "zhoucw", REGISTER).status_code == 403  # not in the office
    admin.save_account("zhoucw", None, None, ["常委", "办公室"])
    assert api.complete(register["id"], "zhoucw", REGISTER).status_code == 200
    _matter, register = letter(api, "来信：噪音")
    admin.save_account("bangong2", None, None, [])  # leaves the office
    assert api.complete(register["id"], "bangong2", REGISTER).status_code == 403
    admin.save_account("bangong2", None, None, ["办公室"])
    admin.deactivate("bangong")  # a deactivated clerk's token stops working at once
    assert api.get("/tasks", "bangong").status_code == 401
    assert api.complete(register["id"], "bangong2", REGISTER).status_code == 200


def test_a_field_given_to_another_member_assigns_the_next_matter_to_them(db):
    runtime = Runtime(db)
    first = runtime.start("major_decision", "事项一", {}, "bangong")
    runtime.complete(first.new_tasks[0], FILE, "bangong")
    Administration(db, PROCESSES).set_field("城乡建设", "wangcw")
    second = runtime.start("major_decision", "事项二", {}, "bangong")
    consent = runtime.complete(second.new_tasks[0], FILE, "bangong")
    assert consent.next_tasks[0]["assignee"] == "wangcw"


def test_a_rolled_back_change_leaves_no_trace_in_memory(db):
    class Boom(Exception):
        pass

    with db.reader() as session:
        assert [p.username for p in role_members(session, "办公室")] == ["bangong", "bangong2"]
        roles = person(session, "zhoucw").roles
    assert "办公室" not in roles
    with pytest.raises(Boom):
        with db.transaction() as session:
            assert len(role_members(session, "办公室")) == 2  # the stamp is read before the change
            Directory(session).save_user("zhoucw", roles=["常委", "办公室"])
            Directory(session).save_user("bangong2", active=False)
            # Read inside the changing transaction: it sees its own change, but must not keep it.
            assert "zhoucw" in [p.username for p in role_members(session, "办公室")]
            assert person(session, "bangong2").active is False
            raise Boom()
    with db.reader() as session:
        assert [p.username for p in role_members(session, "办公室")] == ["bangong", "bangong2"]
        assert person(session, "bangong2").active is True
        assert person(session, "zhoucw").roles == roles
    runtime = Runtime(db)
    _matter = runtime.start("public_feedback", "来信：井盖", {}, "bangong")
    with db.reader() as session:
        register = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == _matter.instance_id))
    with pytest.raises(Exception) as refused:
        runtime.complete(register, REGISTER, "zhoucw")
    assert getattr(refused.value, "code", None) == "task.not_yours"


def test_a_change_made_with_plain_sql_is_seen_too(db):
    with db.reader() as session:
        assert person(session, "bangong2").display_name == "吴秘书（办公室）"
    with db.engine.begin() as connection:  # an operator's UPDATE, bypassing the application
        connection.exec_driver_sql("UPDATE users SET display_name = '吴秘书' WHERE username = 'bangong2'")
    with db.reader() as session:
        assert person(session, "bangong2").display_name == "吴秘书"
