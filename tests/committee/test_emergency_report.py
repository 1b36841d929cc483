"""R14: an emergency action is recorded at once and reported to the standing committee in time, or flagged."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engine.committee.calendar_days import load_calendar
from engine.ops.demo import advance
from engine.models import HumanTask, Instance, Notification, Timer, utcnow
from engine.runtime.task_rows import open_tasks
from engine.runtime.service import Runtime

RECORD = {"action_taken": "暴雨致河堤出现险情，已组织抢险队加固堤坝并转移群众。", "acted_on": "2026-11-20",
          "emergency": "河堤险情"}
REPORT = {"report_text": "现将11月20日河堤险情的先行处置情况报告如下：……"}


def start_and_record(db, runtime):
    outcome = runtime.start("emergency_report", "关于河堤险情先行处置的报告", {}, "zhoucw")
    advance(db, runtime, outcome.instance_id, 1, {"record_action": RECORD})
    return outcome.instance_id


def flags(db, instance_id):
    with db.reader() as session:
        return sorted((n.user_id, n.title) for n in session.scalars(
            sa.select(Notification).where(Notification.instance_id == instance_id, Notification.kind == "flag")))


def test_R14_action_recorded_at_once_with_a_two_working_day_report_deadline(db, runtime):
    instance_id = start_and_record(db, runtime)
    with db.reader() as session:
        report = open_tasks(session, instance_id)[0]
        assert (report.element_id, report.assignee.username) == ("report", "zhoucw")
        expected = load_calendar(session).add_working_days(report.created_at, 2)
        assert abs((report.due_at - expected).total_seconds()) < 2
        deadline = session.scalars(sa.select(Timer).where(Timer.instance_id == instance_id)).one()
        assert deadline.element_id == "report_deadline" and abs((deadline.due_at - expected).total_seconds()) < 2
    runtime.complete(report.id, REPORT, "zhoucw")
    with db.reader() as session:
        instance = session.get(Instance, instance_id)
        assert instance.chart_state["elements"]["await_decision"] == "waiting"  # on the committee's queue
        assert session.scalars(sa.select(Timer).where(Timer.instance_id == instance_id)).one().state == "cancelled"
    assert flags(db, instance_id) == []  # reported in time: nothing flagged


def test_R14_a_late_report_is_flagged_to_the_discipline_commission(db, runtime):
    instance_id = start_and_record(db, runtime)
    with db.reader() as session:
        report = open_tasks(session, instance_id)[0]
        late = report.due_at + timedelta(hours=1)
    Runtime(db, clock=lambda: late).complete(report.id, REPORT, "zhoucw")
    with db.reader() as session:
        jiwei = session.scalar(sa.text("select id from users where username = 'jiwei'"))
        check = session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                           HumanTask.element_id == "report")).one()
        assert check.completed_at > check.due_at
    assert flags(db, instance_id) == [(jiwei, "紧急处置报告逾期：关于河堤险情先行处置的报告")]
    assert utcnow() < late  # the flag comes from the recorded times, not from waiting
