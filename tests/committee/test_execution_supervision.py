"""execution_supervision (R18): progress against deadlines, supervision, acceptance, reports to both bodies, and
the execution made public (R16)."""
from __future__ import annotations

import sqlalchemy as sa

from engine.models import Notification, Topic, utcnow
from tests.meeting_helpers import PLENARY, decided_matter, drive, hold_meeting, run_process, runtime_of

STEPS = {
    "open_case": {"field": "城乡建设", "requirement": "年底前完成12个小区改造。", "report_days": 20},
    "report_progress": {"progress": "已完成8个小区。", "percent": 100, "completed": True},
    "supervise": {"supervision_note": "请加快进度。"},
    "accept": {"accepted": True, "evaluation": "按期完成，质量合格。"},
    "evaluate_decision": {"goals_met": "全部达到", "effect": "12个小区全部完工，居民满意度明显提高。",
                          "correction_needed": False},
}


def decided(app, api, database_url) -> str:
    return str(decided_matter(app, api, database_url, "关于老旧小区改造的决策")[2])


def supervision(api, decision: str, extra=None, stop_at=None):
    answers = {**STEPS, "open_case": {**STEPS["open_case"], "decision": decision}, **(extra or {})}
    return run_process(api, "execution_supervision", "bangong", "老旧小区改造决定的执行", answers, stop_at)


def test_R18_progress_is_supervised_accepted_and_reported_to_the_committee_and_the_plenary(app, api, database_url):
    decision = decided(app, api, database_url)
    reports = iter([(40, False), (100, True), (100, True)])
    verdicts = iter([False, True])

    def report(holder):
        percent, done = next(reports)
        return {"progress": f"完成 {percent}%。", "percent": percent, "completed": done}

    instance, steps = supervision(api, decision, {"report_progress": report,
                                                  "accept": lambda holder: {"accepted": next(verdicts), "evaluation": "见意见。"}})
    assert [e for e, _ in steps] == ["open_case", "report_progress", "supervise", "report_progress", "accept",
                                     "report_progress", "accept", "evaluate_decision"]
    # the member in charge reports, and evaluates the decision once it is carried out (R21)
    assert all(h == "zhoucw" for e, h in steps if e in ("report_progress", "evaluate_decision"))
    history = api.instance(instance)["history"]
    committee_topic = next(e for e in history if e["element_id"] == "to_committee")["details"]["set"]["topic_id"]
    hold_meeting(api, database_url, [committee_topic])
    history = api.instance(instance)["history"]
    plenary_topic = next(e for e in history if e["element_id"] == "to_plenary")["details"]["set"]["plenary_topic"]
    hold_meeting(api, database_url, [plenary_topic], {"attendance": {"present": PLENARY}}, process="plenary_meeting")
    # R16: decisions and their execution are published; the office does it once both bodies have heard the report
    assert drive(api, instance, {"publish_execution": {
        "publication_text": "老旧小区改造决定已执行完毕，12个小区全部完工。", "publication_days": 5,
        "channel": "门户网站"}}) == [("publish_execution", "bangong")]
    assert api.instance(instance)["status"] == "completed"
    published = api.client.get(f"/public/decisions/{instance}").get_data(as_text=True)
    assert "老旧小区改造决定的执行" in published and "12个小区全部完工" in published


def test_R18_a_report_not_made_in_time_reminds_the_office(app, api, database_url):
    decision = decided(app, api, database_url)
    # SpiffWorkflow judges a timer due by the real clock, so the report deadline runs from the real now
    runtime_of(api).clock = utcnow
    api.forget_tokens()
    instance, _ = supervision(api, decision, {"open_case": {**STEPS["open_case"], "decision": decision, "report_days": 0}},
                              stop_at="report_progress")
    history = [e["element_id"] for e in api.instance(instance)["history"]]
    assert history.count("remind") == 1
    with app.extensions["powerflow"].db.reader() as session:
        notes = session.scalars(sa.select(Notification.title).where(Notification.instance_id == instance,
                                                                    Notification.kind == "flag")).all()
    assert notes and all("逾期未报" in n for n in notes)


def test_R21_an_evaluation_that_needs_correction_starts_a_change_by_the_deciding_body(app, api, database_url):
    """The member in charge finds the carried-out decision needs correcting: the matter goes through decision_change,
    so the change is the standing committee's to decide (R13), before the reports to both bodies."""
    decision = decided(app, api, database_url)
    evaluation = {"goals_met": "部分达到", "effect": "已改造8个小区，另有4个小区因规划调整无法实施。",
                  "problems": "规划调整后原决定的范围不再可行。", "correction_needed": True}
    instance, _ = supervision(api, decision, stop_at="evaluate_decision")
    [task] = api.instance(instance)["current_tasks"]
    assert (task["element_id"], task["assignee"]) == ("evaluate_decision", "zhoucw")
    refused = api.complete(task["id"], "zhoucw", evaluation)
    assert refused.status_code == 422 and "correction_reason" in refused.get_json()["fields"]  # why, in writing
    reason = "将改造范围调整为8个小区，剩余4个纳入明年计划。"
    assert api.complete(task["id"], "zhoucw", {**evaluation, "correction_reason": reason}).status_code == 200
    steps = drive(api, instance, {"propose_change": {"decision": decision, "change_reason": "规划调整后4个小区无法按原决定实施。",
                                                     "proposed_change": "改造范围调整为8个小区。"}})
    assert steps == [("propose_change", "bangong")]  # the office files the change with the deciding body
    matter = api.instance(instance)
    assert matter["status"] == "running" and matter["current_tasks"] == []
    with app.extensions["powerflow"].db.reader() as session:
        change = session.scalars(sa.select(Topic).where(Topic.instance_id == instance)).one()
        assert (change.body, change.kind, change.changes_decision_id) == ("常委会", "change", int(decision))
    assert not any(e["element_id"] == "to_committee" for e in matter["history"])  # the report waits for the change
