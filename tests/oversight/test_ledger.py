"""R21 accountability ledger: per official and per body, the decisions they were in charge of, steps done late and by
how much, R14/R18 reports late or not made, urgings received, the ratings of letters handled, inquiries answered late or
awaited with the asker's rating, and accountability cases with their outcome — against data whose times are known; who
reads which entry; the export read back with openpyxl; the page."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from engine.clock import utcnow
from engine.errors import Forbidden, FormInvalid
from engine.models import HumanTask
from engine.oversight.ledger import (BODY, OFFICIAL, Ledger, LedgerQuery, Records, average_rating, by_body,
                                     by_official, checked_year, hours, split_delay)
from engine.oversight.ledger_accountability import CaseAgainst, InquiryAnswer, seat
from engine.oversight.ledger_records import HandledLetter, LateStep, body_of_role, roles_of_body
from engine.public import letters
from engine.public.portal import Portal
from engine.runtime.service import Runtime
from tests.conftest import AuthActions
from tests.meeting_helpers import decided_matter, drive
from tests.public.test_public_feedback import STEPS as LETTER
from tests.webui.test_english_mode import chinese_left, user_data, visible

DECIDED = "关于城区老旧小区改造的决策"
LATE_CONSENT = timedelta(hours=26)  # 王常委 consents 1 day 2 hours after the due time
LATE_R14 = timedelta(hours=3)  # 周常委 reports the emergency action 3 hours late
MISSING_R18 = timedelta(hours=50)  # the ledger is read 50 hours after 周常委's progress report fell due
URGED_AFTER = timedelta(hours=1)
INQUIRY = "关于河道整治进度的询问"
LATE_ANSWER = timedelta(hours=5)  # 周常委 answers 钱委员's inquiry 5 hours late; 钱委员 is not satisfied
AWAITED = "关于营商环境投诉处理的询问"  # put to 王常委, still unanswered
CASE = "周常委紧急处置报告逾期问责"  # 纪委's case naming 周常委, decided 诫勉


@dataclass
class Known:
    """What the set-up recorded, and when the ledger is read."""

    decision_matter: int
    consent_matter: int
    emergency: int
    supervision: int
    letter: int
    inquiry: int
    awaited: int
    case: int
    answer_due: datetime
    awaited_due: datetime
    case_opened: datetime
    report_due: datetime
    urged_at: datetime
    now: datetime


def _task(db, instance_id: int, element_id: str) -> HumanTask:
    with db.reader() as session:
        return session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                          HumanTask.element_id == element_id)).one()


def _complete_late(db, instance_id: int, element_id: str, data: dict, holder: str, late: timedelta) -> None:
    task = _task(db, instance_id, element_id)
    Runtime(db, clock=lambda: task.due_at + late).complete(task.id, data, holder)


@pytest.fixture
def known(app, api, database_url) -> Known:
    return record_known(app, api, database_url)


def record_known(app, api, database_url) -> Known:
    """A decision 周常委 was in charge of; 王常委's consent 26 h late; 周常委's R14 report 3 h late and R18 progress report
    not made, urged by 纪委; a letter 职能部门 (bumen) handled, rated 4 by its writer; 钱委员's inquiry answered by 周常委
    5 h late and rated 不满意, another put to 王常委 still unanswered; 纪委's case on the late R14 report naming 周常委,
    decided 诫勉, with 周常委's written statement."""
    db, services = app.extensions["powerflow"].db, app.extensions["powerflow"]
    decided, _topic, decision = decided_matter(app, api, database_url, DECIDED)
    start = utcnow()
    at_start = Runtime(db, clock=lambda: start)
    consent = at_start.start("major_decision", "关于优化营商环境的决策", {}, "bangong").instance_id
    at_start.complete(_task(db, consent, "file_topic").id, {
        "summary": "拟出台优化营商环境若干措施。", "field": "经济发展", "source": "职能部门提出", "topic_kind": "一般事项",
        "basis": "营商环境条例"}, "bangong")
    _complete_late(db, consent, "consent_topic", {"consent": True, "consent_opinion": "同意提交。"}, "wangcw", LATE_CONSENT)
    emergency = at_start.start("emergency_report", "关于河堤险情先行处置的报告", {}, "zhoucw").instance_id
    at_start.complete(_task(db, emergency, "record_action").id, {
        "action_taken": "暴雨致河堤出现险情，已组织抢险。", "acted_on": "2026-11-20", "emergency": "河堤险情"}, "zhoucw")
    _complete_late(db, emergency, "report", {"report_text": "现将河堤险情的先行处置情况报告如下。"}, "zhoucw", LATE_R14)
    supervision = at_start.start("execution_supervision", "老旧小区改造决定的执行", {}, "bangong").instance_id
    at_start.complete(_task(db, supervision, "open_case").id, {
        "field": "城乡建设", "requirement": "年底前完成12个小区改造。", "report_days": 5, "decision": str(decision)}, "bangong")
    report = _task(db, supervision, "report_progress")
    Runtime(db, clock=lambda: start + URGED_AFTER).urge(report.id, "jiwei")
    number = letters.write(services.runtime, "王某", "138****0000", "小区门口路灯损坏已一月未修，请尽快处理。")
    with db.reader() as session:
        letter = session.scalar(sa.text("select instance_id from letters where tracking_number = :n"), {"n": number})
    drive(api, letter, LETTER)
    Portal(db, services.charts).rate(number, 4, "修得很快。")
    inquiry, awaited = _inquiry(at_start, db, INQUIRY, "zhoucw"), _inquiry(at_start, db, AWAITED, "wangcw")
    _complete_late(db, inquiry, "answer", {"answer_text": "河道整治已完成八成，汛期前全部完工。"}, "zhoucw", LATE_ANSWER)
    answer = _task(db, inquiry, "answer")
    Runtime(db, clock=lambda: answer.completed_at + URGED_AFTER).complete(
        _task(db, inquiry, "rate").id, {"answer_rating": "不满意", "rating_note": "未说明延误的原因。"}, "qianwy")
    case = at_start.start("accountability_case", CASE, {}, "jiwei").instance_id
    for step, data, holder in (
            ("open_case", {"source": "问责台账", "subject_kind": "事项和当事人", "related_matter": str(emergency),
                           "official": "zhoucw", "allegation": "紧急处置报告逾期 3 小时才报送常委会。"}, "jiwei"),
            ("investigate", {"findings": "报告于期限后 3 小时报送，有记录为证。"}, "jiwei"),
            ("decide", {"case_outcome": "诫勉", "decision_text": "经查报告逾期属实，对周常委予以诫勉。"}, "jiwei"),
            ("statement", {"statement": "接受诫勉，今后按期报告。", "corrective_measures": "设专人提醒报告期限。"}, "zhoucw")):
        at_start.complete(_task(db, case, step).id, data, holder)
    return Known(decided, consent, emergency, supervision, letter, inquiry, awaited, case, answer.due_at,
                 _task(db, awaited, "answer").due_at, start, report.due_at, start + URGED_AFTER,
                 report.due_at + MISSING_R18)


