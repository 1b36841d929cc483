"""R21 duty reports (述职述廉): the office names a standing-committee member and a year, the member reports in
writing, the plenary hears the report and assesses the member by secret ballot among four grades (R8, R9), and
the result is recorded, made known to the member and published (R16). One matter per member and year."""
from __future__ import annotations

import io
import threading
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from docx import Document

from engine.committee import rules
from engine.errors import FormInvalid
from engine.committee.workdays import LOCAL_TZ
from engine.models import AuditEvent, Decision, HumanTask, Publication, Topic
from engine.oversight.annual_report import AnnualReports
from engine.status import AuditAction
from tests.conftest import PROCESSES, AuthActions
from tests.meeting_helpers import PLENARY, drive, hold_meeting

GRADES = ["优秀", "称职", "基本称职", "不称职"]
TITLE = "周常委2026年度述职述廉"
OPEN = {"reported_member": "zhoucw", "report_year": 2026, "report_requirements": "重点报告分管城乡建设工作和廉洁自律情况。"}
REPORT = {"duty_performance": "分管城乡建设工作，推进老旧小区改造 12 个，河道整治 3 条，均按期完成。",
          "integrity": "严格执行中央八项规定精神，按规定报告个人有关事项，未发现违规违纪问题。",
          "problems_and_measures": "调查研究不够深入；明年每季度到基层调研不少于 2 次。"}
RECORD = {"result_summary": "全委会无记名民主测评，周常委测评等次为优秀。", "follow_up": "继续加强基层调研。"}
ACKNOWLEDGE = {"acknowledged": True, "member_response": "虚心接受，认真整改。"}
PUBLISH = {"publication_text": "周常委2026年度述职述廉民主测评结果：优秀 8 票，称职 3 票，基本称职 0 票，不称职 0 票，弃权 1 票。",
           "publication_days": 5, "channel": "党内通报"}
AFTER = {"record_result": RECORD, "acknowledge": ACKNOWLEDGE, "publish": PUBLISH}


def _started(api, title: str = TITLE) -> tuple[int, dict]:
    """A duty report the office starts: (matter, its 确定述职常委和年度 task)."""
    response = api.post("/processes/duty_report/instances", "bangong", {"title": title, "data": {}})
    assert response.status_code == 201, response.get_json()
    matter = response.get_json()["id"]
    return matter, api.instance(matter, "bangong")["current_tasks"][0]


def _written(api, title: str = TITLE) -> tuple[int, int]:
    """The office names 周常委 for 2026 and the member writes the report: (matter, its plenary topic)."""
    matter, _ = _started(api, title)
    steps = drive(api, matter, {"open_report": OPEN, "write_report": REPORT})
    assert steps == [("open_report", "bangong"), ("write_report", "zhoucw")]
    topic = next(e for e in api.instance(matter)["history"] if e["element_id"] == "submit")["details"]["set"]["topic_id"]
    return matter, topic


def _plenary(api, database_url, topic: int, votes: dict[str, str]) -> tuple[int, list]:
    return hold_meeting(api, database_url, [topic], {"attendance": {"present": PLENARY},
                                                      "item_vote": lambda member: {"ballot": votes[member]}},
                        process="plenary_meeting", title="全委会第4次全体会议")


