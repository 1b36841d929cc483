"""A meeting's minutes as a document: the lines in the reader's language, written as PDF (reportlab) or DOCX."""
from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from flask_babel import gettext as _

from engine.committee.minutes import AgendaItem, Minutes

from webui.http.times import format_date

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian's fonts-wqy-zenhei (scripts/install)
FONT_NAME = "WenQuanYiZenHei"


class FontMissing(Exception):
    """The CJK font the PDF embeds is not installed."""


def _outcome(item: AgendaItem) -> str:
    if item.outcome == "deferred":
        return _("暂缓表决：%(reasons)s", reasons=item.reasons) if item.reasons else _("暂缓表决")
    if item.outcome is None:
        return _("未审议")
    graded = item.kind == "duty_report"  # a 述职述廉 assessment: a grade is given, nobody is elected
    text = (_("民主测评") if graded else _("通过") if item.outcome == "passed" else _("未通过"))
    if item.choice_tally:
        votes = _("，").join(_("%(name)s：%(num)d 票", name=n, num=v) for n, v in item.choice_tally.items())
        text += _("；%(votes)s，弃权 %(abstain)d 票", votes=votes, abstain=item.abstain or 0)
        if graded:
            text += _("，评定为%(grade)s", grade=item.chosen) if item.chosen else _("，未评定（无等次获应到半数以上票）")
        elif item.chosen:
            text += _("，%(name)s 当选", name=item.chosen)
    else:
        text += _("；同意 %(agree)d 票，不同意 %(disagree)d 票，弃权 %(abstain)d 票",
                  agree=item.agree or 0, disagree=item.disagree or 0, abstain=item.abstain or 0)
    text += _("（应到 %(should)d 人，实到 %(present)d 人）", should=item.should_attend or 0, present=item.present or 0)
    if item.ruled:
        text += _("（上级组织裁决）")
    return text


def lines(minutes: Minutes) -> list[tuple[str, str]]:
    """The document as (kind, text) lines: title, subtitle, heading, item, text."""
    entry, names = minutes.entry, _("、")
    out = [("title", entry.number), ("subtitle", entry.title),
           ("text", _("会议机构：%(body)s", body=entry.body or "")),
           ("text", _("会议日期：%(date)s", date=format_date(entry.meeting_date) or "—")),
           ("text", _("会议地点：%(place)s", place=minutes.place or "—")),
           ("heading", _("出席情况"))]
    if minutes.should_attend is not None:
        out.append(("text", _("应到 %(should)d 人，实到 %(present)d 人", should=minutes.should_attend,
                              present=len(minutes.present))))
    out += [("text", _("出席：%(names)s", names=names.join(minutes.present) or "—")),
            ("text", _("缺席：%(names)s", names=names.join(minutes.absent) or _("无"))),
            ("heading", _("议题与决定"))]
    for number, item in enumerate(minutes.items, 1):
        out += [("item", f"{number}. {item.title}"), ("text", _("决定：%(outcome)s", outcome=_outcome(item)))]
    if not minutes.items:
        out.append(("text", _("没有议题。")))
    out.append(("heading", _("会议纪要")))
    out += [("text", paragraph) for paragraph in minutes.text.splitlines() if paragraph.strip()] or [("text", "—")]
    return out


def cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        if not CJK_FONT.is_file():
            raise FontMissing(str(CJK_FONT))
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(CJK_FONT), subfontIndex=0))
    return FONT_NAME


def pdf(document: list[tuple[str, str]]) -> bytes:
    """The lines as an A4 PDF embedding the CJK font; FontMissing when it is not installed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    styles = {"title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=4),
              "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, alignment=1, spaceAfter=10),
              "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=22, spaceBefore=10),
              "item": ParagraphStyle("item", parent=base, spaceBefore=4),
              "text": base}
    buffer = io.BytesIO()
    title = next((text for kind, text in document if kind == "title"), "")
    page = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                             bottomMargin=25 * mm, title=title)
    flow = [Paragraph(escape(text), styles[kind]) for kind, text in document]
    page.build(flow[:2] + [Spacer(1, 4 * mm)] + flow[2:])
    return buffer.getvalue()


def docx(document: list[tuple[str, str]]) -> bytes:
    """The lines as a Word document, the number as its title."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    word = Document()
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = word.styles[style].element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), "宋体")  # Word otherwise picks a Latin font for Chinese text
    word.core_properties.title = next((text for kind, text in document if kind == "title"), "")
    for kind, text in document:
        if kind == "title":
            word.add_heading(text, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "subtitle":
            word.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            word.add_heading(text, level=1)
        elif kind == "item":
            word.add_paragraph().add_run(text).bold = True
        else:
            word.add_paragraph(text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
