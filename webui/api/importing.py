"""JSON API for designers: import a diagram drawn for Camunda 7, Camunda 8 (Zeebe) or SpiffArena, with its report
(``webui.pages.modeler.imported_design``, shared with the modeler's 打开文件)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from webui.api.requests import json_body, token_required
from webui.pages.modeler import imported_design

bp = Blueprint("api_import", __name__, url_prefix="/api/v1")


@bp.post("/designs/import")
@token_required
def import_design():
    return jsonify(imported_design(g.principal.username, json_body()))
