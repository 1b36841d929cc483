"""A major decision (R0) from filing to publication through the JSON API, decided at a meeting."""
from __future__ import annotations

from datetime import datetime

from engine.committee.workdays import LOCAL_TZ
from tests.meeting_helpers import COMMITTEE, MATTER, drive, hold_meeting, submit_matter


def test_major_decision_runs_from_filing_through_the_meeting_to_publication(api, database_url):
    matter, topic = submit_matter(api, "关于城区老旧小区改造项目的决策")
    history = api.instance(matter)["history"]
    filed = [(e["element_id"], e["actor"]) for e in history if e["action"] == "complete"]
    # R1: the member in charge of the chosen field (城乡建设 → zhoucw) consents and prepares the materials (R3)
    assert filed == [("file_topic", "bangong"), ("consent_topic", "zhoucw"), ("research", "zhoucw"),
                     ("consult", "zhoucw"), ("argue", "zhoucw")]

    meeting, steps = hold_meeting(api, database_url, [topic], title="常委会第1次会议")
    elements = [e for e, _ in steps]
    assert elements[:4] == ["propose_agenda", "approve_agenda", "send_notice", "attendance"]
    assert ("approve_agenda", "shuji") in steps  # R1: the secretary approves the agenda
    assert ("leave_opinion", "huangcw") in steps  # R6: the absent member's written opinion
    present = [m for m in COMMITTEE if m != "huangcw"]
    assert sorted(h for e, h in steps if e == "member_opinion") == sorted(m for m in present if m != "shuji")
    last_member_opinion = max(i for i, (e, _) in enumerate(steps) if e == "member_opinion")
    assert steps.index(("secretary_opinion", "shuji")) > last_member_opinion  # R7: the secretary speaks last
    assert sorted(h for e, h in steps if e == "item_vote") == sorted(present)  # R8: each present member once
    assert elements[-2:] == ["write_minutes", "relay"]  # R11 minutes, then R6 relay to the absent member

    record = api.instance(meeting)
    assert record["status"] == "completed"
    auto = {e["element_id"]: e["details"] for e in record["history"] if e["action"] == "auto"}
    assert auto["count_item"]["set"]["tally"] == {"agree": 8, "disagree": 0, "abstain": 0, "total": 8}
    year = datetime.now(LOCAL_TZ).year
    assert auto["number_minutes"]["set"]["minutes_number"] == f"常委会纪要〔{year}〕第1号"  # R11

    # The decision reached the waiting matter, which the office then publishes (R16).
    waiting = api.instance(matter)
    assert [t["element_id"] for t in waiting["current_tasks"]] == ["publish"]
    message = next(e for e in waiting["history"] if e["action"] == "message")
    assert message["details"]["payload"]["outcome"] == "passed" and message["details"]["payload"]["agree"] == 8
    form = api.get(f"/tasks/{waiting['current_tasks'][0]['id']}", "bangong2").get_json()
    assert "publication_text" in form["form"]["properties"]
    assert drive(api, matter, MATTER) == [("publish", "bangong")]
    assert api.instance(matter)["status"] == "completed"
    svg = api.get(f"/instances/{matter}/flowchart.svg", "bangong")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_R1_topic_refused_by_member_in_charge_never_reaches_a_meeting(api):
    matter = api.start("关于被退回议题的决策")
    steps = drive(api, matter, {**MATTER, "consent_topic": {"consent": False, "consent_opinion": "条件不成熟。"}})
    assert [e for e, _ in steps] == ["file_topic", "consent_topic"]
    record = api.instance(matter)
    assert record["status"] == "completed"
    assert any(e["element_id"] == "end_returned" for e in record["history"])
    assert not any(e["element_id"] == "submit" for e in record["history"])
