"""execution_supervision (R18): progress against deadlines, supervision, acceptance, reports to both bodies."""
from __future__ import annotations

import sqlalchemy as sa

from engine.models import Notification, utcnow
from tests.meeting_helpers import PLENARY, decided_matter, hold_meeting, run_process, runtime_of

STEPS = {
    "open_case": {"field": "城乡建设", "requirement": "年底前完成12个小区改造。", "report_days": 20},
    "report_progress": {"progress": "已完成8个小区。", "percent": 100, "completed": True},
    "supervise": {"supervision_note": "请加快进度。"},
    "accept": {"accepted": True, "evaluation": "按期完成，质量合格。"},
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
                                     "report_progress", "accept"]
    assert all(h == "zhoucw" for e, h in steps if e == "report_progress")  # the member in charge reports
    history = api.instance(instance)["history"]
    committee_topic = next(e for e in history if e["element_id"] == "to_committee")["details"]["set"]["topic_id"]
    hold_meeting(api, database_url, [committee_topic])
    history = api.instance(instance)["history"]
    plenary_topic = next(e for e in history if e["element_id"] == "to_plenary")["details"]["set"]["plenary_topic"]
    hold_meeting(api, database_url, [plenary_topic], {"attendance": {"present": PLENARY}}, process="plenary_meeting")
    assert api.instance(instance)["status"] == "completed"


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