def _inquiry(runtime: Runtime, db, title: str, member: str) -> int:
    """钱委员 (qianwy) puts a written 询问 to ``member``."""
    matter = runtime.start("inquiry", title, {}, "qianwy").instance_id
    runtime.complete(_task(db, matter, "write_inquiry").id, {
        "inquiry_kind": "询问", "addressee": member, "question": "请说明有关工作的进展情况和下一步安排。"}, "qianwy")
    return matter


def _entry(entries, key):
    return next(e for e in entries if e.key == key)


def test_R21_the_ledger_shows_who_decided_and_who_was_late(app, known):
    """Each figure is what the set-up recorded: the decision under its member in charge and its body, each delay to
    the minute, the late and the missing report, the urging, the letter's rating, the inquiry answered late (a late
    step too) and its rating, the one awaited, the case and its outcome; nothing else is late."""
    view = Ledger(app.extensions["powerflow"].db).overview("jiwei", None, known.now)
    assert view.everyone
    zhou, wang, bumen = (_entry(view.officials, k) for k in ("zhoucw", "wangcw", "bumen"))
    assert [(d.matter, d.matter_id, d.body, d.outcome, d.official_name) for d in zhou.records.decisions] == \
        [(DECIDED, known.decision_matter, "常委会", "passed", "周常委")]
    assert [(s.matter_id, s.step, s.late_by) for s in wang.records.late_steps] == \
        [(known.consent_matter, "分管常委审核议题", LATE_CONSENT)]
    assert [(s.matter_id, s.step, s.late_by) for s in zhou.records.late_steps] == \
        [(known.emergency, "向常委会报告", LATE_R14), (known.inquiry, "书面答复", LATE_ANSWER)]
    assert [(r.rule, r.matter_id, r.missing, r.late_by) for r in zhou.records.reports] == \
        [("R14", known.emergency, False, LATE_R14), ("R18", known.supervision, True, MISSING_R18)]
    assert [(u.matter_id, u.step, u.urged_at, u.urged_by) for u in zhou.records.urgings] == \
        [(known.supervision, "报告执行进展", known.urged_at, "冯书记（纪委）")]
    assert [(c.matter_id, c.step, c.rating, c.body) for c in bumen.records.letters] == \
        [(known.letter, "办理", 4, "职能部门")]
    assert [(i.matter_id, i.matter, i.step, i.kind, i.asked_by, i.due_at, i.late_by, i.rating, i.body)
            for i in zhou.records.inquiries] == \
        [(known.inquiry, INQUIRY, "书面答复", "询问", "钱委员", known.answer_due, LATE_ANSWER, "不满意", "常委会")]
    assert zhou.records.inquiries[0].answered_at == known.answer_due + LATE_ANSWER
    # Not yet due when the ledger is read: awaited, not late, unrated.
    assert [(i.matter_id, i.official, i.due_at, i.answered_at, i.late_by, i.rating)
            for i in wang.records.inquiries] == \
        [(known.awaited, "wangcw", known.awaited_due, None, None, None)]
    assert [(c.matter_id, c.matter, c.about_id, c.about, c.opened_at, c.outcome, c.body, c.official_name)
            for c in zhou.records.cases] == \
        [(known.case, CASE, known.emergency, "关于河堤险情先行处置的报告", known.case_opened, "诫勉", "常委会", "周常委")]
    figures = [(e.decisions, e.late_steps, e.total_late, e.late_reports, e.missing_reports, e.urgings, e.letters,
                e.average_rating, e.inquiries, e.inquiries_late, e.inquiries_unsatisfied, e.cases, e.cases_sanctioned)
               for e in (zhou, wang, bumen)]
    assert figures == [(1, 2, LATE_R14 + LATE_ANSWER, 1, 1, 1, 0, None, 1, 1, 1, 1, 1),
                       (0, 1, LATE_CONSENT, 0, 0, 0, 0, None, 1, 0, 0, 0, 0),
                       (0, 0, timedelta(), 0, 0, 0, 1, 4.0, 0, 0, 0, 0, 0)]
    assert sorted(s.late_by for s in view.records.late_steps) == [LATE_R14, LATE_ANSWER, LATE_CONSENT]  # nothing else
    committee, department = _entry(view.bodies, "常委会"), _entry(view.bodies, "职能部门")
    assert (committee.decisions, committee.late_steps, committee.total_late, committee.late_reports,
            committee.missing_reports, committee.urgings, committee.inquiries, committee.inquiries_late,
            committee.cases, committee.cases_sanctioned) == \
        (1, 3, LATE_CONSENT + LATE_R14 + LATE_ANSWER, 1, 1, 1, 2, 1, 1, 1)
    assert (department.letters, department.average_rating) == (1, 4.0)
    assert [e.key for e in view.bodies][:2] == ["常委会", "全委会"]
    # Before the progress report fell due, it is neither late nor missing.
    early = Ledger(app.extensions["powerflow"].db).official("jiwei", "zhoucw", None, known.report_due)
    assert [r.rule for r in early.records.reports] == ["R14"]
    # Past its due time, the inquiry still unanswered is late by as long as the ledger is read after it.
    overdue = Ledger(app.extensions["powerflow"].db).official("jiwei", "wangcw", None, known.awaited_due + MISSING_R18)
    [awaited] = overdue.records.inquiries
    assert (awaited.late_by, awaited.unanswered, overdue.officials[0].inquiries_late,
            overdue.officials[0].inquiries_unanswered) == (MISSING_R18, True, 1, 1)
    # A year with nothing recorded has empty entries.
    assert Ledger(app.extensions["powerflow"].db).official("jiwei", "zhoucw", 2000, known.now).records == Records()


