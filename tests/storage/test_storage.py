"""Storage on SQLite and PostgreSQL: versions, spec stored once, task mirror, audit, secrecy, numbering."""
from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from engine.process.deployment import deploy_directory
from engine.models import AuditEvent, HumanTask, Instance, ProcessVersion
from engine.committee.numbering import next_number
from engine.bpmn.serialization import load_state, specs_from_json
from tests.conftest import PROCESSES
from tests.meeting_helpers import MATTER

FILE = MATTER["file_topic"]


def test_deploy_reports_new_unchanged_and_changed_and_matters_keep_their_version(db, runtime, tmp_path):
    with db.transaction() as session:
        results = deploy_directory(session, PROCESSES)
        assert {r.status for r in results} == {"unchanged"} and all(r.version == 1 for r in results)
    started = runtime.start("major_decision", "关于版本的决策", {}, "bangong")

    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy)
    bpmn = copy / "major_decision.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace('name="登记议题"', 'name="登记议题（新）"'), encoding="utf-8")
    with db.transaction() as session:
        changed = {r.key: (r.status, r.version) for r in deploy_directory(session, copy, "tester")}
        assert changed.pop("major_decision") == ("changed", 2)
        assert set(changed.values()) == {("unchanged", 1)}
        versions = session.scalars(sa.select(ProcessVersion).where(ProcessVersion.process_key == "major_decision")
                                   .order_by(ProcessVersion.version)).all()
        assert [(v.version, v.deployed_by) for v in versions] == [(1, "test"), (2, "tester")]

    later = runtime.start("major_decision", "关于新版本的决策", {}, "bangong")
    with db.reader() as session:
        assert session.get(Instance, started.instance_id).process_version.version == 1
        assert session.get(Instance, later.instance_id).process_version.version == 2
        assert session.get(HumanTask, started.new_tasks[0]).name == "登记议题"
        assert session.get(HumanTask, later.new_tasks[0]).name == "登记议题（新）"
    # The old matter still runs on version 1.
    runtime.complete(started.new_tasks[0], FILE, "bangong")
    with db.reader() as session:
        assert session.get(Instance, started.instance_id).process_version.version == 1


def test_spec_is_stored_once_per_version_not_in_each_matter(db, runtime):
    outcome = runtime.start("major_decision", "关于存储的决策", {}, "bangong")
    with db.reader() as session:
        instance = session.get(Instance, outcome.instance_id)
        state = json.loads(instance.state)
        assert "spec" not in state and "subprocess_specs" not in state
        assert "task_specs" not in instance.state
        assert len(instance.state) < len(instance.process_version.spec_json) / 2
        workflow = load_state(instance.state, specs_from_json(instance.process_version.spec_json), None)
        assert workflow.spec.name == "major_decision"


def test_human_task_mirror_matches_the_workflow(db, runtime):
    outcome = runtime.start("major_decision", "关于待办镜像的决策", {}, "bangong")
    with db.reader() as session:
        row = session.get(HumanTask, outcome.new_tasks[0])
        assert (row.element_id, row.name, row.lane, row.candidate_role, row.assignee.username, row.state) == \
            ("file_topic", "登记议题", "办公室", "办公室", "bangong", "ready")
        assert row.form_file == "md_file_topic.schema.json"
        assert row.due_at > row.created_at  # two working days
    second = runtime.complete(outcome.new_tasks[0], FILE, "bangong")
    with db.reader() as session:
        old, new = session.get(HumanTask, outcome.new_tasks[0]), session.get(HumanTask, second.new_tasks[0])
        assert old.state == "completed" and old.completed_by.username == "bangong" and old.completed_at
        assert (new.element_id, new.candidate_role, new.assignee.username) == ("consent_topic", "常委", "zhoucw")
        events = [(e.action, e.element_id) for e in session.scalars(
            sa.select(AuditEvent).where(AuditEvent.instance_id == outcome.instance_id).order_by(AuditEvent.id))]
        assert events == [("start", None), ("auto", "start"), ("complete", "file_topic"), ("auto", "assign_member")]
        assign = session.scalars(sa.select(AuditEvent).where(AuditEvent.element_id == "assign_member")).one()
        assert assign.details == {"set": {"member_in_charge": "zhoucw"}}


def test_R11_minutes_numbers_have_no_gaps_or_duplicates_and_roll_back(db):
    with db.transaction() as session:
        assert [next_number(session, "常委会纪要", 2026) for _ in range(3)] == [1, 2, 3]
        assert next_number(session, "全委会纪要", 2026) == 1
        assert next_number(session, "常委会纪要", 2027) == 1
    try:
        with db.transaction() as session:
            assert next_number(session, "常委会纪要", 2026) == 4
            raise RuntimeError("the action fails after taking a number")
    except RuntimeError:
        pass
    with db.transaction() as session:
        assert next_number(session, "常委会纪要", 2026) == 4


def test_inbox_is_one_query_that_never_reads_a_serialized_workflow(db, runtime):
    from engine.directory.people import Directory
    from engine.pages.queries import inbox
    for n in range(3):
        runtime.start("major_decision", f"关于待办查询的决策 {n}", {}, "bangong")
    with db.reader() as session:
        user = Directory(session).user("bangong")
        statements = []
        listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            items = inbox(session, user)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert [i["instance_title"] for i in items] == [f"关于待办查询的决策 {n}" for n in range(3)]
    assert all(i["name"] == "登记议题" and i["assigned_to_me"] for i in items)
    assert len(statements) == 1
    assert "instances.state" not in statements[0] and "spec_json" not in statements[0]
    with db.reader() as session:
        assert inbox(session, Directory(session).user("bangong2")) == []  # assigned to the starter, not the role


