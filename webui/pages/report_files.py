"""The annual report as a filed document: sections of text and tables with a chart, in the reader's language,
written as PDF (reportlab, the CJK font embedded) or DOCX (python-docx)."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _, ngettext

from engine.oversight.annual_report import AnnualReport
from engine.oversight.indicators import Ratio
from engine.oversight.surveys import OVERALL, QUESTIONS, SurveyFigures, field_name, question_label

from webui.http.errors import engine_text
from webui.http.times import format_date
from webui.pages import minutes_files
from webui.pages.minutes_files import cjk_font

Block = tuple[str, object]  # ("title" | "number" | "heading" | "text", str), ("table", rows), ("chart", pairs)


def survey_questions() -> list[tuple[str, str]]:
    """Each survey question's code and wording in the reader's language, in the order the form asks them."""
    return [(code, engine_text(question_label(code))) for code in QUESTIONS]


def survey_form(form) -> tuple[dict[str, str], dict[str, str]]:
    """What a survey form sent, as typed: the scores by question code, and every field by name (to show it again)."""
    scores = {code: form.get(field_name(code), "") for code in QUESTIONS}
    values = {"body": form.get("body", ""), "comment": form.get("comment", ""),
              **{field_name(code): score for code, score in scores.items()}}
    return scores, values


def _question_rows(survey: SurveyFigures) -> list[list[str]]:
    """A line per question someone answered, other than overall satisfaction: the public's and supervisors' averages."""
    def score(value: float | None) -> str:
        return _("%(score).2f 分", score=value) if value is not None else "—"
    labels = dict(survey_questions())
    return [[_("测评：%(question)s", question=labels[q.code]), _("群众 %(public)s；监督员 %(supervisors)s",
                                                               public=score(q.public), supervisors=score(q.supervisors))]
            for q in survey.questions if q.code != OVERALL and (q.public, q.supervisors) != (None, None)]


def _ratio(ratio: Ratio) -> str:
    if ratio.rate is None:
        return _("%(part)d / %(whole)d（无可计算项）", part=ratio.part, whole=ratio.whole)
    return _("%(part)d / %(whole)d（%(percent).1f%%）", part=ratio.part, whole=ratio.whole, percent=ratio.rate * 100)


def _score(average: float | None, count: int) -> str:
    return _("%(score).2f 分（%(n)d 人评价）", score=average, n=count) if average is not None else _("暂无评价")


def _outcome(outcome: str | None) -> str:
    return {"passed": _("通过"), "rejected": _("未通过")}.get(outcome or "", _(outcome) if outcome else _("办理中"))


def blocks(report: AnnualReport) -> list[Block]:
    """The report's content, in the order an office files it: title, number, then numbered sections."""
    figures = report.indicators
    satisfaction = _score(figures.satisfaction, figures.ratings)
    indicator_rows = [[_("指标"), _("数值")],
                      [_("权力事项流程化率"), _ratio(figures.catalog_coverage)],
                      [_("通过的决定依规公开"), _ratio(figures.decisions_published)],
                      [_("通过的决定按期公开"), _ratio(figures.published_on_time)],
                      [_("按期办结的步骤"), _ratio(figures.steps_on_time)],
                      [_("按期答复的群众来信"), _ratio(figures.letters_answered_on_time)],
                      [_("群众满意度（1–5 分）"), satisfaction],
                      [_("问责案件"), str(sum(figures.cases_by_outcome.values()))],
                      [_("询问和质询（逾期答复）"), _("%(n)d（%(late)d）", n=figures.inquiries,
                                                     late=figures.inquiries_answered_late)],
                      [_("群众测评（1–5 分）"), _score(figures.survey.public, figures.survey.public_count)],
                      [_("监督员测评（1–5 分）"), _score(figures.survey.supervisors, figures.survey.supervisor_count)],
                      *_question_rows(figures.survey)]
    out: list[Block] = [
        ("title", _("%(body)s%(year)d年度权力公开透明运行情况报告", body=report.body, year=report.year)),
        ("number", _("%(body)s年报〔%(year)d〕", body=report.body, year=report.year)),
        ("heading", _("一、总体情况")),
        ("text", _("%(year)d年，%(body)s共作出决定 %(n)d 项，其中通过 %(passed)d 项；通过的决定中已依规公开 %(published)s，"
                   "在公示步骤期限内公开 %(on_time)s。",
                   year=report.year, body=report.body, n=sum(figures.decisions_by_kind.values()),
                   passed=figures.decisions_passed, published=_ratio(figures.decisions_published),
                   on_time=_ratio(figures.published_on_time))),
        ("heading", _("二、主要指标")), ("table", indicator_rows),
        *([("chart", list(figures.decisions_by_kind.items()))] if figures.decisions_by_kind else []),
        ("heading", _("三、决策事项")),
        ("table", [[_("议题"), _("类别"), _("结果"), _("日期")]] + [
            [d["title"] + (_("（已被变更）") if d["superseded"] else ""), d["kind"], _outcome(d["outcome"]),
             format_date(d["decided_at"])] for d in report.decisions]) if report.decisions
        else ("text", _("本年度没有决定。")),
        ("heading", _("四、公开公示")),
        ("table", [[_("公示事项"), _("渠道"), _("公示期（工作日）"), _("日期")]] + [
            [p["title"], p["channel"], str(p["period_days"]), format_date(p["published_at"])]
            for p in report.publications]) if report.publications else ("text", _("本年度没有公示。")),
        ("text", _("公示期间通过公开页面收到异议 %(n)d 件，均在事项页面列明，由办理单位逐件核实。", n=report.objections)),
        ("heading", _("五、群众来信")),
        ("text", _("按期答复 %(answered)s；群众满意度 %(satisfaction)s。",
                   answered=_ratio(figures.letters_answered_on_time), satisfaction=satisfaction)),
        ("heading", _("六、责任追究、询问质询与述职述廉")),
        ("table", [[_("问责案件"), _("立案"), _("处理结果")]] + [
            [c["title"], format_date(c["started_at"]), _outcome(c["outcome"])] for c in report.cases])
        if report.cases else ("text", _("本年度没有问责案件。")),
        ("text", _("全委会委员提出询问和质询 %(n)d 件，逾期答复 %(late)d 件。", n=figures.inquiries,
                   late=figures.inquiries_answered_late)),
        ("table", [[_("述职述廉"), _("民主测评结果"), _("日期")]] + [
            [d["member"], _duty_result(d), format_date(d["decided_at"])] for d in report.duty_reports])
        if report.duty_reports else ("text", _("本年度没有述职述廉测评。")),
    ]
    return out


