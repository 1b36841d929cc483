"""R0 procedure, R3 materials, R15 confidentiality and R16 disclosure, checked on a real major decision."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from engine.committee.calendar_days import load_calendar
from tests.api_client import Api
from tests.conftest import AuthActions, make_app, postgres_schema_url, csrf_token, prepare
from tests.meeting_helpers import MATTER, MEETING, agenda, drive, meeting_day, runtime_of

TITLE = "关于城区老旧小区改造项目的决策"
OFFERED = f"{TITLE}（一般事项）"  # how the office's agenda form offers the topic
RESEARCH = MATTER["research"]["research_report"]
REMARK = "个别酝酿时杨常委建议分两期实施。"
WITHHELD = {"withheld": "R15：审议材料在决定公开前不对决策机构以外的人员公开"}


def start_meeting(api) -> tuple[int, int]:
    """A standing-committee meeting started by the office: (meeting, its 拟定议程 task)."""
    response = api.post("/processes/committee_meeting/instances", "bangong", {"title": "常委会会议", "data": {}})
    assert response.status_code == 201, response.get_json()
    meeting = response.get_json()["id"]
    return meeting, api.instance(meeting)["current_tasks"][0]["id"]


def offered(api, proposal: int) -> dict[str, str]:
    """The topics the office may put on the agenda at 拟定议程, as label → topic id."""
    items = api.get(f"/tasks/{proposal}", "bangong").get_json()["form"]["properties"]["topics"]["items"]
    return dict(zip(items["x-enum-labels"], items["enum"]))


def answers(file: dict) -> dict[str, tuple[str, dict]]:
    """A matter's file as its reader sees it: step name → (who, {form label: answer})."""
    return {s["name"]: (s["actor"], {a["label"]: a["value"] for a in s["answers"]}) for s in file["steps"]}


def signed_in(app, username: str):
    """A browser session of ``username`` on ``app``."""
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def at(entry: dict) -> datetime:
    return datetime.fromisoformat(entry["at"])


@dataclass
class Story:
    """One major decision taken from filing through its meeting to publication, and what readers saw on the way."""
    app: object
    api: Api
    matter: int
    meeting: int
    offered: dict[str, list[str]]  # after each step of the matter: the topics the office could put on an agenda
    waiting: list[str]  # the matter's open steps once argued, while the committee had not voted
    at_the_meeting: tuple[str, dict]  # a member giving an opinion on the item, and the item's file they read
    before: dict[str, object]  # what each reader got after the vote, before publication
    short_period: dict  # the office publishing with a 3-working-day period


def run_story(app, url: str) -> Story:
    api = Api(app.test_client())
    meeting, proposal = start_meeting(api)  # before the matter exists, so its agenda form is asked at every step
    matter = api.start(TITLE)
    after_step = {}
    while current := api.instance(matter)["current_tasks"]:
        drive(api, matter, MATTER, count=1)
        after_step[current[0]["name"]] = list(offered(api, proposal))
    waiting = [t["name"] for t in api.instance(matter)["current_tasks"]]

    topic = offered(api, proposal)[OFFERED]
    steps = {**MEETING, **agenda(meeting_day(url, runtime_of(api).clock()), [int(topic)])}
    drive(api, meeting, steps, stop_at="member_opinion")
    opinion = api.instance(meeting)["current_tasks"][0]
    holder = opinion["assignee"] or opinion["candidates"][0]
    (item,) = api.get(f"/tasks/{opinion['id']}", holder).get_json()["file"]["agenda"]
    drive(api, meeting, steps)
    assert api.post(f"/instances/{matter}/comments", "zhoucw", {"body": REMARK}).status_code == 201
    # 钱委员 is a plenary member outside the standing committee who never acts on the matter.
    assert api.post(f"/instances/{matter}/copies", "bangong", {"to": ["qianwy"], "note": "请阅"}).status_code == 201

    public = app.test_client()
    minutes = signed_in(app, "jiwei").get(f"/minutes/{meeting}.docx")
    before = {
        "public page": public.get(f"/public/decisions/{matter}"),
        "public list": public.get("/public/decisions").get_data(as_text=True),
        "minutes to the auditor": (minutes.status_code, minutes.get_data().decode(errors="replace")),
        "meeting to the auditor": api.get(f"/instances/{meeting}", "jiwei").get_json(),
        "meeting to a member": api.get(f"/instances/{meeting}", "wangcw").get_json(),
        "comments to the copied member": api.get(f"/instances/{matter}/comments", "qianwy").status_code,
        "comments to the member in charge": api.get(f"/instances/{matter}/comments", "zhoucw").get_json(),
        "delegate": api.get(f"/instances/{matter}", "daibiao").status_code,
        **{user: api.get(f"/instances/{matter}", user).get_json()
           for user in ("jiwei", "jiandu", "qianwy", "bangong", "zhoucw")},
    }
    publish = api.instance(matter)["current_tasks"][0]["id"]
    short = api.complete(publish, "bangong", {**MATTER["publish"], "publication_days": 3})
    drive(api, matter, MATTER)
    return Story(app, api, matter, meeting, after_step, waiting, (holder, item), before,
                 {"status": short.status_code, **short.get_json()})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def story(request, tmp_path_factory, postgres_reason):
    """The story on a fresh database of each kind; a meeting is slow, so the R0, R15 and R16 tests share it."""
    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('named-rules') / 'test.sqlite'}"
    else:
        url, drop = postgres_schema_url(postgres_reason)
    prepare(url).dispose()
    app = make_app(url)
    try:
        yield run_story(app, url)
    finally:
        app.extensions["powerflow"].db.dispose()
        if drop is not None:
            drop()


