"""Meeting rules R1–R12, each refused or recorded as the rule says (names cite the rule)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from engine.committee import topics
from engine.directory.people import Directory, hash_password
from engine.errors import WorkflowFailed
from engine.committee.meetings import earliest_meeting_day, quorum
from engine.models import Decision, Notification, Topic
from engine.committee.workdays import LOCAL_TZ, WorkdayCalendar
from tests.meeting_helpers import (COMMITTEE, MATTER, MEETING, TELLERS, agenda, decided_matter, drive, hold_meeting,
                                   meeting_day, runtime_of, submit_matter, to_meeting_day)


def db_of(app):
    return app.extensions["powerflow"].db


def start_meeting(api, title="常委会会议"):
    response = api.post("/processes/committee_meeting/instances", "bangong", {"title": title, "data": {}})
    assert response.status_code == 201
    return response.get_json()["id"]


def current(api, instance_id):
    return api.instance(instance_id)["current_tasks"]


def add_tenth_member(app):
    with db_of(app).transaction() as session:
        Directory(session).save_user("shicw", "石常委", roles=["常委"], password_hash=hash_password("demo"))


# -- R1 ---------------------------------------------------------------------------------------------
def test_R1_agenda_refused_by_the_secretary_goes_back_to_the_office(api, database_url):
    _, topic = submit_matter(api, "关于议程审定的决策")
    meeting = start_meeting(api)
    answers = {**MEETING, **agenda(meeting_day(database_url), [topic]),
               "approve_agenda": {"agenda_approved": False, "agenda_opinion": "请补充材料后再报。"}}
    steps = drive(api, meeting, answers, count=2)
    assert steps == [("propose_agenda", "bangong"), ("approve_agenda", "shuji")]
    assert [t["element_id"] for t in current(api, meeting)] == ["propose_agenda"]


def test_R1_a_topic_without_its_member_in_charges_consent_cannot_be_put_on_the_agenda(app, api, database_url):
    matter, _ = submit_matter(api, "关于已同意议题的决策")
    with db_of(app).transaction() as session:
        from engine.models import Instance
        unconsented = topics.submit(session, session.get(Instance, matter), "await_decision", "常委会", "未经同意的议题",
                                    "ordinary", None, False, datetime.now(LOCAL_TZ)).id
    meeting = start_meeting(api)
    task = current(api, meeting)[0]
    refused = api.complete(task["id"], "bangong", agenda(meeting_day(database_url), [unconsented])["propose_agenda"])
    assert refused.status_code == 422
    assert "R1" in refused.get_json()["errors"]["topics"] and "未经同意的议题" in refused.get_json()["errors"]["topics"]


# -- R2 ---------------------------------------------------------------------------------------------
def test_R2_an_item_not_on_the_notified_agenda_only_as_a_declared_emergency(api, database_url):
    _, noticed = submit_matter(api, "关于已通知议题的决策")
    meeting = start_meeting(api)
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [noticed])}, stop_at="attendance")
    late_matter, late = submit_matter(api, "关于通知后提交的紧急议题的决策")
    to_meeting_day(api, meeting)
    attendance = current(api, meeting)[0]
    without_reason = api.complete(attendance["id"], "bangong", {"present": COMMITTEE, "tellers": TELLERS,
                                                                 "emergency_topics": [str(late)]})
    assert without_reason.status_code == 422 and "R2" in without_reason.get_json()["errors"]["emergency_reason"]
    ok = api.complete(attendance["id"], "bangong", {"present": COMMITTEE, "tellers": TELLERS,
                                                     "emergency_topics": [str(late)],
                                                     "emergency_reason": "突发险情，需立即决定抢修资金。"})
    assert ok.status_code == 200
    steps = drive(api, meeting, MEETING)
    assert sum(1 for e, _ in steps if e == "item_vote") == 2 * len(COMMITTEE)  # both items voted, one by one
    assert api.instance(late_matter)["current_tasks"][0]["element_id"] == "publish"


def test_R2_a_decision_on_a_topic_not_scheduled_for_the_meeting_is_refused(app, api):
    matter, topic = submit_matter(api, "关于未列入议程的决策")
    meeting = start_meeting(api)
    with db_of(app).transaction() as session:
        with pytest.raises(WorkflowFailed, match="R2"):
            topics.decide(session, meeting, "常委会", topic, "passed", {"agree": 9, "disagree": 0, "abstain": 0},
                          9, 9, "passed", None, None, datetime.now(LOCAL_TZ))


# -- R4 ---------------------------------------------------------------------------------------------
def test_R4_notice_must_reach_members_two_working_days_ahead(app, api, database_url):
    _, topic = submit_matter(api, "关于通知期限的决策")
    meeting = start_meeting(api, "常委会第5次会议")
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [topic])}, stop_at="send_notice")
    task = current(api, meeting)[0]
    today = datetime.now(LOCAL_TZ).date().isoformat()
    refused = api.complete(task["id"], "bangong", {"meeting_date": today, "notice_text": "今天开会。"})
    assert refused.status_code == 422
    message = refused.get_json()["errors"]["meeting_date"]
    earliest = date.fromisoformat(meeting_day(database_url))
    assert "R4" in message and f"{earliest:%Y年%m月%d日}" in message  # says the earliest allowed day, in Chinese
    day = meeting_day(database_url)
    assert api.complete(task["id"], "bangong", {"meeting_date": day, "notice_text": f"定于 {day} 开会。"}).status_code == 200
    with db_of(app).reader() as session:  # the written notice is a record for every member
        notices = session.scalars(sa.select(Notification).where(Notification.kind == "notice")).all()
        assert len(notices) == len(COMMITTEE) and all("常委会第5次会议" in n.title for n in notices)


def test_R4_notice_across_the_2026_national_day_holiday_and_a_make_up_workday():
    calendar = WorkdayCalendar()
    wednesday = datetime(2026, 9, 30, 10, 0, tzinfo=LOCAL_TZ)  # the day before the holiday week
    assert earliest_meeting_day(calendar, wednesday) == date(2026, 10, 9)  # 1–7 October are not working days
    friday = datetime(2026, 10, 9, 10, 0, tzinfo=LOCAL_TZ)
    assert earliest_meeting_day(calendar, friday) == date(2026, 10, 12)  # Saturday 10 October is a make-up workday
    without_make_up = WorkdayCalendar({date(2026, 10, 10): False})
    assert earliest_meeting_day(without_make_up, friday) == date(2026, 10, 13)


# -- R5 ---------------------------------------------------------------------------------------------
def test_R5_quorum_boundaries():
    assert quorum(10, 5, personnel=False, member_in_charge_present=True) == ["到会成员未超过半数（应到 10 人，实到 5 人）"]
    assert quorum(10, 6, personnel=False, member_in_charge_present=True) == []
    assert quorum(9, 5, personnel=True, member_in_charge_present=True) == ["人事事项须有三分之二以上成员到会（应到 9 人，实到 5 人）"]
    assert quorum(9, 6, personnel=True, member_in_charge_present=True) == []
    assert quorum(9, 9, personnel=False, member_in_charge_present=False) == ["分管该议题的常委未到会"]


def test_R5_exactly_half_present_is_refused_one_more_passes(app, api, database_url):
    add_tenth_member(app)
    _, topic = submit_matter(api, "关于法定人数的决策")
    half = ["shuji", "fushuji", "wangcw", "zhaocw", "zhoucw"]  # five of ten, the member in charge among them
    meeting, steps = hold_meeting(api, database_url, [topic], {"attendance": {"present": half}})
    assert "item_vote" not in [e for e, _ in steps]  # no vote without quorum
    result = api.instance(meeting)
    deferred = next(e for e in result["history"] if e["element_id"] == "defer_item")["details"]["set"]["item_result"]
    assert deferred["outcome"] == "deferred" and "未超过半数" in deferred["reasons"]
    with db_of(app).reader() as session:
        again = session.get(Topic, topic)
        assert again.state == "pending" and "未超过半数" in again.deferred_reason  # back in the queue
    six = half + ["chencw"]
    _, steps = hold_meeting(api, database_url, [topic], {"attendance": {"present": six}})
    assert sorted(h for e, h in steps if e == "item_vote") == sorted(six)


def test_R5_personnel_needs_two_thirds_and_the_member_in_charge(app, api, database_url):
    _, personnel = submit_matter(api, "关于干部任免的决策", {"file_topic": {**MATTER["file_topic"], "topic_kind": "人事事项"}})
    five = ["shuji", "fushuji", "wangcw", "zhaocw", "zhoucw"]  # more than half of 9, less than two thirds
    meeting, steps = hold_meeting(api, database_url, [personnel], {"attendance": {"present": five}})
    history = api.instance(meeting)["history"]
    reasons = next(e for e in history if e["element_id"] == "defer_item")["details"]["set"]["item_result"]["reasons"]
    assert "三分之二" in reasons
    _, ordinary = submit_matter(api, "关于分管常委缺席的决策")
    without_member = [m for m in COMMITTEE if m != "zhoucw"]
    meeting, steps = hold_meeting(api, database_url, [ordinary], {"attendance": {"present": without_member}})
    history = api.instance(meeting)["history"]
    reasons = next(e for e in history if e["element_id"] == "defer_item")["details"]["set"]["item_result"]["reasons"]
    assert reasons == "分管该议题的常委未到会"


# -- R6, R7 -------------------------------------------------------------------------------------------
def test_R6_absent_members_write_before_attendees_see_it_and_are_told_after(api, database_url):
    _, topic = submit_matter(api, "关于请假成员意见的决策")
    meeting = start_meeting(api)
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [topic])}, stop_at="member_opinion")
    opinion_task = current(api, meeting)[0]
    holder = opinion_task["candidates"][0]
    context = dict(api.get(f"/tasks/{opinion_task['id']}", holder).get_json()["context"])
    assert context["请假成员书面意见"] == ["黄常委：我同意该议题。"]
    steps = drive(api, meeting, MEETING)
    relays = [t for e, t in steps if e == "relay"]
    assert len(relays) == 1  # one relay task for the one absent member, recorded when done
    relay_event = [e for e in api.instance(meeting)["history"] if e["element_id"] == "relay" and e["action"] == "complete"]
    assert relay_event[0]["details"]["data"] == {"relay_note": "已当面传达。"}


def test_R7_the_secretary_speaks_only_after_every_other_attending_member(api, database_url):
    _, topic = submit_matter(api, "关于发言顺序的决策")
    meeting = start_meeting(api)
    drive(api, meeting, {**MEETING, **agenda(meeting_day(database_url), [topic])}, stop_at="member_opinion")
    opinions = current(api, meeting)
    assert {t["element_id"] for t in opinions} == {"member_opinion"} and len(opinions) == 7
    assert "shuji" not in [t["assignee"] for t in opinions]
    for task in opinions[:-1]:
        api.complete(task["id"], task["assignee"], {"member_view": "agree"})
        assert "secretary_opinion" not in [t["element_id"] for t in current(api, meeting)]
    api.complete(opinions[-1]["id"], opinions[-1]["assignee"], {"member_view": "disagree"})
    secretary = current(api, meeting)
    assert [(t["element_id"], t["assignee"]) for t in secretary] == [("secretary_opinion", "shuji")]
    context = dict(api.get(f"/tasks/{secretary[0]['id']}", "shuji").get_json()["context"])
    assert len(context["其他成员意见"]) == 7 and any(v.endswith("反对") for v in context["其他成员意见"])


# -- R9, R10 ------------------------------------------------------------------------------------------
def test_R9_agree_votes_equal_to_half_of_members_who_should_attend_fail(app, api, database_url):
    add_tenth_member(app)
    ten = COMMITTEE + ["shicw"]
    _, half_topic = submit_matter(api, "关于半数同意的决策")
    _, more_topic = submit_matter(api, "关于过半数同意的决策")
    order = {}

    def ballot(voter):
        item = order.setdefault(voter, 0)
        order[voter] += 1
        agree_first = ten[:5] if item == 0 else ten[:6]  # item 1: 5 of 10 agree; item 2: 6 of 10 agree
        return {"ballot": "agree" if voter in agree_first else "disagree"}

    meeting, _ = hold_meeting(api, database_url, [half_topic, more_topic],
                              {"attendance": {"present": ten}, "item_vote": ballot,
                               "secretary_opinion": {"secretary_view": "abstain"}})
    with db_of(app).reader() as session:
        decisions = {d.topic_id: d for d in session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting))}
    assert (decisions[half_topic].agree, decisions[half_topic].should_attend, decisions[half_topic].outcome) == \
        (5, 10, "rejected")
    assert (decisions[more_topic].agree, decisions[more_topic].outcome) == (6, "passed")


def test_R10_when_the_secretary_differs_the_superior_organization_rules(app, api, database_url):
    matter, topic = submit_matter(api, "关于意见分歧的决策")
    meeting, steps = hold_meeting(api, database_url, [topic], {
        "attendance": {"present": COMMITTEE}, "item_vote": {"ballot": "disagree"},
        "secretary_opinion": {"secretary_view": "agree", "secretary_remarks": "我认为应当通过。"},
        "superior_ruling": {"ruling": "passed", "ruling_text": "经上级研究，同意实施。"}})
    assert ("superior_ruling", "shangji") in steps
    with db_of(app).reader() as session:
        decision = session.scalars(sa.select(Decision).where(Decision.topic_id == topic)).one()
        assert (decision.vote_outcome, decision.secretary_view, decision.ruling, decision.outcome) == \
            ("rejected", "agree", "passed", "passed")
    payload = next(e for e in api.instance(matter)["history"] if e["action"] == "message")["details"]["payload"]
    assert payload["outcome"] == "passed" and payload["ruled"] is True


# -- R12, R13 -----------------------------------------------------------------------------------------
def motion(api, title: str, backers: set[str]) -> int:
    """A member raises a topic and the others co-sign (or not); return the motion's topic id."""
    response = api.post("/processes/members_motion/instances", "wangcw", {"title": title, "data": {}})
    assert response.status_code == 201, response.get_json()
    instance = response.get_json()["id"]
    drive(api, instance, {"draft_motion": {"motion_summary": "建议尽快研究解决城区停车难问题。"},
                          "cosign": lambda member: {"back": member in backers}})
    history = api.instance(instance)["history"]
    return next(e for e in history if e["element_id"] == "submit")["details"]["set"]["topic_id"]


