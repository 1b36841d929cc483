"""major_project: filing, expert review, consultation, decision at a meeting, publication, supervised build, acceptance."""
from __future__ import annotations

from tests.meeting_helpers import drive, hold_meeting, run_process

STEPS = {
    "file_project": {"project_summary": "新建城区污水处理厂，日处理能力5万吨。", "investment": 30000, "field": "城乡建设"},
    "expert_review": {"experts": "张教授、李高工", "expert_conclusion": "项目必要、技术可行。", "feasible": True},
    "consult": {"consultation": "沿线居民和人大代表普遍支持。"},
    "consent_topic": {"consent": True, "consent_opinion": "同意提交常委会。"},
    "publish": {"publication_text": "常委会决定建设城区污水处理厂，现予公示。", "publication_days": 5, "channel": "门户网站"},
    "report_progress": {"progress": "主体工程完工。", "percent": 100, "completed": True},
    "supervise": {"supervision_note": "请按节点推进。"},
    "accept": {"accepted": True, "evaluation": "工程质量合格。"},
}


def project(api, extra=None):
    return run_process(api, "major_project", "bumen", "城区污水处理厂项目", {**STEPS, **(extra or {})})


def test_a_project_is_decided_published_built_under_supervision_and_accepted(api, database_url):
    instance, steps = project(api)
    assert [e for e, _ in steps] == ["file_project", "expert_review", "consult", "consent_topic"]
    assert steps[-1] == ("consent_topic", "zhoucw")  # R1 through topic_submission: the member in charge
    topic = next(e for e in api.instance(instance)["history"] if e["element_id"] == "submit")["details"]["set"]["topic_id"]
    hold_meeting(api, database_url, [topic])
    reports, verdicts = iter([False, True, True]), iter([False, True])
    steps = drive(api, instance, {**STEPS,
                                  "report_progress": lambda h: {"progress": "主体工程施工中。", "percent": 50, "completed": next(reports)},
                                  "accept": lambda h: {"accepted": next(verdicts), "evaluation": "见意见。"}})
    assert [e for e, _ in steps] == ["publish", "report_progress", "supervise", "report_progress", "accept",
                                     "report_progress", "accept"]
    assert api.instance(instance)["status"] == "completed"


def test_an_infeasible_or_unsupported_project_stops_before_the_meeting(api):
    infeasible, steps = project(api, {"expert_review": {**STEPS["expert_review"], "feasible": False}})
    assert [e for e, _ in steps] == ["file_project", "expert_review"]
    assert any(e["element_id"] == "end_infeasible" for e in api.instance(infeasible)["history"])
    withdrawn, steps = project(api, {"consent_topic": {"consent": False, "consent_opinion": "暂不提交。"}})
    record = api.instance(withdrawn)
    assert record["status"] == "completed" and not any(e["element_id"] == "submit" for e in record["history"])
    assert any(e["element_id"] == "end_withdrawn" for e in record["history"])
    assert any(e["element_id"] == "end_rejected" for e in record["history"])


def test_a_project_the_committee_rejects_ends_there(api, database_url):
    instance, _ = project(api)
    topic = next(e for e in api.instance(instance)["history"] if e["element_id"] == "submit")["details"]["set"]["topic_id"]
    hold_meeting(api, database_url, [topic], {"item_vote": {"ballot": "disagree"},
                                              "secretary_opinion": {"secretary_view": "disagree"}})
    record = api.instance(instance)
    assert record["status"] == "completed" and any(e["element_id"] == "end_rejected" for e in record["history"])
