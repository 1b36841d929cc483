"""JSON API for designers: validate and deploy diagrams, list versions, roll back, migrate matters."""
from __future__ import annotations

from flask import Blueprint, g, jsonify
from flask_babel import gettext as _

from webui.api.contract import body, endpoint
from webui.api.requests import token_required
from webui.api.schemas.designs import Checked, DesignBody, Deployed, DeployResult, Migrated, VersionBody, Versions
from webui.pages.modeler import studio

bp = Blueprint("api_designs", __name__, url_prefix="/api/v1")


@bp.post("/designs/validate")
@token_required
@endpoint(Checked, json=DesignBody)
def validate():
    """Validate a design as deploying it would, without deploying; a refusal lists every problem."""
    return jsonify({"ok": True, "processes": studio().check(g.principal.username, _design())})


@bp.post("/designs")
@token_required
@endpoint(Deployed, status=201, json=DesignBody)
def deploy():
    """Deploy a design: each changed process becomes a new version (设计人员 only)."""
    results = studio().deploy(g.principal.username, _design())  # the role is checked before the upload is read
    return jsonify({"deployed": [vars(r) for r in results]}), 201


@bp.get("/processes/<key>/versions")
@token_required
@endpoint(Versions)
def version_list(key: str):
    """Every version of the process, newest first, with what changed from the one before."""
    return jsonify(studio().history(key))


@bp.post("/processes/<key>/rollback")
@token_required
@endpoint(DeployResult, status=201, json=VersionBody)
def rollback(key: str):
    """Deploy an earlier version's content again as the newest; running matters stay where they are."""
    result = studio().rollback(g.principal.username, key, _int(body().version))
    return jsonify(vars(result)), 201


@bp.post("/instances/<int:instance_id>/migrate")
@token_required
@endpoint(Migrated, json=VersionBody)
def migrate(instance_id: int):
    """Move a running matter to another version of its process, where its current steps exist there too."""
    _key, version = studio().migrate(g.principal.username, instance_id, _int(body().version))
    return jsonify({"id": instance_id, "version": version})


def _design() -> dict:
    """The design as the engine reads it: the fields sent, absent ones left out."""
    return body().model_dump(exclude_unset=True)


def _int(value) -> int:
    from engine.errors import FormInvalid
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FormInvalid({"version": _("请给出版本号（正整数）")})
    return value
