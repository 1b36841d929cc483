"""Meeting minutes (R11): the office's and auditors' list per body and year, and each meeting's documents."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.directory.people import AUDITOR_ROLES
from engine.errors import Msg
from engine.committee.meetings import BODIES
from engine.pages.minutes_book import MinutesBook
from engine.clock import utcnow
from engine.committee.workdays import LOCAL_TZ

from webui.http.services import services
from webui.pages import minutes_files
from webui.http.auth import roles_required
from webui.http.errors import engine_text, respond

bp = Blueprint("minutes", __name__)
KEEPERS = AUDITOR_ROLES | {"办公室"}
DEFAULT_BODY = "常委会"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(text: str | None) -> int | None:
    """The year asked for (the current Beijing year when none), or None when it is not a plausible year."""
    if not text:
        return utcnow().astimezone(LOCAL_TZ).year
    return int(text) if text.strip().isdigit() and 2000 <= int(text) <= 2100 else None


@bp.get("/minutes")
@roles_required(KEEPERS)
def listing():
    body, year = request.args.get("body") or DEFAULT_BODY, _year(request.args.get("year"))
    errors = {}
    if body not in BODIES:
        errors["body"] = engine_text(Msg("body.missing", name=body))
    if year is None:
        errors["year"] = engine_text(Msg("minutes.bad_year"))
    rows = []
    if not errors:
        rows = MinutesBook(services().db).year(body, year, current_user.username)
    return render_template("minutes.html", rows=rows, bodies=list(BODIES), body=body,
                           year=request.args.get("year") if year is None else year,
                           errors=errors), 400 if errors else 200


def _document(meeting_id: int) -> list[tuple[str, str]]:
    return minutes_files.lines(MinutesBook(services().db).meeting(meeting_id, current_user.username))


def _download(data: bytes, mimetype: str, meeting_id: int, number: str, extension: str) -> Response:
    disposition = (f"attachment; filename=\"minutes-{meeting_id}.{extension}\"; "
                   f"filename*=UTF-8''{quote(f'{number}.{extension}')}")
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.get("/minutes/<int:meeting_id>.pdf")
@login_required
def pdf(meeting_id: int):
    document = _document(meeting_id)
    try:
        data = minutes_files.pdf(document)
    except minutes_files.FontMissing as missing:
        return respond(503, _("无法生成 PDF：未安装中文字体 %(path)s，请运行 scripts/install（安装 fonts-wqy-zenhei）",
                              path=str(missing)))
    return _download(data, "application/pdf", meeting_id, document[0][1], "pdf")


@bp.get("/minutes/<int:meeting_id>.docx")
@login_required
def docx(meeting_id: int):
    document = _document(meeting_id)
    return _download(minutes_files.docx(document), DOCX_TYPE, meeting_id, document[0][1], "docx")