def test_R0_a_major_decision_passes_every_stage_in_order_and_is_public_only_after_publication(story):
    """确定议题 → 调查研究 → 征求意见 → 科学论证 → 逐项表决 → 公示通报: each stage waits for the one before."""
    api, matter = story.api, story.matter
    # The topic reaches the committee's queue only once research, consultation and argument are done.
    assert story.offered == {"登记议题": [], "分管常委审核议题": [], "调查研究": [], "征求意见": [],
                             "科学论证": [OFFERED]}
    assert story.waiting == []  # nothing to publish while the committee has not voted
    assert story.before["public page"].status_code == 404

    history = api.instance(matter, "bangong")["history"]
    done = [e for e in history if e["action"] == "complete"]
    assert [(e["element_name"], e["actor"]) for e in done] == [
        ("登记议题", "bangong"), ("分管常委审核议题", "zhoucw"), ("调查研究", "zhoucw"), ("征求意见", "zhoucw"),
        ("科学论证", "zhoucw"), ("公示通报", "bangong")]
    argued, published = at(done[-2]), at(done[-1])
    votes = [at(e) for e in api.instance(story.meeting, "jiwei")["history"]
             if e["element_name"] == "无记名表决" and e["action"] == "complete"]
    assert len(votes) == 8 and argued < min(votes) and max(votes) < published
    (decision,) = [e for e in history if e["element_name"] == "登记常委会决定"]
    assert decision["details"]["set"]["decision_text"] == "通过（同意 8，不同意 0，弃权 0，应到 9）"
    assert max(votes) <= at(decision) < published
    assert api.instance(matter)["status"] == "completed"
    assert TITLE in story.app.test_client().get(f"/public/decisions/{matter}").get_data(as_text=True)


def test_R3_the_member_in_charge_prepares_the_materials_and_consults_individually_before_the_meeting(story):
    """Only the member in charge prepares the materials, individual consultation included; the meeting reads them."""
    holder, item = story.at_the_meeting
    file = answers(item)
    assert holder != "zhoucw" and not item["withheld"]
    assert file["调查研究"] == ("zhoucw", {"调研报告": RESEARCH})
    assert file["征求意见"] == ("zhoucw", {"征求意见对象": "居民代表", "意见汇总": "普遍支持，建议分期。",
                                          "已在会前与常委个别酝酿": True})
    assert file["科学论证"][0] == "zhoucw"

    # What the steps refuse, on a second matter of the same field.
    api = story.api
    matter = api.start("关于城区背街小巷整治的决策")
    drive(api, matter, MATTER, stop_at="research")
    research = api.instance(matter)["current_tasks"][0]
    assert (research["name"], research["assignee"]) == ("调查研究", "zhoucw")  # 城乡建设's member in charge
    for other in ("bangong", "wangcw"):  # the office that filed it, another member of the committee
        refused = api.complete(research["id"], other, MATTER["research"])
        assert refused.status_code == 403 and refused.get_json()["error"] == "这不是您的任务"
        assert research["id"] not in [t["id"] for t in api.get("/tasks", other).get_json()]
    empty = api.complete(research["id"], "zhoucw", {})
    assert empty.status_code == 422 and empty.get_json()["errors"] == {"research_report": "此项必填"}
    drive(api, matter, MATTER, count=1)
    consult = api.instance(matter)["current_tasks"][0]
    assert (consult["name"], consult["assignee"]) == ("征求意见", "zhoucw")
    unconsulted = {k: v for k, v in MATTER["consult"].items() if k != "individual_consultation"}
    missing = api.complete(consult["id"], "zhoucw", unconsulted)
    assert missing.status_code == 422 and missing.get_json()["errors"] == {"individual_consultation": "此项必填"}
    declined = api.complete(consult["id"], "zhoucw", {**unconsulted, "individual_consultation": False})
    assert declined.status_code == 422 and declined.get_json()["errors"] == {"individual_consultation": "必须确认此项"}
    assert [t["name"] for t in api.instance(matter)["current_tasks"]] == ["征求意见"]  # not a step further


