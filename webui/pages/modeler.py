"""The modeler: designers draw a process in bpmn-js, edit what the engine needs, validate and deploy."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps

from engine.process import designs
from engine.errors import Conflict, FormInvalid, Msg
from engine.bpmn.forms import in_order
from engine.process.design_studio import DesignStudio
from engine.process.importing import DIALECTS

from webui.http.services import services
from webui.http.errors import engine_text, json_error, problem_list
from webui.http.auth import roles_required

bp = Blueprint("modeler", __name__, url_prefix="/modeler")

designers_only = roles_required(frozenset({designs.DESIGNER_ROLE}))


@bp.get("/")
@designers_only
def index():
    items, tables = studio().processes(current_user.username), studio().tables()
    return render_template("modeler_index.html", processes=items, tables=tables)


def _page(key: str | None):
    editor = studio().editor(current_user.username, key)
    # not |tojson: Flask's JSON sorts keys, and a form's fields must stay in their designed order
    forms_json = htmlsafe_json_dumps(in_order(editor.forms))
    return render_template("modeler.html", key=key, xml=editor.xml, roles=editor.roles, forms_json=forms_json,
                           history=editor.history, older=editor.older,
                           latest=editor.history[0]["version"] if editor.history else None, tables=studio().tables())


@bp.get("/new")
@designers_only
def new():
    return _page(None)


@bp.get("/edit/<key>")
@designers_only
def edit(key: str):
    return _page(key)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FormInvalid({"_body": Msg("api.json_object")})
    return body


def _refused(rejected: designs.DesignRejected):
    """Every problem at once, each with its element's name, for the modeler to list and mark."""
    problems = problem_list(rejected)
    return json_error(422, _("有 %(n)d 个问题需要修改", n=len(problems)), "design.rejected",
                      {k: engine_text(v) for k, v in rejected.errors.items()}, {"count": len(problems)},
                      problems=problems)


@bp.post("/validate")
@designers_only
def validate():
    try:
        processes = studio().check(current_user.username, _body())
    except designs.DesignRejected as rejected:
        return _refused(rejected)
    return jsonify({"ok": True, "processes": processes})


@bp.post("/import")
@designers_only
def import_design():
    """A Camunda 7 or Zeebe diagram opened with 打开文件, converted as the API converts it, with the same report."""
    return jsonify(imported_design(current_user.username, _body()))


@bp.post("/deploy")
@designers_only
def deploy():
    try:
        results = studio().deploy(current_user.username, _body())
    except designs.DesignRejected as rejected:
        return _refused(rejected)
    return jsonify({"deployed": [vars(r) for r in results]}), 201


@bp.get("/dmn/<name>")
@designers_only
def table(name: str):
    return render_template("modeler_dmn.html", name=name, xml=studio().table(name))


@bp.post("/dmn/<name>")
@designers_only
def deploy_table(name: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        raise FormInvalid({"xml": _("缺少决策表 XML")})
    results = studio().deploy_table(current_user.username, name, body["xml"])
    return jsonify({"deployed": [vars(r) for r in results]}), 201


@bp.post("/edit/<key>/rollback")
@designers_only
def rollback(key: str):
    version = request.form.get("version", type=int)
    result = studio().rollback(current_user.username, key, version or 0)
    flash(_("已回滚：第 %(old)d 版的内容发布为第 %(new)d 版", old=version, new=result.version))
    return redirect(url_for("modeler.edit", key=key))


@bp.post("/migrate/<int:instance_id>")
@designers_only
def migrate(instance_id: int):
    version = request.form.get("version", type=int) or 0
    try:
        key, _version = studio().migrate(current_user.username, instance_id, version)
        flash(_("事项 %(id)d 已迁移到第 %(version)d 版", id=instance_id, version=version))
    except Conflict as refused:
        key = studio().process_of(current_user.username, instance_id)
        flash(_("事项 %(id)d 不能迁移：%(why)s", id=instance_id, why=engine_text(refused.msg)))
    return redirect(url_for("modeler.edit", key=key))


def studio() -> DesignStudio:
    """The engine's design service of this app."""
    return DesignStudio(services().db, services().processes_dir)


def imported_design(username: str, body: dict) -> dict:
    """The upload converted to our dialect, its report and what validation still finds, in the reader's language."""
    imported = studio().import_design(username, body)
    return {"dialect": imported.dialect, "dialect_name": DIALECTS[imported.dialect], "bpmn_xml": imported.bpmn_xml,
            "report": [entry.as_json(engine_text) for entry in imported.report],
            "problems": problem_list(imported.rejected) if imported.rejected else []}