def test_R12_a_topic_raised_by_half_the_members_must_go_on_the_next_agenda(app, api, database_url):
    _, ordinary = submit_matter(api, "关于一般议题的决策")
    few = motion(api, "关于少数成员提议的议题", {"zhaocw", "chencw"})  # 3 of 9: may wait
    half = motion(api, "关于五名常委联名提议的议题", {"zhaocw", "chencw", "liucw", "yangcw"})  # 5 of 9: must go on
    with db_of(app).reader() as session:
        assert (session.get(Topic, few).mandatory, session.get(Topic, half).mandatory) == (False, True)
    meeting = start_meeting(api)
    task = current(api, meeting)[0]
    day = meeting_day(database_url)
    refused = api.complete(task["id"], "bangong", agenda(day, [ordinary, few])["propose_agenda"])
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]["topics"]
    assert "R12" in errors and "关于五名常委联名提议的议题" in errors and "少数成员" not in errors
    assert api.complete(task["id"], "bangong", agenda(day, [ordinary, half])["propose_agenda"]).status_code == 200


def test_R13_a_decision_changes_only_by_a_later_decision_of_the_same_body(app, api, database_url):
    matter, _, original = decided_matter(app, api, database_url, "关于原决定的决策")
    response = api.post("/processes/decision_change/instances", "bangong", {"title": "关于变更原决定的申请", "data": {}})
    change_matter = response.get_json()["id"]
    form = api.get(f"/tasks/{current(api, change_matter)[0]['id']}", "bangong").get_json()["form"]
    assert form["properties"]["decision"]["enum"] == [str(original)]  # only decisions in force
    drive(api, change_matter, {"propose_change": {"decision": str(original), "change_reason": "情况发生重大变化，需调整实施范围。",
                                                  "proposed_change": "实施范围由12个小区调整为8个。"}})
    with db_of(app).reader() as session:
        change = session.scalars(sa.select(Topic).where(Topic.instance_id == change_matter)).one()
        assert (change.kind, change.body, change.changes_decision_id) == ("change", "常委会", original)
        assert session.get(Decision, original).superseded_by_id is None  # nobody changes it alone
    hold_meeting(api, database_url, [change.id], {"attendance": {"present": COMMITTEE}})
    with db_of(app).reader() as session:
        later = session.scalars(sa.select(Decision).where(Decision.topic_id == change.id)).one()
        assert later.outcome == "passed" and session.get(Decision, original).superseded_by_id == later.id
    assert api.instance(change_matter)["status"] == "completed"
    # Whoever asks, the topic goes to the body that decided: the plenary cannot change a standing-committee decision.
    with db_of(app).transaction() as session:
        from engine.models import Instance
        other = topics.submit(session, session.get(Instance, matter), "await_decision", "全委会", "改由全委会变更",
                              "change", None, True, datetime.now(LOCAL_TZ), changes_decision_id=later.id)
        assert other.body == "常委会"
    doc = api.client.get("/api/v1/openapi.json").get_json()
    assert not any("decision" in path for path in doc["paths"])  # no route edits a recorded decision