def _duty_result(report: dict) -> str:
    """The grade the plenary's secret ballot gave, with the votes for each grade."""
    votes = _("，").join(ngettext("%(name)s %(num)d 票", "%(name)s %(num)d 票", n, name=grade)
                         for grade, n in report["tally"].items())
    grade = _("评定为%(grade)s", grade=report["grade"]) if report["grade"] else _("未评定（无等次获应到半数以上票）")
    return _("%(grade)s（%(votes)s，弃权 %(abstain)d 票）", grade=grade, votes=votes, abstain=report["abstain"] or 0)


def _chart_drawing(pairs: list[tuple[str, int]], font: str | None):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    drawing = Drawing(420, 200)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, 360, 130
    chart.data = [[count for _, count in pairs] or [0]]
    chart.categoryAxis.categoryNames = [kind for kind, _ in pairs] or ["—"]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, max(chart.data[0]) // 5 or 1)
    if font:
        chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    drawing.add(chart)
    drawing.add(String(210, 182, _("各类决定数量"), fontName=font or "Helvetica", fontSize=11, textAnchor="middle"))
    return drawing


def _chart_png(pairs: list[tuple[str, int]]) -> bytes:
    """The same bar chart as a PNG for Word, drawn by matplotlib with the CJK font."""
    import matplotlib
    matplotlib.use("Agg")  # no display on a server
    from matplotlib import font_manager, pyplot
    from webui.pages.minutes_files import CJK_FONT
    if not CJK_FONT.is_file():
        raise minutes_files.FontMissing(str(CJK_FONT))
    font = font_manager.FontProperties(fname=str(CJK_FONT))
    figure, axes = pyplot.subplots(figsize=(6, 3), dpi=144)
    try:
        labels = [kind for kind, _count in pairs] or ["—"]
        axes.bar(range(len(labels)), [count for _kind, count in pairs] or [0], color="#4a6fa5")
        axes.set_xticks(range(len(labels)), labels, fontproperties=font)
        axes.set_title(_("各类决定数量"), fontproperties=font)
        axes.yaxis.get_major_locator().set_params(integer=True)
        buffer = io.BytesIO()
        figure.tight_layout()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)


def pdf(content: list[Block]) -> bytes:
    """The report as an A4 PDF; minutes_files.FontMissing when the CJK font is not installed."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    styles = {"title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1),
              "number": ParagraphStyle("number", parent=base, alignment=1, spaceAfter=10),
              "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=22, spaceBefore=10), "text": base}
    flow = []
    for kind, value in content:
        if kind == "table":
            cells = [[Paragraph(escape(str(cell)), base) for cell in row] for row in value]
            table = Table(cells, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
            flow += [table, Spacer(1, 3 * mm)]
        elif kind == "chart":
            flow.append(_chart_drawing(value, font))
        else:
            flow.append(Paragraph(escape(str(value)), styles[kind]))
    buffer = io.BytesIO()
    title = next((str(v) for k, v in content if k == "title"), "")
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                      bottomMargin=25 * mm, title=title).build(flow)
    return buffer.getvalue()


def docx(content: list[Block]) -> bytes:
    """The report as a Word document with its tables and the chart as a picture."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm
    word = Document()
    for style in ("Normal", "Title", "Heading 1"):
        word.styles[style].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    word.core_properties.title = next((str(v) for k, v in content if k == "title"), "")
    for kind, value in content:
        if kind == "title":
            word.add_heading(str(value), level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "number":
            word.add_paragraph(str(value)).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            word.add_heading(str(value), level=1)
        elif kind == "table":
            table = word.add_table(rows=0, cols=len(value[0]))
            table.style = "Table Grid"
            for row in value:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = str(text)
        elif kind == "chart":
            word.add_picture(io.BytesIO(_chart_png(value)), width=Cm(14))
        else:
            word.add_paragraph(str(value))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
