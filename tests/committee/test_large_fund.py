"""large_fund: the DMN table decides who approves; every path through the process via the JSON API."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import Publication

from tests.meeting_helpers import PLENARY, drive, hold_meeting, run_process

APPLY = {"purpose": "基础设施", "amount": 30, "field": "城乡建设", "project": "城区道路排水管网改造工程。"}
STEPS = {
    "apply": APPLY,
    "finance_review": {"review_passed": True, "review_opinion": "测算合理。"},
    "mic_review": {"mic_approved": True, "mic_opinion": "同意。"},
    "secretary_sign": {"signed": True, "sign_opinion": "同意拨付。"},
    "disburse": {"voucher": "财拨〔2026〕88号", "publication_text": "城区道路排水管网改造工程资金已拨付，现予公开。",
                 "publication_days": 5, "channel": "党务公开栏"},
}


def apply(api, amount, purpose, extra=None):
    answers = {**STEPS, "apply": {**APPLY, "amount": amount, "purpose": purpose}, **(extra or {})}
    return run_process(api, "large_fund", "bumen", f"资金申请 {amount} 万元", answers)


def route_of(api, instance):
    event = next(e for e in api.instance(instance)["history"] if e["element_id"] == "route_fund")
    return event["details"]["set"]["route"], event["details"]["set"]["finance_review"]


@pytest.mark.parametrize("amount, purpose, route, review", [
    (19.99, "其他", "member", False), (19.99, "行政运行", "member", False),
    (20, "其他", "member", False), (20, "行政运行", "committee", False),
    (49.99, "行政运行", "committee", False), (49.99, "民生保障", "member", False),
    (50, "其他", "committee", True), (999.99, "民生保障", "committee", True),
    (1000, "其他", "plenary", True), (5000, "产业扶持", "plenary", True),
])
def test_dmn_thresholds_at_and_around_each_boundary(api, amount, purpose, route, review):
    instance, _ = apply(api, amount, purpose, {"mic_review": {"mic_approved": False, "mic_opinion": "暂缓。"}})
    assert route_of(api, instance) == (route, review)


def test_member_route_signed_by_the_secretary_and_disbursed(api):
    instance, steps = apply(api, 10, "民生保障")
    assert [e for e, _ in steps] == ["apply", "mic_review", "secretary_sign", "disburse"]
    assert ("mic_review", "zhoucw") in steps and ("secretary_sign", "shuji") in steps
    record = api.instance(instance)
    assert record["status"] == "completed" and any(e["element_id"] == "end_paid" for e in record["history"])


def test_secretary_or_member_in_charge_may_refuse(api):
    refused_sign, _ = apply(api, 10, "民生保障", {"secretary_sign": {"signed": False, "sign_opinion": "不同意。"}})
    assert any(e["element_id"] == "end_rejected" for e in api.instance(refused_sign)["history"])
    refused_mic, steps = apply(api, 10, "民生保障", {"mic_review": {"mic_approved": False, "mic_opinion": "不同意。"}})
    assert [e for e, _ in steps] == ["apply", "mic_review"]
    assert any(e["element_id"] == "end_refused" for e in api.instance(refused_mic)["history"])


def test_R16_committee_route_with_finance_review_decided_at_a_meeting_and_published(app, api, database_url):
    instance, steps = apply(api, 300, "基础设施")
    assert [e for e, _ in steps] == ["apply", "finance_review", "mic_review"]
    topic = next(e for e in api.instance(instance)["history"] if e["element_id"] == "submit_committee")
    hold_meeting(api, database_url, [topic["details"]["set"]["topic_id"]])
    assert drive(api, instance, STEPS) == [("disburse", "bangong")]
    assert api.instance(instance)["status"] == "completed"
    # R16: the use of the fund is published with the meeting's decision, and open to objections for its period.
    client = api.client
    page = client.get(f"/public/decisions/{instance}").get_data(as_text=True)
    assert "城区道路排水管网改造工程资金已拨付，现予公开。" in page and "党务公开栏" in page
    assert 'name="form_token"' in page  # the objection form, during the period
    with app.extensions["powerflow"].db.reader() as session:
        published = session.scalars(sa.select(Publication).where(Publication.instance_id == instance)).one()
        assert published.decision is not None and published.decision.outcome == "passed"
        assert published.period_days == 5


def test_above_the_top_threshold_the_plenary_decides(api, database_url):
    instance, _ = apply(api, 2000, "产业扶持")
    topic = next(e for e in api.instance(instance)["history"] if e["element_id"] == "submit_plenary")
    meeting, steps = hold_meeting(api, database_url, [topic["details"]["set"]["topic_id"]],
                                  {"attendance": {"present": PLENARY}, "item_vote": {"ballot": "disagree"},
                                   "secretary_opinion": {"secretary_view": "disagree"}},
                                  process="plenary_meeting", title="全委会第3次全体会议")
    assert sorted(h for e, h in steps if e == "item_vote") == sorted(PLENARY)  # all 12 plenary members vote
    record = api.instance(instance)
    assert record["status"] == "completed" and any(e["element_id"] == "end_rejected" for e in record["history"])
    minutes = next(e for e in api.instance(meeting)["history"] if e["element_id"] == "number_minutes")
    assert minutes["details"]["set"]["minutes_number"].startswith("全委会纪要〔")  # its own series (R11)