def test_R13_a_change_the_body_rejects_leaves_the_decision_in_force(app, api, database_url):
    _, _, original = decided_matter(app, api, database_url, "关于不变更的决策")
    response = api.post("/processes/decision_change/instances", "bangong", {"title": "关于变更的申请（未获通过）", "data": {}})
    change_matter = response.get_json()["id"]
    drive(api, change_matter, {"propose_change": {"decision": str(original), "change_reason": "希望调整实施范围以节约资金。",
                                                  "proposed_change": "缩小实施范围。"}})
    with db_of(app).reader() as session:
        change = session.scalars(sa.select(Topic).where(Topic.instance_id == change_matter)).one().id
    hold_meeting(api, database_url, [change], {"item_vote": {"ballot": "disagree"},
                                               "secretary_opinion": {"secretary_view": "disagree"}})
    with db_of(app).reader() as session:
        assert session.scalars(sa.select(Decision).where(Decision.topic_id == change)).one().outcome == "rejected"
        assert session.get(Decision, original).superseded_by_id is None
    assert api.instance(change_matter)["status"] == "completed"


# -- R4 at the meeting itself -------------------------------------------------------------------------
def set_clock(api, moment: datetime) -> None:
    runtime_of(api).clock = lambda: moment
    api.forget_tokens()