def test_R15_deliberation_material_reaches_only_the_committee_and_participants_until_published(story):
    """Before publication auditors, readers it was copied to and the public see no material; afterwards they do."""
    api, matter, before = story.api, story.matter, story.before
    for outsider in ("jiwei", "jiandu", "qianwy"):  # 纪委, 监督员, a plenary member it was copied to
        seen = before[outsider]
        assert seen["withheld"] is True and seen["history"], outsider
        assert all(e["details"] == WITHHELD for e in seen["history"]), outsider
        assert RESEARCH not in json.dumps(seen, ensure_ascii=False), outsider
        assert "同意 8" not in json.dumps(seen, ensure_ascii=False), outsider  # nor what was decided
    assert before["comments to the copied member"] == 404
    assert before["delegate"] == 404  # not even the title to someone it was never shown to
    assert before["public page"].status_code == 404 and TITLE not in before["public list"]
    assert before["meeting to the auditor"]["withheld"] is True
    status, page = before["minutes to the auditor"]
    assert status == 403 and re.search(r"R15：常委会纪要〔\d{4}〕第1号 的内容在所决定事项公开前只对决策机构成员和参与人员公开", page)
    # The office and the member in charge take part in it, and the committee deliberates it: they see it all along.
    assert before["meeting to a member"]["withheld"] is False
    for insider in ("bangong", "zhoucw"):
        seen = before[insider]
        assert seen["withheld"] is False, insider
        research = next(e for e in seen["history"] if e["element_name"] == "调查研究")
        assert research["details"]["data"]["research_report"] == RESEARCH, insider
    assert [c["body"] for c in before["comments to the member in charge"]] == [REMARK]

    for outsider in ("jiwei", "jiandu", "qianwy"):
        seen = api.get(f"/instances/{matter}", outsider).get_json()
        assert seen["withheld"] is False, outsider
        research = next(e for e in seen["history"] if e["element_name"] == "调查研究")
        assert research["details"]["data"]["research_report"] == RESEARCH, outsider
    copied = api.get(f"/instances/{matter}/comments", "qianwy")
    assert copied.status_code == 200 and [c["body"] for c in copied.get_json()] == [REMARK]
    assert api.get(f"/instances/{story.meeting}", "jiwei").get_json()["withheld"] is False
    minutes = signed_in(story.app, "jiwei").get(f"/minutes/{story.meeting}.docx")
    assert minutes.status_code == 200 and minutes.mimetype.endswith("wordprocessingml.document")


def test_R16_a_decision_is_published_with_a_period_in_which_the_public_can_object(story):
    """The office publishes the decision for at least 5 working days; the public reads it and can object meanwhile."""
    assert story.short_period["status"] == 422
    assert story.short_period["errors"] == {"publication_days": "不能小于 5"}

    public = story.app.test_client()
    listing = public.get("/public/decisions").get_data(as_text=True)
    day = r"<td[^>]*>(\d+)年(\d+)月(\d+)日</td>"
    row = re.search(rf"{TITLE}</a></td>\s*{day}{day}", listing)
    assert row, "the decision is not listed with its publication and objection dates"
    published, until = date(*map(int, row.groups()[:3])), date(*map(int, row.groups()[3:]))

    response = public.get(f"/public/decisions/{story.matter}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and TITLE in page
    assert MATTER["publish"]["publication_text"] in page and "渠道：门户网站" in page
    assert "同意 8 票，不同意 0 票，弃权 0 票" in page and "应到 9 人，实到 8 人" in page
    assert f"公示期 5 个工作日，至 {until.year}年{until.month:02d}月{until.day:02d}日。" in page  # not （已结束）
    with story.app.extensions["powerflow"].db.reader() as session:
        calendar = load_calendar(session)
        assert calendar.working_days_between(published, until) == 5 and calendar.is_workday(until)
    assert "对公示提出异议" in page and 'href="/public/mailbox"' in page  # the objection form, and the mailbox

    # During the period anyone may object through the mailbox; the office finds the letter to register.
    objection = f"对《{TITLE}》的公示有异议：第3小区未征求居民意见。"
    token = csrf_token(public.get("/public/mailbox").get_data(as_text=True))
    written = public.post("/public/mailbox", data={"writer": "王某", "contact": "138****0000", "content": objection,
                                                   "csrf_token": token}, follow_redirects=True)
    assert written.status_code == 200 and written.request.path.endswith("/written")
    number = re.search(r'id="tracking-number">(\w+)<', written.get_data(as_text=True)).group(1)
    assert "正在办理：登记来信" in public.get(f"/public/letters/{number}").get_data(as_text=True)
    (letter,) = [t for t in story.api.get("/tasks", "bangong").get_json() if t["name"] == "登记来信"]
    received = story.api.get(f"/instances/{letter['instance_id']}", "bangong").get_json()["history"][0]
    assert received["details"]["data"]["content"] == objection
