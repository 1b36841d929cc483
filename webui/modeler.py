"""The modeler: designers draw a process in bpmn-js, edit what the engine needs, validate and deploy."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required

from engine import designs, versions
from engine.definitions import load_forms
from engine.deployment import latest_versions, published_version
from engine.directory import Directory
from engine.errors import FormInvalid

from . import services
from .api_designs import version_summary

bp = Blueprint("modeler", __name__, url_prefix="/modeler")


def designers_only(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        with services().db.reader() as session:
            if designs.DESIGNER_ROLE not in Directory(session).user(current_user.username).role_names:
                abort(403)
        return view(*args, **kwargs)
    return wrapper


@bp.get("/")
@designers_only
def index():
    with services().db.reader() as session:
        items = [{"key": v.process_key, "name": v.name, "version": v.version, "deployed_at": v.deployed_at,
                  "deployed_by": v.deployed_by} for v in latest_versions(session)]
    return render_template("modeler_index.html", processes=items)


def _page(key: str | None):
    with services().db.reader() as session:
        roles = sorted(Directory(session).role_names())
        forms = load_forms(services().processes_dir / "forms")
        xml, history = None, []
        if key:
            version = published_version(session, key)
            xml, forms = version.bpmn_xml, {**forms, **version.forms}
            history = [version_summary(v, c) for v, c in versions.history(session, key)]
    return render_template("modeler.html", key=key, xml=xml, roles=roles, forms=forms, history=history)


@bp.get("/new")
@designers_only
def new():
    return _page(None)


@bp.get("/edit/<key>")
@designers_only
def edit(key: str):
    return _page(key)


def _design():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FormInvalid({"_body": "请求体必须是 JSON 对象"})
    return designs.design_from_json(body)


@bp.post("/validate")
@designers_only
def validate():
    design = _design()
    with services().db.reader() as session:
        definitions = designs.check(session, design, services().processes_dir)
    return jsonify({"ok": True, "processes": [d.key for d in definitions]})


@bp.post("/deploy")
@designers_only
def deploy():
    design = _design()
    with services().db.transaction() as session:
        user = Directory(session).user(current_user.username)
        results = designs.deploy(session, design, services().processes_dir, user)
    return jsonify({"deployed": [vars(r) for r in results]}), 201
