"""The auditors' dashboard, exports and heatmap against matters whose state and times are known."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook

from engine.oversight import dashboard, heatmap
from engine.runtime.service import Runtime
from tests.conftest import AuthActions

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # a Monday morning in Beijing
FILE = {"summary": "拟安排专项资金用于老旧小区改造。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
FEEDBACK = {"writer": "王某", "contact": "138", "channel": "书记信箱", "content": "小区门口路灯损坏已一月未修。"}


def known_matters(db):
    """Three major decisions and two letters with known steps, times and members in charge.

    - 老旧小区 A: filed at T0, consent step reached at T0 (due T0+3 working days: overdue now), held by zhoucw
    - 老旧小区 B: filed at T0 + 1 day; its consent took 2 days; research open since T0 + 3 days
    - 营商环境 C: filed at T0 + 2 days, consent took 4 days, field 经济发展 (wangcw); research open
    - two letters, one registered (2 days), one waiting to be registered
    """
    def start(title, when):
        return Runtime(db, clock=lambda: when).start("major_decision", title, {}, "bangong")

    def step(outcome, data, user, when):
        return Runtime(db, clock=lambda: when).complete(outcome.new_tasks[0], data, user)

    a = start("老旧小区改造 A", T0)
    step(a, FILE, "bangong", T0)
    b = start("老旧小区改造 B", T0 + timedelta(days=1))
    b = step(b, FILE, "bangong", T0 + timedelta(days=1))
    step(b, {"consent": True, "consent_opinion": "同意。"}, "zhoucw", T0 + timedelta(days=3))
    c = start("优化营商环境 C", T0 + timedelta(days=2))
    c = step(c, {**FILE, "field": "经济发展"}, "bangong", T0 + timedelta(days=2))
    step(c, {"consent": True, "consent_opinion": "同意。"}, "wangcw", T0 + timedelta(days=6))
    letter = Runtime(db, clock=lambda: T0).start("public_feedback", "来信：路灯", {}, "bangong")
    step(letter, FEEDBACK, "bangong", T0 + timedelta(days=2))
    Runtime(db, clock=lambda: T0).start("public_feedback", "来信：噪音", {}, "bangong")
    return a.instance_id, b.instance_id, c.instance_id


def test_filters_select_by_process_member_date_search_and_overdue(db):
    a, b, c = known_matters(db)
    with db.reader() as session:
        def titles(**args):
            return [r["title"] for r in dashboard.rows(session, dashboard.MatterFilter(**args))]
        assert titles(process="major_decision") == ["优化营商环境 C", "老旧小区改造 B", "老旧小区改造 A"]
        assert titles(member_in_charge="wangcw") == ["优化营商环境 C"]
        assert titles(member_in_charge="zhoucw") == ["老旧小区改造 B", "老旧小区改造 A"]
        assert titles(q="老旧") == ["老旧小区改造 B", "老旧小区改造 A"]
        assert titles(q="%") == []  # a wildcard typed by the auditor is a character, not a pattern
        from datetime import date
        assert titles(process="major_decision", started_from=date(2026, 3, 3), started_to=date(2026, 3, 3)) == \
            ["老旧小区改造 B"]
        assert set(titles(overdue=True)) == {"老旧小区改造 A", "老旧小区改造 B", "优化营商环境 C", "来信：路灯",
                                             "来信：噪音"}  # every step was due long before today
        assert titles(status="completed") == []
        row = dashboard.rows(session, dashboard.MatterFilter(q="改造 A"))[0]
        assert (row["step"], row["holder"], row["member_in_charge"]) == ("分管常委审核议题", "周常委", "周常委")
        assert row["since"] == T0 and row["overdue"]
        assert dashboard.count(session, dashboard.MatterFilter(process="public_feedback")) == 2
        late_free = dashboard.rows(session, dashboard.MatterFilter(overdue=True), now=T0)
        assert late_free == []  # at T0 nothing was late yet


def test_exports_hold_the_filtered_rows(app, db):
    known_matters(app.extensions["powerflow"].db)
    client = app.test_client()
    AuthActions(client).login("jiwei")
    response = client.get("/audit/export.xlsx?process=major_decision&member_in_charge=zhoucw")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert lines[0][:4] == ["编号", "流程", "标题", "状态"]
    assert [line[2] for line in lines[1:]] == ["老旧小区改造 B", "老旧小区改造 A"]
    assert lines[2][6:8] == ["分管常委审核议题", "周常委"] and lines[2][10] == "是"
    text = client.get("/audit/export.csv?q=营商").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][2] == "优化营商环境 C" and rows[1][5] == "王常委"
    page = client.get("/audit/?started_from=2026-13-01")
    assert page.status_code == 400 and "日期格式应为 YYYY-MM-DD" in page.get_data(as_text=True)


def test_heatmap_counts_open_matters_and_medians_per_step(app, db):
    known_matters(app.extensions["powerflow"].db)
    with app.extensions["powerflow"].db.reader() as session:
        heat = heatmap.step_heat(session, "major_decision")
    # A waits at consent; B and C at research. Filing took 0, 0 and 0 days; consent 2 and 4 days.
    assert heat["consent_topic"].open_matters == 1 and heat["research"].open_matters == 2
    assert heat["consent_topic"].median_days == 3.0 and heat["consent_topic"].finished == 2
    assert heat["file_topic"].median_days == 0.0 and heat["file_topic"].open_matters == 0
    client = app.test_client()
    AuthActions(client).login("jiandu")
    page = client.get("/audit/heatmap/major_decision").get_data(as_text=True)
    assert "2 件在办 · 中位 —" in page and "1 件在办 · 中位 3 天" in page


def test_charts_show_throughput_cycle_times_deadlines_and_letters(app):
    db = app.extensions["powerflow"].db
    known_matters(db)
    client = app.test_client()
    AuthActions(client).login("jiwei")
    page = client.get("/audit/charts").get_data(as_text=True)
    assert page.count("<svg") >= 4
    for title in ("每月新发起与办结的事项", "各流程办结周期中位数", "按期办理的步骤占比", "群众来信：类别与办理状态"):
        assert title in page
    from engine.oversight import statistics
    with db.reader() as session:
        kept = {name: (share, steps) for name, share, steps in statistics.within_deadline(session)}
        # Filings and both consents came in time; the letter was registered a day late.
        assert kept["重大决策"] == (1.0, 5) and kept["群众来信办理"] == (0.0, 1)
        assert statistics.letters_by_category(session) == {"未分类": {"running": 2, "completed": 0, "error": 0}}
        months, opened, closed = statistics.opened_and_closed(session, T0 + timedelta(days=10))
        assert months[-1] == "2026-03" and opened[-1] == 5 and closed[-1] == 0