def test_R21_the_discipline_commission_reads_every_entry_and_others_only_their_own(app, known):
    """纪委 and 监督员 read anyone's entry and every body's; a member reads their own, and is refused anyone else's."""
    ledger = Ledger(app.extensions["powerflow"].db)
    own = ledger.overview("zhoucw", None, known.now)
    assert not own.everyone and [e.key for e in own.officials] == ["zhoucw"] and own.bodies == []
    assert own.records.late_steps and all(r.official == "zhoucw" for r in own.records.late_steps + own.records.urgings)
    assert ledger.official("zhoucw", "zhoucw", None, known.now).officials[0].late_reports == 1
    assert [c.matter_id for c in own.records.cases] == [known.case]  # a case naming them: they state in writing
    assert [i.matter_id for i in own.records.inquiries] == [known.inquiry]
    for refused in (lambda: ledger.official("zhoucw", "wangcw", None, known.now),
                    lambda: ledger.body("zhoucw", "常委会", None, known.now),
                    lambda: ledger.official("bumen", "zhoucw", None, known.now)):
        with pytest.raises(Forbidden):
            refused()
    supervised = ledger.official("jiandu", "wangcw", None, known.now)
    assert supervised.everyone and supervised.officials[0].late_steps == 1
    body = ledger.body("jiwei", "职能部门", None, known.now)
    assert [e.key for e in body.bodies] == ["职能部门"] and body.bodies[0].letters == 1 and not body.records.late_steps
    assert not body.records.inquiries and not body.records.cases
    committee = ledger.body("jiwei", "常委会", None, known.now).bodies[0]
    assert (committee.inquiries, committee.cases, [c.official for c in committee.records.cases]) == (2, 1, ["zhoucw"])
    commission = ledger.body("jiwei", "纪委", None, known.now).records
    assert commission.cases == [] and commission.inquiries == []  # 纪委 handled the case; it names 周常委
    with pytest.raises(FormInvalid):
        ledger.official("jiwei", "nobody", None, known.now)
    with pytest.raises(FormInvalid):
        ledger.body("jiwei", "不存在的机构", None, known.now)


