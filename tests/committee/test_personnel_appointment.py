"""personnel_appointment (R17): motion, competitive recommendation and inspection with written records,
a competitive vote at a two-thirds meeting, pre-appointment publication with objections, appointment."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.committee.ballots import box
from engine.errors import FormInvalid
from engine.models import Decision, utcnow
from engine.runtime.service import Runtime
from tests.conftest import AuthActions, csrf_token
from tests.meeting_helpers import COMMITTEE, drive, hold_meeting, run_process

CANDIDATES = ["张甲", "李乙", "王丙"]
STEPS = {
    "propose": {"post": "区发展改革局局长", "motion_reason": "原局长到龄退休，职位空缺。",
                "requirements": "具有五年以上经济工作经历。", "eligible_cadres": "\n".join(CANDIDATES)},
    "approve_motion": {"motion_approved": True, "motion_opinion": "同意启动。"},
    "recommend": lambda member: {"recommended": CANDIDATES[:2] if member != "zhoucw" else CANDIDATES[1:],
                                 "recommend_reasons": "熟悉经济工作，群众公认。"},
    "shortlist_step": {"shortlist": CANDIDATES[:2], "shortlist_basis": "按推荐人数确定。"},
    "inspect": {"inspectors": ["zuzhi"], "methods": ["个别谈话", "民主测评"], "findings": "政治过硬，实绩突出，群众公认。",
                "fit": True},
    "register_observers": {"observers": "韩代表 党代表\n群众代表 某街道居民"},
    "consent_topic": {"consent": True, "consent_opinion": "同意提交常委会票决。"},
    "publicize": {"publication_text": "张甲同志拟任区发展改革局局长，现予公示。", "publication_days": 5,
                  "channel": "门户网站", "objection_contact": "电话 12380"},
    "appoint": {"appointment_text": "任命张甲同志为区发展改革局局长。"},
}
BEFORE_MEETING = ["propose", "approve_motion"] + ["recommend"] * 9 + ["shortlist_step", "inspect", "inspect",
                                                                       "register_observers", "consent_topic"]


def appointment(api, extra=None, stop_at=None):
    return run_process(api, "personnel_appointment", "zuzhi", "区发展改革局局长任免", {**STEPS, **(extra or {})}, stop_at)


def topic_of(api, instance) -> int:
    return next(e for e in api.instance(instance)["history"] if e["element_id"] == "submit")["details"]["set"]["topic_id"]


def vote(votes: dict[str, str]):
    return {"item_vote": lambda member: {"ballot": votes[member]}}


def finish_publication(app, api, instance, outcome="none", received=0):
    """The publication period cannot be concluded early; once over, the objections are concluded."""
    task = api.instance(instance)["current_tasks"][0]
    answer = {"objections_received": received, "objection_summary": "无", "objection_outcome": outcome}
    early = api.complete(task["id"], "zuzhi", answer)
    assert early.status_code == 422 and "R17" in early.get_json()["errors"]["objection_outcome"]
    later = Runtime(app.extensions["powerflow"].db, clock=lambda: utcnow() + timedelta(days=20))
    later.complete(task["id"], answer, "zuzhi")


def test_R17_the_elected_candidate_is_published_then_appointed_with_every_step_on_record(app, api, database_url):
    instance, steps = appointment(api)
    assert [e for e, _ in steps] == BEFORE_MEETING
    assert ("approve_motion", "shuji") in steps and ("consent_topic", "chencw") in steps
    assert {h for e, h in steps if e == "recommend"} == set(COMMITTEE)
    votes = {m: "张甲" for m in COMMITTEE}
    votes.update(wangcw="李乙", zhaocw="abstain")
    meeting, _ = hold_meeting(api, database_url, [topic_of(api, instance)], vote(votes))

    matter = api.instance(instance)
    assert [t["element_id"] for t in matter["current_tasks"]] == ["publicize"]
    data = api.get(f"/instances/{instance}", "zuzhi").get_json()
    steps = drive(api, instance, STEPS, stop_at="review_objections")
    assert [e for e, _ in steps] == ["publicize"]
    finish_publication(app, api, instance)
    steps = drive(api, instance, STEPS)
    assert [e for e, _ in steps] == ["appoint"]
    matter = api.instance(instance)
    assert matter["status"] == "completed"
    with app.extensions["powerflow"].db.reader() as session:
        decision = session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting)).one()
        assert decision.chosen == "张甲" and decision.choice_tally == {"张甲": 6, "李乙": 1}
        assert decision.abstain == 1 and decision.outcome == "passed"
        # The same totals opened again from the encrypted ballots and the tellers' shares.
        item_key = str(decision.topic_id)
        counts = box.tally(session, meeting, "item_vote", item_key, ["张甲", "李乙", "abstain"])
        assert counts == {"张甲": 6, "李乙": 1, "abstain": 1, "total": 8}
    # 写实: who recommended whom and who inspected how, open on the matter.
    record = next(e for e in matter["history"] if e["element_id"] == "collect")["details"]["set"]
    assert "周常委 推荐 李乙、王丙：熟悉经济工作，群众公认。" in record["recommendation_record"]
    inspected = next(e for e in matter["history"] if e["element_id"] == "compile")["details"]["set"]
    assert inspected["inspection_record"][0].startswith("张甲：郑部长（组织部） 以个别谈话、民主测评考察，合格")
    assert inspected["finalists"] == ["张甲", "李乙"]
    numbered = next(e for e in matter["history"] if e["element_id"] == "number")["details"]["set"]
    assert numbered["appointment_number"].startswith("任职通知")
    assert data["id"] == instance


def test_R17_the_matter_page_shows_the_competitive_vote_per_candidate(app, api, database_url):
    instance, _ = appointment(api)
    votes = {m: "张甲" for m in COMMITTEE}
    votes.update(wangcw="李乙")
    hold_meeting(api, database_url, [topic_of(api, instance)], vote(votes))
    client = app.test_client()
    AuthActions(client).login("zuzhi")
    page = client.get(f"/matters/{instance}").get_data(as_text=True)
    assert "张甲 当选" in page and "张甲 7 票，李乙 1 票" in page


def test_R17_no_candidate_with_a_majority_of_members_means_no_appointment(app, api, database_url):
    instance, _ = appointment(api)
    present = [m for m in COMMITTEE if m != "huangcw"]  # 8 of 9 attend (MEETING)
    votes = {m: ("张甲" if i < 4 else "李乙") for i, m in enumerate(present)}  # 4 : 4, neither more than 9 / 2
    meeting, _ = hold_meeting(api, database_url, [topic_of(api, instance)], vote(votes))
    matter = api.instance(instance)
    assert matter["status"] == "completed" and any(e["element_id"] == "end_not_elected" for e in matter["history"])
    with app.extensions["powerflow"].db.reader() as session:
        decision = session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting)).one()
        assert decision.outcome == "rejected" and decision.chosen is None
        assert decision.choice_tally == {"张甲": 4, "李乙": 4}


def test_R17_upheld_objections_stop_the_appointment(app, api, database_url):
    """An objection sent from the public page during the period must be counted and verified (R16): concluding
    "no objection", or counting fewer, is refused; upheld, it stops the appointment."""
    instance, _ = appointment(api)
    hold_meeting(api, database_url, [topic_of(api, instance)], vote({m: "李乙" for m in COMMITTEE}))
    drive(api, instance, STEPS, stop_at="review_objections")
    client = app.test_client()
    page = client.get(f"/public/decisions/{instance}").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    sent = client.post(f"/public/decisions/{instance}/objections", data={
        "csrf_token": csrf_token(page), "form_token": token, "text": "李乙在原单位任职期间有违规发放津贴问题，请核实。"})
    assert sent.status_code == 302
    task = api.instance(instance)["current_tasks"][0]
    later = Runtime(app.extensions["powerflow"].db, clock=lambda: utcnow() + timedelta(days=20))
    for answer, field in (({"objections_received": 1, "objection_outcome": "none"}, "objection_outcome"),
                          ({"objections_received": 0, "objection_outcome": "upheld"}, "objections_received")):
        with pytest.raises(FormInvalid) as refused:
            later.complete(task["id"], {"objection_summary": "见反映。", **answer}, "zuzhi")
        assert list(refused.value.errors) == [field] and refused.value.errors[field].startswith("R16：公示期间通过公开页面收到 1 件异议")
    finish_publication(app, api, instance, outcome="upheld", received=1)
    matter = api.instance(instance)
    assert matter["status"] == "completed" and any(e["element_id"] == "end_not_appointed" for e in matter["history"])


def test_R17_a_motion_the_secretary_rejects_ends_before_recommendation(api):
    instance, steps = appointment(api, {"approve_motion": {"motion_approved": False, "motion_opinion": "暂缓。"}})
    assert [e for e, _ in steps] == ["propose", "approve_motion"]
    assert any(e["element_id"] == "end_motion" for e in api.instance(instance)["history"])


def test_R17_fewer_than_two_fit_candidates_goes_back_to_recommendation(api):
    verdicts = iter([True, False, True, True])
    instance, steps = appointment(api, {"inspect": lambda h: {**STEPS["inspect"], "fit": next(verdicts)}},
                                  stop_at="register_observers")
    names = [e for e, _ in steps]
    first_round = ["recommend"] * 9 + ["shortlist_step", "inspect", "inspect"]
    assert names == ["propose", "approve_motion"] + first_round * 2
    compiled = [e["details"]["set"] for e in api.instance(instance)["history"] if e["element_id"] == "compile"]
    assert [c["finalists"] for c in compiled] == [["张甲"], ["张甲", "李乙"]]


def test_R17_a_topic_the_member_in_charge_holds_back_is_not_voted(api):
    instance, steps = appointment(api, {"consent_topic": {"consent": False, "consent_opinion": "人选尚需酝酿。"}})
    assert steps[-1] == ("consent_topic", "chencw")
    matter = api.instance(instance)
    assert matter["status"] == "completed" and any(e["element_id"] == "end_not_elected" for e in matter["history"])


def test_R17_competition_needs_at_least_two_names_and_a_choice_outside_them_is_refused(api):
    instance, _ = appointment(api, stop_at="propose")
    task = api.instance(instance)["current_tasks"][0]
    refused = api.complete(task["id"], "zuzhi", {**STEPS["propose"], "eligible_cadres": "张甲同志"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["eligible_cadres"] == "差额推荐须列出至少两名人选，每行一人"
    instance, _ = appointment(api, stop_at="recommend")
    task = api.instance(instance)["current_tasks"][0]
    form = api.get(f"/tasks/{task['id']}", task["candidates"][0]).get_json()["form"]
    assert form["properties"]["recommended"]["items"]["enum"] == CANDIDATES
    refused = api.complete(task["id"], task["candidates"][0], {"recommended": ["赵丁"], "recommend_reasons": "理由。"})
    assert refused.status_code == 422 and "recommended" in refused.get_json()["errors"]
