"""The annual report (总结完善, R20): its page with the year's figures, and the document as PDF or DOCX."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.clock import utcnow
from engine.committee.meetings import BODIES
from engine.committee.workdays import LOCAL_TZ
from engine.errors import Conflict, FormInvalid
from engine.oversight.annual_report import AnnualReports
from engine.oversight.surveys import SUPERVISOR_ROLE, Surveys

from webui.http.auth import roles_required
from webui.http.errors import engine_text, field_errors, respond
from webui.http.services import services
from webui.pages import minutes_files, report_files
from webui.pages.minutes import DEFAULT_BODY, DOCX_TYPE

bp = Blueprint("reports", __name__)


def _report():
    """The report asked for by the query string (this Beijing year when none is given)."""
    year = request.args.get("year") or str(utcnow().astimezone(LOCAL_TZ).year)
    return AnnualReports(services().db, services().processes_dir).for_reader(
        current_user.username, request.args.get("body") or DEFAULT_BODY, year, utcnow())


@bp.get("/reports/annual")
@login_required
def annual():
    return _page()


def _page(survey_values: dict | None = None, survey_errors: dict | None = None, status: int = 200):
    """The report page, with the supervisor's survey form as typed and why it was refused, if it was."""
    try:
        report = _report()
    except FormInvalid as invalid:
        return render_template("annual_report.html", report=None, bodies=list(BODIES),
                               body=request.args.get("body"), year=request.args.get("year"),
                               errors=field_errors(invalid.errors)), 400
    return render_template("annual_report.html", report=report, content=report_files.blocks(report),
                           bodies=list(BODIES), body=report.body, year=report.year, errors={},
                           surveying=SUPERVISOR_ROLE in current_user.roles, survey=survey_values or {},
                           survey_errors=survey_errors or {}, questions=report_files.survey_questions()), status


def _download(data: bytes, mimetype: str, report, extension: str) -> Response:
    disposition = (f"attachment; filename=\"annual-report-{report.year}.{extension}\"; "
                   f"filename*=UTF-8''{quote(f'{report.number}.{extension}')}")
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.get("/reports/annual.pdf")
@login_required
def annual_pdf():
    report = _report()
    try:
        data = report_files.pdf(report_files.blocks(report))
    except minutes_files.FontMissing as missing:
        return respond(503, _("无法生成 PDF：未安装中文字体 %(path)s，请运行 scripts/install（安装 fonts-wqy-zenhei）",
                              path=str(missing)))
    return _download(data, "application/pdf", report, "pdf")


@bp.get("/reports/annual.docx")
@login_required
def annual_docx():
    report = _report()
    return _download(report_files.docx(report_files.blocks(report)), DOCX_TYPE, report, "docx")


@bp.post("/reports/survey")
@roles_required({SUPERVISOR_ROLE})
def supervisor_survey():
    """A supervisor's yearly rating of a body (R20); once a year each."""
    scores, values = report_files.survey_form(request.form)
    try:
        Surveys(services().db).supervisor_answer(current_user.username, values["body"], scores, values["comment"],
                                                 utcnow())
    except FormInvalid as invalid:
        return _page(values, field_errors(invalid.errors), 422)
    except Conflict as done:
        return _page(values, {"survey": engine_text(done.msg)}, 409)
    flash(_("测评已提交。"))
    return redirect(url_for("reports.annual", body=values["body"]))
