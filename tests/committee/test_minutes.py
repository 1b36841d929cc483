"""Meeting minutes (R11): the number on the meeting, the decided matter and the public decision; the list
per body and year; the minutes as PDF and DOCX, read only by those R15 allows."""
from __future__ import annotations

import io
import re
from datetime import datetime

from docx import Document

from engine.committee.workdays import LOCAL_TZ
from tests.conftest import AuthActions
from tests.meeting_helpers import COMMITTEE, MATTER, drive, hold_meeting, submit_matter
from webui.pages import minutes_files

TITLE = "关于城区老旧小区改造项目的决策"


def number(serial: int) -> str:
    return f"常委会纪要〔{datetime.now(LOCAL_TZ).year}〕第{serial}号"


def signed_in(app, username: str):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def docx_text(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    return [p.text for p in Document(io.BytesIO(response.data)).paragraphs]


def pdf_title(data: bytes) -> str:
    """The PDF's /Title: a literal string, UTF-16 with octal escapes as reportlab writes non-ASCII text."""
    raw = re.search(rb"/Title \(((?:\\.|[^\\)])*)\)", data).group(1)
    unescaped = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                       else m.group(1), raw)
    return unescaped.decode("utf-16")


def test_a_meetings_minutes_are_numbered_shown_and_downloadable_as_r15_allows(app, api, database_url, monkeypatch):
    matter, topic = submit_matter(api, TITLE)
    meeting, _steps = hold_meeting(api, database_url, [topic])
    office, auditor, outsider = signed_in(app, "bangong"), signed_in(app, "jiwei"), signed_in(app, "qianwy")

    page = office.get(f"/matters/{meeting}").get_data(as_text=True)
    assert number(1) in page and f"/minutes/{meeting}.pdf" in page and f"/minutes/{meeting}.docx" in page
    assert number(1) in office.get(f"/matters/{matter}").get_data(as_text=True)  # beside the decision

    text = docx_text(office.get(f"/minutes/{meeting}.docx"))
    assert text[0] == number(1) and "常委会会议" in text
    assert "会议机构：常委会" in text and "会议地点：常委会议室" in text and "应到 9 人，实到 8 人" in text
    assert "缺席：黄常委" in text and any(t.startswith("出席：张书记、李副书记") for t in text)
    assert f"1. {TITLE}" in text
    assert "决定：通过；同意 8 票，不同意 0 票，弃权 0 票（应到 9 人，实到 8 人）" in text
    assert "会议逐项审议并表决了议题。" in text
    assert not any("赞成" in t or "已投票" in t for t in text)  # no member's view or ballot, only totals

    pdf = office.get(f"/minutes/{meeting}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and pdf.data.rstrip().endswith(b"%%EOF") and len(pdf.data) > 5000
    assert pdf_title(pdf.data) == number(1)
    assert "filename*=UTF-8''" in pdf.headers["Content-Disposition"]
    assert docx_text(signed_in(app, "zhaocw").get(f"/minutes/{meeting}.docx"))[0] == number(1)  # a member

    # R15 before publication: the auditor sees that the minutes exist, not what they say; outsiders see nothing.
    seen = auditor.get(f"/matters/{meeting}").get_data(as_text=True)
    assert number(1) in seen and f"/minutes/{meeting}.docx" not in seen
    refused = auditor.get(f"/minutes/{meeting}.docx")
    assert refused.status_code == 403 and "R15" in refused.get_data(as_text=True)
    for url in (f"/minutes/{meeting}.pdf", f"/minutes/{meeting}.docx"):
        hidden = outsider.get(url)
        assert hidden.status_code == 404 and number(1) not in hidden.get_data(as_text=True)
    assert office.get("/minutes/999999.pdf").status_code == 404
    assert office.get(f"/minutes/{matter}.docx").status_code == 404  # a matter, not a meeting
    public = app.test_client()
    assert public.get(f"/public/decisions/{matter}").status_code == 404

    drive(api, matter, MATTER)  # published
    shown = public.get(f"/public/decisions/{matter}").get_data(as_text=True)
    assert "会议纪要：" in shown and number(1) in shown
    assert docx_text(auditor.get(f"/minutes/{meeting}.docx"))[0] == number(1)
    assert outsider.get(f"/minutes/{meeting}.docx").status_code == 404

    monkeypatch.setattr(minutes_files, "CJK_FONT", minutes_files.CJK_FONT.with_name("missing.ttc"))
    monkeypatch.setattr(minutes_files, "FONT_NAME", "MissingFont")
    missing = office.get(f"/minutes/{meeting}.pdf")
    assert missing.status_code == 503 and "fonts-wqy-zenhei" in missing.get_data(as_text=True)


def test_the_minutes_list_gives_a_bodys_minutes_of_a_year_in_number_order(app, api, database_url):
    meetings = []
    # At the second meeting the member in charge (周常委) is absent, so its item is deferred (R5).
    for title, absent in (("第一个议题", ["huangcw"]), ("第二个议题", ["huangcw", "zhoucw"])):
        _matter, topic = submit_matter(api, title)
        attendance = {"attendance": {"present": [m for m in COMMITTEE if m not in absent]}}
        meetings.append(hold_meeting(api, database_url, [topic], attendance, title=f"常委会会议（{title}）")[0])
    year = datetime.now(LOCAL_TZ).year
    office = signed_in(app, "bangong")
    assert 'href="/minutes"' in office.get("/tasks").get_data(as_text=True)  # in the office's navigation

    page = office.get(f"/minutes?body=常委会&year={year}").get_data(as_text=True)
    assert page.index(number(1)) < page.index(number(2))
    assert page.index(f"/matters/{meetings[0]}") < page.index(f"/matters/{meetings[1]}")
    assert f"/minutes/{meetings[1]}.docx" in page
    deferred = docx_text(office.get(f"/minutes/{meetings[1]}.docx"))
    assert deferred[0] == number(2) and "1. 第二个议题" in deferred and "缺席：黄常委、周常委" in deferred
    assert any(t.startswith("决定：暂缓表决：") and "分管" in t for t in deferred), deferred
    assert number(1) in office.get("/minutes").get_data(as_text=True)  # 常委会 and this year by default
    assert number(1) not in office.get(f"/minutes?body=全委会&year={year}").get_data(as_text=True)
    assert number(1) not in office.get(f"/minutes?body=常委会&year={year - 1}").get_data(as_text=True)

    audited = signed_in(app, "jiwei").get(f"/minutes?year={year}").get_data(as_text=True)
    assert number(2) in audited and f"/minutes/{meetings[0]}.docx" not in audited  # R15: unpublished
    assert signed_in(app, "zhaocw").get("/minutes").status_code == 403
    bad_year = office.get("/minutes?year=abc")
    assert bad_year.status_code == 400 and "年份须是 2000 到 2100 之间的整数" in bad_year.get_data(as_text=True)
    bad_body = office.get("/minutes?body=党代会")
    assert bad_body.status_code == 400 and "没有名为“党代会”的决策机构" in bad_body.get_data(as_text=True)
