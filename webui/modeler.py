"""The modeler: designers draw a process in bpmn-js, edit what the engine needs, validate and deploy."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps

from engine import designs, versions
from engine.definitions import load_forms
from engine.deployment import latest_versions, published_version
from engine.directory import Directory
from engine.errors import Conflict, FormInvalid, Msg
from engine.forms import in_order
from engine.models import Instance, utcnow
from engine.status import MatterStatus

from . import services
from .errors import engine_text, problem_list
from .api_designs import version_summary
from .api_import import import_fields, imported_design
from .auth import roles_required

bp = Blueprint("modeler", __name__, url_prefix="/modeler")

designers_only = roles_required(frozenset({designs.DESIGNER_ROLE}))


@bp.get("/")
@designers_only
def index():
    with services().db.reader() as session:
        items = [{"key": v.process_key, "name": v.name, "version": v.version, "deployed_at": v.deployed_at,
                  "deployed_by": v.deployed_by} for v in latest_versions(session)]
    tables = sorted(p.name for p in services().processes_dir.glob("*.dmn"))
    return render_template("modeler_index.html", processes=items, tables=tables)


def _page(key: str | None):
    with services().db.reader() as session:
        roles = sorted(Directory(session).role_names())
        forms = load_forms(services().processes_dir / "forms")
        xml, history = None, []
        if key:
            version = published_version(session, key)
            xml, forms = version.bpmn_xml, {**forms, **version.forms}
            history = [version_summary(v, c) for v, c in versions.history(session, key)]
            older = [{"id": i.id, "title": i.title, "version": i.process_version.version}
                     for i in session.query(Instance).filter(Instance.process_key == key, Instance.status == MatterStatus.RUNNING,
                                                             Instance.process_version_id != version.id)
                     .order_by(Instance.id).limit(200)]
        else:
            older = []
    # not |tojson: Flask's JSON sorts keys, and a form's fields must stay in their designed order
    forms_json = htmlsafe_json_dumps(in_order(forms))
    tables = sorted(p.name for p in services().processes_dir.glob("*.dmn"))  # where an opened .dmn can go
    return render_template("modeler.html", key=key, xml=xml, roles=roles, forms_json=forms_json, history=history,
                           older=older, latest=history[0]["version"] if history else None, tables=tables)


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


def _design():
    return designs.design_from_json(_body())


def _refused(rejected: designs.DesignRejected):
    """Every problem at once, each with its element's name, for the modeler to list and mark."""
    problems = problem_list(rejected)
    return jsonify({"error": _("有 %(n)d 个问题需要修改", n=len(problems)), "problems": problems,
                    "errors": {k: engine_text(v) for k, v in rejected.errors.items()}}), 422


@bp.post("/validate")
@designers_only
def validate():
    try:
        design = _design()
        with services().db.reader() as session:
            definitions = designs.check(session, design, services().processes_dir)
    except designs.DesignRejected as rejected:
        return _refused(rejected)
    return jsonify({"ok": True, "processes": [d.key for d in definitions]})


@bp.post("/import")
@designers_only
def import_design():
    """A Camunda 7 or Zeebe diagram opened with 打开文件, converted as the API converts it, with the same report."""
    fields = import_fields(_body())
    with services().db.reader() as session:
        return jsonify(imported_design(session, *fields))


@bp.post("/deploy")
@designers_only
def deploy():
    try:
        design = _design()
        with services().db.transaction() as session:
            user = Directory(session).user(current_user.username)
            results = designs.deploy(session, design, services().processes_dir, user)
    except designs.DesignRejected as rejected:
        return _refused(rejected)
    return jsonify({"deployed": [vars(r) for r in results]}), 201


@bp.get("/dmn/<name>")
@designers_only
def table(name: str):
    path = services().processes_dir / name
    if not name.endswith(".dmn") or "/" in name or not path.is_file():
        abort(404)
    return render_template("modeler_dmn.html", name=name, xml=path.read_text(encoding="utf-8"))


@bp.post("/dmn/<name>")
@designers_only
def deploy_table(name: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        raise FormInvalid({"xml": _("缺少决策表 XML")})
    with services().db.transaction() as session:
        user = Directory(session).user(current_user.username)
        results = designs.deploy_table(session, name, body["xml"], services().processes_dir, user)
    return jsonify({"deployed": [vars(r) for r in results]}), 201


@bp.post("/edit/<key>/rollback")
@designers_only
def rollback(key: str):
    version = request.form.get("version", type=int)
    with services().db.transaction() as session:
        result = designs.rollback(session, key, version or 0, Directory(session).user(current_user.username))
    flash(_("已回滚：第 %(old)d 版的内容发布为第 %(new)d 版", old=version, new=result.version))
    return redirect(url_for("modeler.edit", key=key))


@bp.post("/migrate/<int:instance_id>")
@designers_only
def migrate(instance_id: int):
    version = request.form.get("version", type=int) or 0
    try:
        with services().db.transaction() as session:
            instance = versions.migrate(session, instance_id, version, Directory(session).user(current_user.username),
                                        utcnow())
            key = instance.process_key
        flash(_("事项 %(id)d 已迁移到第 %(version)d 版", id=instance_id, version=version))
    except Conflict as refused:
        with services().db.reader() as session:
            key = session.get(Instance, instance_id).process_key
        flash(_("事项 %(id)d 不能迁移：%(why)s", id=instance_id, why=engine_text(refused.msg)))
    return redirect(url_for("modeler.edit", key=key))
