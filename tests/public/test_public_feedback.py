"""public_feedback (R19 mailbox): every path, deadlines in working days and escalation when missed."""
from __future__ import annotations

import time

import sqlalchemy as sa

from engine.models import Notification
from engine.runtime.worker import TimerWorker
from tests.meeting_helpers import drive, run_process

STEPS = {
    "register": {"writer": "王某", "contact": "138****0000", "channel": "书记信箱", "content": "小区门口路灯损坏已一月未修。"},
    "classify": {"category": "投诉", "handler_department": "bumen", "handle_days": 10},
    "handle": {"handling_result": "已安排维修，路灯于三日内修复。"},
    "handle_report": {"handling_result": "经核查，反映问题属实，已立案处理。"},
    "supervise": {"handling_accepted": True, "supervision_opinion": "办理及时。"},
    "reply": {"reply_text": "您反映的路灯问题已修复，感谢监督。"},
    "assess": {"assessment": "合格"},
}


def letter(api, extra=None, stop_at=None):
    return run_process(api, "public_feedback", "bangong", "群众来信：路灯损坏", {**STEPS, **(extra or {})}, stop_at)


def test_R19_a_complaint_is_assigned_handled_supervised_answered_and_assessed(api):
    instance, steps = letter(api)
    assert [e for e, _ in steps] == ["register", "classify", "handle", "supervise", "reply", "assess"]
    assert ("handle", "bumen") in steps and ("supervise", "jiwei") in steps and ("assess", "jiwei") in steps
    assert api.instance(instance)["status"] == "completed"


def test_R19_a_report_of_violations_goes_to_the_discipline_commission(api):
    _, steps = letter(api, {"classify": {"category": "举报", "handle_days": 15}})
    assert [e for e, _ in steps] == ["register", "classify", "handle_report", "supervise", "reply", "assess"]
    assert ("handle_report", "jiwei") in steps


def test_R19_unsatisfactory_handling_is_sent_back(api):
    verdicts = iter([False, True])
    instance, steps = letter(api, {"supervise": lambda holder: {"handling_accepted": next(verdicts),
                                                                "supervision_opinion": "请补充说明。"}})
    assert [e for e, _ in steps] == ["register", "classify", "handle", "supervise", "handle", "supervise",
                                     "reply", "assess"]


def test_R19_a_department_letter_needs_a_handler(api):
    instance, _ = letter(api, stop_at="classify")
    task = api.instance(instance)["current_tasks"][0]
    refused = api.complete(task["id"], "bangong", {"category": "建议", "handle_days": 10})
    assert refused.status_code == 422 and "handler_department" in refused.get_json()["errors"]


def test_R19_a_missed_deadline_is_escalated_and_the_letter_still_handled(app, api):
    # A deadline of 0 working days has passed the moment the letter is assigned.
    instance, _ = letter(api, {"classify": {**STEPS["classify"], "handle_days": 0}}, stop_at="handle")
    time.sleep(0.1)
    TimerWorker(app.extensions["powerflow"].runtime).run_once()  # fires it unless assigning already did
    assert TimerWorker(app.extensions["powerflow"].runtime).run_once() == 0
    record = api.instance(instance)
    assert [e["element_id"] for e in record["history"]].count("handle_escalate") == 1
    with app.extensions["powerflow"].db.reader() as session:
        titles = session.scalars(sa.select(Notification.title).where(Notification.instance_id == instance,
                                                                     Notification.kind == "flag")).all()
    assert len(titles) == 2 and all("逾期" in t for t in titles)  # the discipline commission and the secretary
    assert [t["element_id"] for t in record["current_tasks"]] == ["handle"]  # the holder still has to act
    drive(api, instance, STEPS)
    assert api.instance(instance)["status"] == "completed"
