"""The process catalog: every deployed process with its chart and its BPMN drawing."""
from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from engine.access import can_start
from engine.deployment import latest_versions, published_version
from engine.directory import Directory

from . import services

bp = Blueprint("processes", __name__)


@bp.get("/processes")
@login_required
def catalog():
    with services().db.reader() as session:
        user = Directory(session).user(current_user.username)
        items = [{"key": v.process_key, "name": v.name, "version": v.version, "start_role": v.start_role,
                  "deployed_at": v.deployed_at, "can_start": can_start(user, v)} for v in latest_versions(session)]
    return render_template("processes.html", processes=items)


@bp.get("/processes/<key>")
@login_required
def show(key: str):
    with services().db.reader() as session:
        version = published_version(session, key)
        svg = services().charts.process_svg(version)
        process = {"key": version.process_key, "name": version.name, "version": version.version,
                   "start_role": version.start_role, "deployed_at": version.deployed_at,
                   "deployed_by": version.deployed_by, "source_file": version.source_file}
    return render_template("process.html", process=process, svg=svg)


@bp.get("/processes/<key>/diagram.bpmn")
@login_required
def bpmn(key: str):
    with services().db.reader() as session:
        version = published_version(session, key)
        return Response(version.bpmn_xml, mimetype="application/xml")