def test_R21_a_duty_report_is_assessed_by_the_plenary_recorded_told_to_the_member_and_published(app, api, database_url):
    """周常委 reports; the 12 plenary members grade him by secret ballot; the office records the grade the
    majority gave, 周常委 is told and acknowledges, and the result is published with the votes per grade."""
    assert api.post("/processes/duty_report/instances", "zhoucw", {"title": TITLE, "data": {}}).status_code == 403
    matter, topic = _written(api)
    db = app.extensions["powerflow"].db
    with db.reader() as session:
        row = session.get(Topic, topic)
        assert (row.body, row.kind, row.member_in_charge.username, row.choices) == ("全委会", "duty_report", "zhoucw",
                                                                                     GRADES)
    waiting = api.instance(matter)
    assert waiting["current_tasks"] == [] and waiting["waiting_for"][0]["topic_kind"] == "述职述廉"

    votes = {member: "优秀" for member in PLENARY}
    votes.update(qianwy="称职", kongwy="称职", caowy="称职", wangcw="abstain")
    meeting, steps = _plenary(api, database_url, topic, votes)
    assert sorted(h for e, h in steps if e == "item_vote") == sorted(PLENARY)  # every plenary member voted
    with db.reader() as session:
        decision = session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting)).one()
        assert decision.choice_tally == {"优秀": 8, "称职": 3, "基本称职": 0, "不称职": 0}
        assert (decision.abstain, decision.should_attend, decision.chosen) == (1, 12, "优秀")
        # R8: that each member voted is on record, what they chose is not
        voted = session.scalars(sa.select(AuditEvent).where(AuditEvent.instance_id == meeting,
                                                             AuditEvent.element_id == "item_vote",
                                                             AuditEvent.action == AuditAction.COMPLETE)).all()
        assert len(voted) == 12 and all(e.details["data"] == {} and e.details["ballot"] == "已投票（内容保密）"
                                        for e in voted)

    record = api.instance(matter)
    assert [(t["element_id"], t["candidates"]) for t in record["current_tasks"]] == [("record_result", ["bangong", "bangong2"])]
    read = next(e for e in record["history"] if e["element_id"] == "read_result")["details"]["set"]
    assert read["assessment_grade"] == "优秀"
    assert read["assessment_tally"] == "优秀 8 票，称职 3 票，基本称职 0 票，不称职 0 票，弃权 1 票（应到 12 人）"

    assert drive(api, matter, AFTER, stop_at="publish") == [("record_result", "bangong"), ("acknowledge", "zhoucw")]
    with db.reader() as session:  # the member was told of the result as a task of their own
        told = session.execute(sa.text(
            "select n.title from notifications n join users u on u.id = n.user_id "
            "where n.instance_id = :i and n.kind = 'task' and u.username = 'zhoucw'"), {"i": matter}).scalars().all()
    assert len(told) == 2  # to write the report, then to take note of the result
    acknowledged = next(e for e in api.instance(matter)["history"] if e["element_id"] == "acknowledge")
    assert acknowledged["details"]["data"]["acknowledged"] is True

    publish = api.instance(matter)["current_tasks"][0]
    shown = dict(api.get(f"/tasks/{publish['id']}", "bangong").get_json()["context"])
    assert shown["测评等次"] == "优秀" and shown["测评票数"].startswith("优秀 8 票，称职 3 票")
    assert drive(api, matter, AFTER) == [("publish", "bangong")]
    finished = api.instance(matter)
    assert finished["status"] == "completed" and any(e["element_id"] == "end" for e in finished["history"])
    with db.reader() as session:
        publication = session.scalars(sa.select(Publication).where(Publication.instance_id == matter)).one()
        assert publication.text == PUBLISH["publication_text"] and publication.decision_id == decision.id
    page = app.test_client().get(f"/public/decisions/{matter}").get_data(as_text=True)
    assert "优秀 8 票" in page and "称职 3 票" in page and "不称职 0 票" in page
    assert "评定为优秀" in page and "当选" not in page  # a grade is given; nobody is elected
    client = app.test_client()
    AuthActions(client).login("bangong")
    assert "评定为优秀" in client.get(f"/matters/{matter}").get_data(as_text=True)
    minutes = Document(io.BytesIO(client.get(f"/minutes/{meeting}.docx").data))
    filed = "\n".join([p.text for p in minutes.paragraphs]
                      + [c.text for t in minutes.tables for row in t.rows for c in row.cells])
    assert "民主测评" in filed and "评定为优秀" in filed and "当选" not in filed
    # The year's report to the plenary lists the assessment, grade and votes (总结完善)
    with db.reader() as session:
        decided_at = session.get(Decision, decision.id).decided_at
    year = decided_at.astimezone(LOCAL_TZ).year
    report = AnnualReports(db, PROCESSES).build("全委会", year, decided_at)
    assert [(d["member"], d["grade"], d["tally"]["优秀"]) for d in report.duty_reports] == [("周常委", "优秀", 8)]
    AuthActions(client).login("bangong")
    filed = client.get(f"/reports/annual?body=全委会&year={year}").get_data(as_text=True)
    assert "周常委" in filed and "评定为优秀（优秀 8 票，称职 3 票，基本称职 0 票，不称职 0 票，弃权 1 票）" in filed


def test_R21_without_a_grade_backed_by_more_than_half_the_result_is_recorded_as_not_graded(app, api, database_url):
    """R9: a grade stands only with the votes of more than half of the 12 members; a split vote leaves none."""
    matter, topic = _written(api)
    votes = {member: ("优秀" if i < 6 else "称职") for i, member in enumerate(PLENARY)}  # 6 : 6
    _plenary(api, database_url, topic, votes)
    read = next(e for e in api.instance(matter)["history"] if e["element_id"] == "read_result")["details"]["set"]
    assert read["assessment_grade"] == "未评定（无等次获应到半数以上票）"
    assert read["assessment_tally"].startswith("优秀 6 票，称职 6 票，基本称职 0 票，不称职 0 票，弃权 0 票")
    assert drive(api, matter, AFTER) == [("record_result", "bangong"), ("acknowledge", "zhoucw"), ("publish", "bangong")]
    assert api.instance(matter)["status"] == "completed"


