"""Drive major_decision (R0) end to end through the JSON API, as each task's holder in turn."""
from __future__ import annotations

from datetime import datetime

from engine.workdays import LOCAL_TZ

COMMITTEE = ["shuji", "fushuji", "wangcw", "zhaocw", "chencw", "liucw", "yangcw", "huangcw", "zhoucw"]
ANSWERS = {
    "file_topic": {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设",
                   "source": "职能部门提出", "basis": "改造实施意见"},
    "consent_topic": {"consent": True, "consent_opinion": "同意提交。"},
    "approve_topic": {"approved": True, "approve_opinion": "同意列入议程。"},
    "research": {"research_report": "走访12个小区，改造意愿强烈。"},
    "consult": {"consulted": "居民代表", "consultation_summary": "普遍支持，建议分期。", "individual_consultation": True},
    "argue": {"argument_conclusion": "方案可行，风险可控。", "risk_level": "中", "legal_review": True},
    "convene": {"meeting_date": "2026-12-03", "attendees": [m for m in COMMITTEE if m != "huangcw"]},
    "absent_opinion": {"written_opinion": "同意。"},
    "minutes": {"minutes_text": "会议审议通过老旧小区改造项目。"},
    "publish": {"publication_text": "决定实施老旧小区改造项目，现予公示。", "publication_days": 5, "channel": "门户网站"},
    "notify_rejection": {"rejection_notice": "该议题未获通过。"},
}


def drive(api, instance_id: int, answers: dict, ballots: dict[str, str] | None = None, stop_at: str | None = None):
    """Complete tasks as their holders until the matter ends (or reaches ``stop_at``); return the steps done."""
    done = []
    for _ in range(60):
        matter = api.instance(instance_id)
        if matter["status"] != "running" or not matter["current_tasks"]:
            return done
        task = matter["current_tasks"][0]
        if task["element_id"] == stop_at:
            return done
        holder = task["candidates"][0]
        inbox = api.get("/tasks", holder).get_json()
        assert task["id"] in [t["id"] for t in inbox], f"{holder} does not see {task['name']} in 待办"
        form = api.get(f"/tasks/{task['id']}", holder).get_json()["form"]
        data = {"ballot": (ballots or {}).get(holder, "agree")} if task["element_id"] == "vote" \
            else answers[task["element_id"]]
        assert set(data) <= set(form["properties"])
        response = api.complete(task["id"], holder, data)
        assert response.status_code == 200, response.get_json()
        done.append((task["element_id"], holder))
    raise AssertionError("matter did not finish")


def test_major_decision_runs_from_start_to_publication(api):
    instance_id = api.start("关于城区老旧小区改造项目的决策", as_user="bangong")
    steps = drive(api, instance_id, ANSWERS)

    elements = [e for e, _ in steps]
    assert elements[:7] == ["file_topic", "consent_topic", "approve_topic", "research", "consult", "argue", "convene"]
    assert ("absent_opinion", "huangcw") in steps  # R6: the absent member's written opinion
    voters = sorted(h for e, h in steps if e == "vote")
    assert voters == sorted(ANSWERS["convene"]["attendees"])  # R8: each attending member votes once
    assert elements[-2:] == ["minutes", "publish"]
    # R1: the member in charge of the chosen field (城乡建设 → zhoucw) consents and prepares the materials
    assert [h for e, h in steps if e in ("consent_topic", "research", "consult", "argue")] == ["zhoucw"] * 4
    assert ("approve_topic", "shuji") in steps

    matter = api.instance(instance_id)
    assert matter["status"] == "completed"
    assert matter["current_tasks"] == []
    auto = {e["element_id"]: e["details"] for e in matter["history"] if e["action"] == "auto"}
    assert auto["count_votes"]["set"]["tally"] == {"agree": 8, "disagree": 0, "abstain": 0, "total": 8}
    year = datetime.now(LOCAL_TZ).year
    assert auto["number_minutes"]["set"]["minutes_number"] == f"常委会纪要〔{year}〕第1号"  # R11
    assert "end_published" in auto
    completions = [(e["element_id"], e["actor"]) for e in matter["history"] if e["action"] == "complete"]
    assert completions == steps  # the timeline shows who did what, in order

    svg = api.get(f"/instances/{instance_id}/flowchart.svg", "bangong")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_R9_majority_counts_members_who_should_attend_not_those_present(api):
    # 8 of 9 present; 4 agree is half of those present but not more than half of the 9 who should attend.
    instance_id = api.start("关于某项目的决策")
    ballots = {m: ("agree" if i < 4 else "disagree") for i, m in enumerate(ANSWERS["convene"]["attendees"])}
    steps = drive(api, instance_id, ANSWERS, ballots)
    assert [e for e, _ in steps][-1] == "notify_rejection"
    matter = api.instance(instance_id)
    assert matter["status"] == "completed"
    tally = next(e for e in matter["history"] if e["element_id"] == "count_votes")["details"]["set"]
    assert tally["passed"] is False and tally["tally"]["agree"] == 4


def test_R9_five_of_nine_pass(api):
    instance_id = api.start("关于另一项目的决策")
    ballots = {m: ("agree" if i < 5 else "abstain") for i, m in enumerate(ANSWERS["convene"]["attendees"])}
    steps = drive(api, instance_id, ANSWERS, ballots)
    assert [e for e, _ in steps][-2:] == ["minutes", "publish"]


def test_R5_no_vote_without_quorum_or_without_the_member_in_charge(api):
    instance_id = api.start("关于人数不足会议的决策")
    drive(api, instance_id, ANSWERS, stop_at="convene")
    convene = api.instance(instance_id)["current_tasks"][0]
    # Only 4 of 9 present: not more than half.
    assert api.complete(convene["id"], "bangong", {"meeting_date": "2026-12-03",
                                                   "attendees": COMMITTEE[:4]}).status_code == 200
    again = api.instance(instance_id)["current_tasks"]
    assert [t["element_id"] for t in again] == ["convene"]
    # 8 present but the member in charge (zhoucw) absent.
    assert api.complete(again[0]["id"], "bangong", {"meeting_date": "2026-12-03",
                                                    "attendees": COMMITTEE[:8]}).status_code == 200
    assert [t["element_id"] for t in api.instance(instance_id)["current_tasks"]] == ["convene"]


def test_R1_topic_refused_by_member_in_charge_ends_the_matter(api):
    instance_id = api.start("关于被退回议题的决策")
    steps = drive(api, instance_id, {**ANSWERS, "consent_topic": {"consent": False, "consent_opinion": "条件不成熟。"}})
    assert [e for e, _ in steps] == ["file_topic", "consent_topic"]
    matter = api.instance(instance_id)
    assert matter["status"] == "completed"
    assert any(e["element_id"] == "end_returned" for e in matter["history"])