def test_a_read_never_keeps_what_it_changed(db, runtime):
    runtime.start("major_decision", "原标题", {}, "bangong")
    with db.reader() as session:  # changed and flushed
        session.scalar(sa.select(Instance)).title = "读取时改过并写出"
        session.flush()
    with db.reader() as session:  # changed, never flushed
        session.scalar(sa.select(Instance)).title = "读取时改过"
    with db.reader() as session:  # a bulk statement
        session.execute(sa.update(Instance).values(title="批量改过"))
    with db.reader() as session:
        assert session.scalar(sa.select(Instance.title)) == "原标题"


def test_an_action_reads_no_spec_or_forms_once_the_version_is_known(db, runtime):
    filing = MATTER["file_topic"]
    first, second = (runtime.start("major_decision", f"第 {n} 件", {}, "bangong") for n in (1, 2))
    runtime.complete(first.new_tasks[0], filing, "bangong")
    statements = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        runtime.complete(second.new_tasks[0], filing, "bangong")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert statements and not [s for s in statements if "spec_json" in s or "process_versions.forms" in s]
    with db.reader() as session:  # and the matter moved on all the same
        assert session.get(HumanTask, second.new_tasks[0]).state == "completed"


def test_R4_due_times_use_the_admin_entered_calendar(db, runtime):
    from datetime import date, datetime, timezone

    from engine.committee.calendar_days import load_calendar, set_day
    with db.transaction() as session:
        set_day(session, date(2027, 10, 9), True, "国庆节调休上班")  # a Saturday
        set_day(session, date(2027, 10, 8), False, "国庆节")  # a Friday
    with db.reader() as session:
        calendar = load_calendar(session)
    assert calendar.is_workday(date(2027, 10, 9)) and not calendar.is_workday(date(2027, 10, 8))
    start = datetime(2027, 10, 7, 2, 0, tzinfo=timezone.utc)  # Thursday 10:00 in Beijing
    assert calendar.add_working_days(start, 1).date() == date(2027, 10, 9)


@contextmanager
def old_schema(database_url: str, revision: str, status: str, title: str, bpmn_xml: str = ""):
    """A database at an older ``revision`` with one user, one process version and one matter; yields its connection."""
    from alembic import command
    from alembic.config import Config

    from engine.storage.database import MIGRATIONS, Database

    database = Database(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.execute(sa.text("INSERT INTO users (id, username, display_name, password_hash, active, created_at)"
                                   " VALUES (1, 'u', 'u', 'x', true, '2026-01-01')"))
        connection.execute(sa.text(
            "INSERT INTO process_versions (id, process_key, version, name, content_hash, source_file, bpmn_xml,"
            " forms, spec_json, deployed_at) VALUES (1, 'm', 1, 'm', 'h', 'm.bpmn', :xml, '{}', '{}', '2026-01-01')"),
            {"xml": bpmn_xml})
        connection.execute(sa.text(
            "INSERT INTO instances (id, process_version_id, process_key, title, status, state, started_at,"
            " updated_at, lock_version, chart_state, started_by_id) VALUES (1, 1, 'm', :title, :status, '{}',"
            " '2026-01-01', '2026-01-01', 1, '{}', 1)"), {"title": title, "status": status})
        yield database, connection


def test_upgrading_a_database_keeps_the_matters_and_drops_the_plaintext_ballot_counts(database_url):
    with old_schema(database_url, "0001", "completed", "t") as (database, connection):  # counted per choice
        connection.execute(sa.text("INSERT INTO ballot_boxes (instance_id, element_id, item_key, agree, disagree,"
                                   " abstain) VALUES (1, 'item_vote', '7', 5, 2, 1)"))
        for n, action in enumerate(("start", "complete", "auto"), start=1):
            connection.execute(sa.text("INSERT INTO audit_events (instance_id, at, actor_id, action, details)"
                                       f" VALUES (1, '2026-01-0{n}', 1, '{action}', '{{\"n\": {n}}}')"))
    database.migrate()
    with database.reader() as session:
        # R8: counts per choice, written ballot by ballot, are gone; the meeting's decision keeps its totals.
        tables = sa.inspect(session.get_bind()).get_table_names()
        assert "ballot_counts" not in tables and "encrypted_ballots" in tables
        assert session.scalar(sa.select(sa.func.count()).select_from(Instance)) == 1
        from engine.audit.chain import verify
        verdict = verify(session)  # the events recorded before the chain existed are chained in order
        assert verdict.problems == [] and verdict.checked == verdict.head_seq == 3
    from engine.audit import trail as audit
    with database.transaction() as session:
        audit.record(session, "comment", datetime.now(timezone.utc), 1, 1, details={"after": "upgrade"})
    with database.reader() as session:
        assert verify(session).problems == [] and verify(session).head_seq == 4
    database.dispose()


def test_the_upgrade_is_refused_while_a_meeting_still_votes_under_the_old_counters(database_url):
    counting = "<bpmn:script>tally = ballot_tally('item_vote')</bpmn:script>"
    with old_schema(database_url, "0011", "running", "常委会第9次会议", counting) as (database, connection):
        connection.execute(sa.text("INSERT INTO ballot_counts (instance_id, element_id, item_key, choice, votes)"
                                   " VALUES (1, 'item_vote', '7', 'agree', 3)"))
    with pytest.raises(Exception, match=r"Upgrade refused: 1 meeting\(s\).*#1 常委会第9次会议"):
        database.migrate()
    with database.reader() as session:  # nothing changed: still the old schema, the counts still there
        assert session.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0011"
        assert session.scalar(sa.text("SELECT votes FROM ballot_counts")) == 3
    database.dispose()