def test_R21_the_page_export_and_chart_for_each_reader(app, known):
    """The page shows each record in Beijing time with its delay; the XLSX opens with openpyxl and holds the same
    figures; a member's CSV is their own line; the public is sent to sign in; a bad filter is a 400 that says why."""
    client = app.test_client()
    assert client.get("/ledger/").status_code == 302 and "/login" in client.get("/ledger/").headers["Location"]
    assert client.get("/ledger/export.xlsx").status_code == 302
    auth = AuthActions(client)
    auth.login("jiwei")
    overview = client.get("/ledger/").get_data(as_text=True)
    assert "<svg" in overview and "王常委" in overview and "职能部门" in overview and "年度" in overview
    page = client.get("/ledger/?official=wangcw").get_data(as_text=True)
    consent = _task(app.extensions["powerflow"].db, known.consent_matter, "consent_topic")
    due = consent.due_at.astimezone(timezone(timedelta(hours=8)))
    assert "1 天 2 小时" in page and "分管常委审核议题" in page and due.strftime("%Y年%m月%d日 %H:%M") in page
    assert "4 / 5 分" in client.get("/ledger/?body=职能部门").get_data(as_text=True)
    zhou = client.get("/ledger/?official=zhoucw").get_data(as_text=True)
    inquiries, cases = (zhou.split(f'id="{name}"', 1)[1].split("</section>", 1)[0] for name in ("inquiries", "cases"))
    answer_due = known.answer_due.astimezone(timezone(timedelta(hours=8))).strftime("%Y年%m月%d日 %H:%M")
    for shown in (INQUIRY, "询问", "钱委员", answer_due, "5 小时 0 分", "不满意", 'data-label="答复评价"',
                  f'href="/matters/{known.inquiry}"'):
        assert shown in inquiries, shown
    for shown in (CASE, "关于河堤险情先行处置的报告", "诫勉", 'data-label="处理结果"', f'href="/matters/{known.case}"',
                  f'href="/matters/{known.emergency}"'):
        assert shown in cases, shown
    assert "（被问责 1）" in zhou and 'data-label="问责案件"' in zhou
    assert "待答复" in client.get("/ledger/?official=wangcw").get_data(as_text=True)
    bad = client.get("/ledger/?year=二〇二六")
    assert bad.status_code == 400 and "年份须是 2000 到 2100 之间的整数" in bad.get_data(as_text=True)
    assert client.get("/ledger/export.csv?official=a&body=b").status_code == 400
    book = load_workbook(io.BytesIO(client.get("/ledger/export.xlsx").data))
    assert book.sheetnames == ["汇总", "决定", "逾期办理", "报告", "收到的催办", "来信", "询问和质询", "问责案件"]
    summary = {row[1]: row for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["王常委"][:6] == ("人员", "王常委", 0, 1, 26.0, 26.0)
    assert summary["周常委"][2:4] == (1, 2) and summary["常委会"][0] == "机构"
    assert summary["职能部门"][9:12] == (1, 1, 4)
    assert summary["周常委"][12:] == (1, 1, 1, 1, 1) and summary["王常委"][12:] == (1, 0, 0, 0, 0)
    assert summary["常委会"][12:] == (2, 1, 1, 1, 1)
    late = [row for row in book["逾期办理"].iter_rows(min_row=2, values_only=True)]
    assert sorted((row[0], row[3], row[6]) for row in late) == [("周常委", "书面答复", 5.0), ("周常委", "向常委会报告", 3.0),
                                                                 ("王常委", "分管常委审核议题", 26.0)]
    assert isinstance(late[0][4], datetime)  # typed: a time Excel can sort on, in Beijing time
    assert [(row[0], row[7], row[8]) for row in book["报告"].iter_rows(min_row=2, values_only=True)] == \
        [("R14", 3.0, "逾期报告")]  # the progress report is not due yet by the real clock
    assert [(row[0], row[5]) for row in book["收到的催办"].iter_rows(min_row=2, values_only=True)] == \
        [("周常委", "冯书记（纪委）")]
    assert [(row[0], row[1], row[3], row[5]) for row in book["来信"].iter_rows(min_row=2, values_only=True)] == \
        [("何局长（职能部门）", "职能部门", "办理", 4)]
    assert [row[:5] + row[6:] for row in book["决定"].iter_rows(min_row=2, values_only=True)] == \
        [("周常委", "常委会", DECIDED, "一般事项", "通过", "否")]
    asked = {row[2]: row for row in book["询问和质询"].iter_rows(min_row=2, values_only=True)}
    assert asked[INQUIRY][:6] + asked[INQUIRY][8:] == ("周常委", "常委会", INQUIRY, "书面答复", "询问", "钱委员", 5.0,
                                                       "逾期答复", "不满意")
    assert isinstance(asked[INQUIRY][6], datetime) and isinstance(asked[INQUIRY][7], datetime)
    assert asked[AWAITED][7:] == (None, None, "待答复", None)  # not due yet by the real clock
    assert [row[:4] + row[5:] for row in book["问责案件"].iter_rows(min_row=2, values_only=True)] == \
        [("周常委", "常委会", CASE, "关于河堤险情先行处置的报告", "诫勉")]
    auth.logout()
    auth.login("zhoucw")
    assert client.get("/ledger/?official=wangcw").status_code == 403
    lines = list(csv.reader(io.StringIO(client.get("/ledger/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [line[:4] for line in lines] == [["类别", "名称", "分管的决定", "逾期办理的步骤"], ["人员", "周常委", "1", "2"]]
    assert lines[0][12:] == ["询问和质询", "答复逾期", "答复不满意", "问责案件", "被问责"] and lines[1][12:] == ["1"] * 5
    mine = client.get("/ledger/").get_data(as_text=True)
    assert "周常委" in mine and "王常委" not in mine and "向常委会报告" in mine and "冯书记（纪委）" in mine
    assert CASE in mine and INQUIRY in mine
    client.get("/language/en")
    english = client.get("/ledger/").get_data(as_text=True)
    assert "Accountability ledger" in english and "3 h 0 min" in english
    for shown in ("Inquiries and interpellations received", ">Inquiry</td>", "Dissatisfied", "Admonition", "5 h 0 min",
                  "(1 held to account)"):
        assert shown in english, shown
    assert chinese_left(visible(english), user_data(app.extensions["powerflow"].db)) == []


def test_pure_figures():
    """Delays, ratings, years and grouping are plain functions of their input."""
    assert split_delay(timedelta(days=1, hours=2, minutes=5, seconds=59)) == (1, 2, 5)
    assert hours(timedelta(minutes=90)) == 1.5 and hours(timedelta(hours=26)) == 26.0
    t = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    rated = [HandledLetter(1, "信", "办理", "bumen", "部门", "职能部门", t, r, t if r else None) for r in (4, 5, None)]
    assert average_rating(rated) == 4.5 and average_rating(rated[2:]) is None
    assert [checked_year(y) for y in (None, "", "2026", 2030)] == [None, None, 2026, 2030]
    for bad in ("1999", "abc", "2026.0", "-1", "²", "9" * 40):
        with pytest.raises(FormInvalid):
            checked_year(bad)
    assert LedgerQuery.from_args({"year": " 2026 ", "official": "zhoucw"}) == LedgerQuery(2026, "zhoucw", None)
    with pytest.raises(FormInvalid) as both:
        LedgerQuery.from_args({"year": "x", "official": "a", "body": "b"})
    assert set(both.value.errors) == {"year", "body"}
    assert (body_of_role("常委"), body_of_role("书记"), body_of_role("全委委员"), body_of_role("办公室"),
            body_of_role(None)) == ("常委会", "常委会", "全委会", "办公室", None)
    assert roles_of_body("常委会") == sorted(["书记", "副书记", "常委", "常委会"]) and roles_of_body("办公室") == ["办公室"]
    late = LateStep(7, "事项", "步骤", "wangcw", "王常委", "常委会", t, t + timedelta(hours=5))
    records = Records(late_steps=[late], letters=rated[:1])
    officials = by_official(records, {"zhoucw": "周常委"})
    assert [(e.kind, e.key, e.late_steps, e.letters) for e in officials] == \
        [(OFFICIAL, "zhoucw", 0, 0), (OFFICIAL, "wangcw", 1, 0), (OFFICIAL, "bumen", 0, 1)]
    assert officials[1].total_late == officials[1].longest_late == timedelta(hours=5)
    bodies = by_body(records, ["常委会", "全委会"])
    assert [(e.kind, e.key, e.late_steps, e.letters) for e in bodies] == \
        [(BODY, "常委会", 1, 0), (BODY, "全委会", 0, 0), (BODY, "职能部门", 0, 1)]
    assert (seat(["全委委员", "常委"]), seat(["全委委员"]), seat(["组织部", "办公室"]), seat([])) == \
        ("常委会", "全委会", "办公室", None)
    asked = [InquiryAnswer(8, "询问", "书面答复", "zhoucw", "周常委", "常委会", "询问", "钱委员", t, answered, late, rating)
             for answered, late, rating in ((t, None, "满意"), (None, timedelta(hours=2), None),
                                            (t + timedelta(hours=1), timedelta(hours=1), "不满意"), (None, None, None))]
    cases = [CaseAgainst(9, "案件", "责任追究", "zhoucw", "周常委", "常委会", None, None, t, outcome)
             for outcome in ("不予问责", "诫勉", None)]
    [zhou] = by_official(Records(inquiries=asked, cases=cases), {"zhoucw": "周常委"})
    assert (zhou.inquiries, zhou.inquiries_late, zhou.inquiries_unanswered, zhou.inquiries_unsatisfied, zhou.cases,
            zhou.cases_sanctioned) == (4, 2, 1, 1, 3, 1)
