"""JSON API for designers: validate and deploy diagrams, list versions, roll back, migrate matters."""
from __future__ import annotations

from flask import Blueprint, g, jsonify
from flask_babel import gettext as _

from webui.api.requests import json_body, token_required
from webui.pages.modeler import studio

bp = Blueprint("api_designs", __name__, url_prefix="/api/v1")


@bp.post("/designs/validate")
@token_required
def validate():
    body = json_body()
    return jsonify({"ok": True, "processes": studio().check(g.principal.username, body)})


@bp.post("/designs")
@token_required
def deploy():
    body = json_body()
    results = studio().deploy(g.principal.username, body)  # the role is checked before the upload is read
    return jsonify({"deployed": [vars(r) for r in results]}), 201


@bp.get("/processes/<key>/versions")
@token_required
def version_list(key: str):
    return jsonify(studio().history(key))


@bp.post("/processes/<key>/rollback")
@token_required
def rollback(key: str):
    body = json_body()
    result = studio().rollback(g.principal.username, key, _int(body.get("version")))
    return jsonify(vars(result)), 201


@bp.post("/instances/<int:instance_id>/migrate")
@token_required
def migrate(instance_id: int):
    body = json_body()
    _key, version = studio().migrate(g.principal.username, instance_id, _int(body.get("version")))
    return jsonify({"id": instance_id, "version": version})


def _int(value) -> int:
    from engine.errors import FormInvalid
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FormInvalid({"version": _("请给出版本号（正整数）")})
    return value