def test_R21_a_member_reports_once_a_year(app, api):
    """A second duty report of the same member for the same year is refused with the rule named; another year, or
    the same matter's step done again after a return, is not."""
    first, opening = _started(api)
    assert api.complete(opening["id"], "bangong", OPEN).status_code == 200
    second, opening = _started(api, "周常委2026年度述职述廉（重复）")
    refused = api.complete(opening["id"], "bangong", OPEN)
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {
        "report_year": f"R21：周常委 2026 年度的述职述廉已在编号 {first} 的事项中进行，每名常委每年述职一次"}
    assert api.complete(opening["id"], "bangong", {**OPEN, "report_year": 2025}).status_code == 200

    writing = api.instance(first, "bangong")["current_tasks"][0]
    assert writing["element_id"] == "write_report"
    returned = api.post(f"/tasks/{writing['id']}/return", "zhoucw", {"reason": "请写明述职要求的提交时间。"})
    assert returned.status_code == 200, returned.get_json()
    opening = api.instance(first, "bangong")["current_tasks"][0]
    assert opening["element_id"] == "open_report"  # its own earlier answer is no second report
    assert api.complete(opening["id"], "bangong", {**OPEN, "report_requirements": "12 月 20 日前提交。"}).status_code == 200
    assert api.instance(first, "bangong")["current_tasks"][0]["element_id"] == "write_report"


def test_R21_only_an_active_standing_committee_member_reports(app, api):
    """The form offers only the 常委; a plenary member who is not one is refused, and the rule says why."""
    _, opening = _started(api)
    offered = api.get(f"/tasks/{opening['id']}", "bangong").get_json()["form"]["properties"]["reported_member"]
    assert "zhoucw" in offered["enum"] and "qianwy" not in offered["enum"]
    refused = api.complete(opening["id"], "bangong", {**OPEN, "reported_member": "qianwy"})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"reported_member"}
    db = app.extensions["powerflow"].db
    now = datetime.now(timezone.utc)
    with db.reader() as session, pytest.raises(FormInvalid) as rule:
        rules.enforce("R21_duty_report", rules.CheckContext(session, {**OPEN, "reported_member": "qianwy"}, now))
    assert rule.value.errors == {"reported_member": "R21：述职述廉由在任常委进行，钱委员 不是在任常委"}


def test_R21_two_offices_opening_the_same_report_at_once_get_one_matter(app, api):
    """Two clerks name the same member and year in two matters at the same instant: one is accepted, the other
    refused (R21 named, or 409 where the database refused the later write), never both."""
    db = app.extensions["powerflow"].db
    for round_ in range(3):
        year = 2030 + round_
        openings = [_started(api, f"周常委{year}年度述职述廉（{n}）")[1] for n in range(2)]
        with db.transaction() as session:  # open to the whole office, so two clerks race
            for opening in openings:
                session.get(HumanTask, opening["id"]).assignee_id = None
        barrier, codes = threading.Barrier(2), {}

        def complete(clerk: str, task_id: int) -> None:
            client = app.test_client()
            headers = {"Authorization": f"Bearer {api.token(clerk)}"}
            barrier.wait()
            codes[clerk] = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers,
                                       json={"data": {**OPEN, "report_year": year}}).status_code

        racers = [threading.Thread(target=complete, args=(clerk, opening["id"]))
                  for clerk, opening in zip(("bangong", "bangong2"), openings)]
        [t.start() for t in racers]
        [t.join() for t in racers]
        # PostgreSQL: the second waited for the first and read it, so R21 refuses it by name (422). SQLite: the
        # second read before the first wrote, and the database refuses its write (409) unless it came later.
        refused = (422,) if db.dialect == "postgresql" else (409, 422)
        assert sorted(codes.values())[0] == 200 and sorted(codes.values())[1] in refused, codes
        with db.reader() as session:
            writing = session.scalars(sa.select(HumanTask.instance_id).where(
                HumanTask.element_id == "write_report", HumanTask.state == "ready",
                HumanTask.instance_id.in_([o["instance_id"] for o in openings]))).all()
        assert len(writing) == 1  # one matter went on to the member's report
