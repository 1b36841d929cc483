"""The process catalog: every deployed process with its chart and its BPMN drawing."""
from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from engine.pages.process_page import ProcessPages

from webui.http.services import services

bp = Blueprint("processes", __name__)


def _pages() -> ProcessPages:
    return ProcessPages(services().runtime, services().charts)


@bp.get("/processes")
@login_required
def catalog():
    return render_template("processes.html", processes=_pages().catalog(current_user.username))


@bp.get("/processes/<key>")
@login_required
def show(key: str):
    process, svg = _pages().show(key)
    return render_template("process.html", process=process, svg=svg)


@bp.get("/processes/<key>/diagram.bpmn")
@login_required
def bpmn(key: str):
    return Response(_pages().drawing(key), mimetype="application/xml")
