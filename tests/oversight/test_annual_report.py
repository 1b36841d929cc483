"""R20 effect evaluation and the annual summary: the year's indicators against known data, and the report as a
PDF read back and a DOCX opened, from the page and from `powerflow report`."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from pypdf import PdfReader

from engine.clock import utcnow
from engine.committee.workdays import LOCAL_TZ
from engine.errors import Forbidden, FormInvalid
from engine.models import HumanTask
from engine.oversight.annual_report import AnnualReports
from engine.public import letters
from engine.public.portal import Portal
from engine.runtime.service import Runtime
from tests.cli_helpers import run
from tests.conftest import AuthActions, PROCESSES
from tests.meeting_helpers import MATTER, decided_matter, drive
from tests.public.test_public_feedback import STEPS as LETTER

YEAR = utcnow().astimezone(LOCAL_TZ).year


@pytest.fixture
def year_of_work(app, api, database_url):
    """One major decision passed and published a day after its publishing step fell due; one public letter replied to
    late and rated 4."""
    db, services = app.extensions["powerflow"].db, app.extensions["powerflow"]
    matter, _topic, _decision = decided_matter(app, api, database_url, "关于城区老旧小区改造的决策")
    assert drive(api, matter, MATTER, stop_at="publish") == []
    with db.reader() as session:
        publish = session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == matter,
                                                             HumanTask.element_id == "publish")).one()
    Runtime(db, clock=lambda: publish.due_at + timedelta(days=1)).complete(publish.id, MATTER["publish"], "bangong")
    number = letters.write(services.runtime, "王某", "138****0000", "小区门口路灯损坏已一月未修，请尽快处理。")
    with db.reader() as session:
        instance = session.scalar(sa.text("select instance_id from letters where tracking_number = :n"), {"n": number})
    drive(api, instance, {**LETTER, "register": {**LETTER["register"]}}, stop_at="reply")
    with db.reader() as session:
        reply = session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance,
                                                           HumanTask.element_id == "reply")).one()
        late = reply.due_at + timedelta(hours=2)
        holder = reply.assignee.username if reply.assignee else "bangong"
    Runtime(db, clock=lambda: late).complete(reply.id, LETTER["reply"], holder)
    drive(api, instance, LETTER)
    Portal(db, services.charts).rate(number, 4, "修得很快。")
    return matter


def test_R20_the_indicators_count_what_was_recorded(app, year_of_work):
    """Each figure equals what the set-up recorded: one decision passed and published late, one letter answered late
    and rated 4, the steps done on time and late."""
    report = AnnualReports(app.extensions["powerflow"].db, PROCESSES).build("常委会", YEAR, utcnow())
    figures = report.indicators
    assert figures.decisions_by_kind == {"一般事项": 1} and figures.decisions_passed == 1
    assert (figures.decisions_published.part, figures.decisions_published.whole) == (1, 1)
    assert (figures.published_on_time.part, figures.published_on_time.whole) == (0, 1)  # a day after its due time
    assert (figures.letters_answered_on_time.part, figures.letters_answered_on_time.whole) == (0, 1)
    assert (figures.satisfaction, figures.ratings) == (4.0, 1)
    assert figures.steps_on_time.whole - figures.steps_on_time.part == 2  # the publication and the letter's reply
    powers = [line for line in (PROCESSES / "catalog.toml").read_text(encoding="utf-8").split("[[power]]")
              if 'body = "常委会"' in line]
    assert figures.catalog_coverage.whole == len(powers)
    assert figures.catalog_coverage.part == sum(1 for p in powers if "process =" in p)
    assert [d["title"] for d in report.decisions] == ["关于城区老旧小区改造的决策"]
    assert [p["title"] for p in report.publications] == ["关于城区老旧小区改造的决策"]
    assert report.number == f"常委会年报〔{YEAR}〕"


def test_R20_the_report_is_filed_as_pdf_and_docx_for_its_readers_only(app, year_of_work):
    """The office downloads the report: the PDF's text and the DOCX's paragraphs and tables carry the title, number,
    sections and figures; a member who is not a reader is refused; a bad year is named."""
    client = app.test_client()
    auth = AuthActions(client)
    auth.login("bangong")
    page = client.get(f"/reports/annual?body=常委会&year={YEAR}")
    assert page.status_code == 200 and "老旧小区改造" in page.get_data(as_text=True)
    assert client.get("/reports/annual?year=19").status_code == 400
    pdf = client.get(f"/reports/annual.pdf?body=常委会&year={YEAR}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in (f"常委会{YEAR}年度权力公开透明运行情况报告", f"常委会年报〔{YEAR}〕", "二、主要指标",
                     "关于城区老旧小区改造的决策", "4.00"):
        assert expected in text.replace("\n", ""), expected
    word = Document(io.BytesIO(client.get(f"/reports/annual.docx?body=常委会&year={YEAR}").data))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0] == f"常委会{YEAR}年度权力公开透明运行情况报告" and paragraphs[1] == f"常委会年报〔{YEAR}〕"
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "按期答复的群众来信" in cells and "0 / 1（0.0%）" in cells and "关于城区老旧小区改造的决策" in cells
    assert word.inline_shapes and len(word.inline_shapes) == 1  # the chart
    auth.logout()
    auth.login("zhoucw")  # a member of the body reads its evaluation
    assert client.get(f"/reports/annual?year={YEAR}").status_code == 200
    auth.logout()
    auth.login("bumen")  # a department's head does not
    assert client.get(f"/reports/annual?year={YEAR}").status_code == 403
    with pytest.raises(Forbidden):
        AnnualReports(app.extensions["powerflow"].db, PROCESSES).for_reader("bumen", "常委会", YEAR, utcnow())
    with pytest.raises(FormInvalid) as bad:
        AnnualReports(app.extensions["powerflow"].db, PROCESSES).build("常务会", "二〇二六", utcnow())
    assert set(bad.value.errors) == {"body", "year"}


def test_R20_powerflow_report_writes_the_file(env, tmp_path):
    """`powerflow report --body 常委会 --year Y -o F.docx` writes a document Word opens; a wrong suffix is named."""
    assert run(env, "init").returncode == 0
    target = tmp_path / "report.docx"
    made = run(env, "report", "--body", "常委会", "--year", str(YEAR), "-o", str(target))
    assert made.returncode == 0, made.stderr
    word = Document(str(target))
    assert word.paragraphs[1].text == f"常委会年报〔{YEAR}〕" and "本年度没有决定。" in [p.text for p in word.paragraphs]
    refused = run(env, "report", "--year", str(YEAR), "-o", str(tmp_path / "report.txt"))
    assert refused.returncode != 0 and "report.txt" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "report.txt").exists()
