"""JSON API for designers: validate and deploy diagrams, list versions, roll back, migrate matters."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import gettext as _

from engine import designs, versions
from engine.models import utcnow

from . import services
from .api import _json_body, _user, token_required

bp = Blueprint("api_designs", __name__, url_prefix="/api/v1")


@bp.post("/designs/validate")
@token_required
def validate():
    body = _json_body()
    with services().db.reader() as session:
        designs.require_designer(_user(session))
        definitions = designs.check(session, designs.design_from_json(body), services().processes_dir)
    return jsonify({"ok": True, "processes": [d.key for d in definitions]})


@bp.post("/designs")
@token_required
def deploy():
    body = _json_body()
    with services().db.transaction() as session:
        user = _user(session)
        designs.require_designer(user)  # before reading the upload: a non-designer learns nothing about it
        results = designs.deploy(session, designs.design_from_json(body), services().processes_dir, user)
    return jsonify({"deployed": [vars(r) for r in results]}), 201


@bp.get("/processes/<key>/versions")
@token_required
def version_list(key: str):
    with services().db.reader() as session:
        return jsonify([version_summary(v, c) for v, c in versions.history(session, key)])


def version_summary(version, changes) -> dict:
    return {"version": version.version, "name": version.name, "deployed_by": version.deployed_by,
            "deployed_at": version.deployed_at.isoformat(), "changes": vars(changes)}


@bp.post("/processes/<key>/rollback")
@token_required
def rollback(key: str):
    body = _json_body()
    with services().db.transaction() as session:
        result = designs.rollback(session, key, _int(body.get("version")), _user(session))
    return jsonify(vars(result)), 201


@bp.post("/instances/<int:instance_id>/migrate")
@token_required
def migrate(instance_id: int):
    body = _json_body()
    with services().db.transaction() as session:
        instance = versions.migrate(session, instance_id, _int(body.get("version")), _user(session), utcnow())
        return jsonify({"id": instance.id, "version": instance.process_version.version})


def _int(value) -> int:
    from engine.errors import FormInvalid
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FormInvalid({"version": _("请给出版本号（正整数）")})
    return value