def test_R4_attendance_is_refused_before_the_noticed_meeting_day(api, database_url):
    _, topic = submit_matter(api, "关于会议当天办理的决策")
    meeting = start_meeting(api)
    day = meeting_day(database_url)
    drive(api, meeting, {**MEETING, **agenda(day, [topic])}, stop_at="attendance")
    before = api.instance(meeting)
    attendance = before["current_tasks"][0]
    set_clock(api, datetime.combine(date.fromisoformat(day) - timedelta(days=1), time(23, 30), LOCAL_TZ))
    refused = api.complete(attendance["id"], "bangong", {"present": COMMITTEE, "tellers": TELLERS})
    assert refused.status_code == 422
    message = refused.get_json()["errors"]["_form"]
    held = date.fromisoformat(day)
    assert "R4" in message and f"{held.year}年{held.month:02d}月{held.day:02d}日" in message
    after = api.instance(meeting)
    assert after["current_tasks"] == before["current_tasks"] and after["history"] == before["history"]


def test_R4_attendance_and_the_meeting_go_ahead_on_the_noticed_day(api, database_url):
    _, topic = submit_matter(api, "关于会议当天办理的决策")
    meeting = start_meeting(api)
    day = meeting_day(database_url)
    drive(api, meeting, {**MEETING, **agenda(day, [topic])}, stop_at="attendance")
    attendance = current(api, meeting)[0]
    set_clock(api, datetime.combine(date.fromisoformat(day), time(0, 30), LOCAL_TZ))  # Beijing time: already the day
    assert api.complete(attendance["id"], "bangong", {"present": COMMITTEE, "tellers": TELLERS}).status_code == 200
    assert current(api, meeting)[0]["element_id"] == "teller_key"
    drive(api, meeting, MEETING)
    assert api.instance(meeting)["status"] == "completed"
