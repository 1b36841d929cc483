"""The matter's file on every task page: earlier answers with labels, who and when; agenda material at a meeting."""
from __future__ import annotations

import pytest

from tests.meeting_helpers import MATTER, drive, hold_meeting, submit_matter


def _task(api, matter: int, element: str) -> dict:
    current = api.instance(matter)["current_tasks"]
    return next(t for t in current if t["element_id"] == element)


def _answers(file: dict) -> dict[str, dict[str, object]]:
    return {s["name"]: {a["label"]: a["value"] for a in s["answers"]} for s in file["steps"]}


def test_the_member_in_charge_sees_what_the_office_filed(api):
    matter = api.start("老旧小区改造资金安排", as_user="bangong")
    drive(api, matter, MATTER, stop_at="consent_topic")
    task = _task(api, matter, "consent_topic")
    holder = task["assignee"] or task["candidates"][0]
    seen = api.get(f"/tasks/{task['id']}", holder).get_json()
    filed = _answers(seen["file"])["登记议题"]
    assert filed["议题内容"] == MATTER["file_topic"]["summary"]
    assert filed["议题来源"] == "职能部门提出" and filed["所属领域"].startswith("城乡建设")
    step = seen["file"]["steps"][0]
    assert step["actor"] == "bangong" and step["at"]


def test_a_member_at_the_vote_sees_the_items_research_report(api, database_url):
    matter, topic = submit_matter(api, "老旧小区改造资金安排")
    meeting, _ = hold_meeting(api, database_url, [topic], stop_at="item_vote")
    task = _task(api, meeting, "item_vote")
    seen = api.get(f"/tasks/{task['id']}", task["assignee"]).get_json()
    (item,) = seen["file"]["agenda"]
    assert item["instance_id"] == matter and not item["withheld"]
    answers = _answers(item)
    assert answers["调查研究"]["调研报告"] == MATTER["research"]["research_report"]
    assert answers["征求意见"] and answers["科学论证"]
    # The meeting's own earlier steps (who attended, the opinions given) come with it; no ballot ever does.
    own = _answers(seen["file"])
    assert "会议签到" in own
    assert all("表决意见" not in a for a in own.values())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_outsiders_see_steps_but_not_deliberation_content(api, app):
    matter, _ = submit_matter(api, "干部调整事项")
    from engine.pages.matter_file import of_matter
    from engine.directory.people import Directory
    from engine.models import Instance
    with app.extensions["powerflow"].db.reader() as session:
        outsider = Directory(session).user("qianwy")  # a plenary member, not of the standing committee
        file = of_matter(session, session.get(Instance, matter), outsider)
    assert file.withheld and file.steps and all(not s.answers for s in file.steps)


def test_only_the_committees_officials_can_be_asked_to_sign_off(api):
    matter = api.start("老旧小区改造资金安排", as_user="bangong")
    task = _task(api, matter, "file_topic")
    for outsider in ("shangji", "admin", "sheji"):
        refused = api.post(f"/tasks/{task['id']}/add-signer", "bangong",
                           {"to": outsider, "position": "before", "reason": "请把关"})
        assert refused.status_code == 422
        assert "只能请以下角色的人员加签" in refused.get_json()["errors"]["to"]
    assert _task(api, matter, "file_topic")["state"] == "ready"  # nothing changed
    asked = api.post(f"/tasks/{task['id']}/add-signer", "bangong",
                     {"to": "zuzhi", "position": "before", "reason": "请把关"})
    assert asked.status_code == 200, asked.get_json()


def test_the_task_page_offers_only_officials_as_signers(client, auth):
    import re

    from tests.conftest import csrf_token
    auth.login("bangong")
    form = client.get("/processes/major_decision/start").get_data(as_text=True)
    started = client.post("/processes/major_decision/start", data={"title": "测试加签人", "csrf_token": csrf_token(form)})
    html = client.get(started.headers["Location"]).get_data(as_text=True)
    options = re.search(r'<select id="sg-to"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert "郑部长（组织部）" in options and "张书记" in options
    for outsider in ("市委（上级组织）", "系统管理员", "马设计员", "许监督员"):
        assert outsider not in options


@pytest.mark.parametrize("scope, expected", [(None, ["填报"]), ("fill", ["填报"]), ("none", None)])
def test_a_designer_may_narrow_what_a_holder_sees(api, scope, expected):
    from tests.process.test_designs import XML, design
    review = '<spiffworkflow:property name="dueInWorkingDays" value="2" />'
    xml = XML if scope is None else XML.replace(
        review, review + f'<spiffworkflow:property name="file" value="{scope}" />')
    assert design(api, xml=xml).status_code == 201
    matter = api.post("/processes/design_demo/instances", "bangong", {"title": "第一件", "data": {}}).get_json()["id"]
    fill = api.instance(matter)["current_tasks"][0]
    assert api.complete(fill["id"], "bangong", {"content": "已填报。"}).status_code == 200
    review_task = api.instance(matter)["current_tasks"][0]
    holder = review_task["candidates"][0]
    file = api.get(f"/tasks/{review_task['id']}", holder).get_json()["file"]
    if expected is None:
        assert file is None
    else:
        assert [s["name"] for s in file["steps"]] == expected
        assert file["steps"][0]["answers"] == [{"name": "content", "label": "内容", "value": "已填报。"}]


def test_the_file_scope_rule_reads_the_file_property():
    from engine.pages.matter_file import ALL, NONE, file_scope
    assert file_scope({}) == ALL and file_scope({"file": " "}) == ALL and file_scope({"file": "all"}) == ALL
    assert file_scope({"file": "none"}) == NONE
    assert file_scope({"file": "fill  check"}) == {"fill", "check"}
