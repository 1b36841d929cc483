"""JSON API for designers: import a diagram drawn for Camunda 7, Camunda 8 (Zeebe) or SpiffArena, with its report
(``webui.pages.modeler.imported_design``, shared with the modeler's 打开文件)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from webui.api.contract import body, endpoint
from webui.api.requests import token_required
from webui.api.schemas.designs import DesignBody, Imported
from webui.pages.modeler import imported_design

bp = Blueprint("api_import", __name__, url_prefix="/api/v1")


@bp.post("/designs/import")
@token_required
@endpoint(Imported, json=DesignBody)
def import_design():
    """Convert a diagram drawn for Camunda 7, Camunda 8 (Zeebe) or SpiffArena, with a report of each change."""
    return jsonify(imported_design(g.principal.username, body().model_dump(exclude_unset=True)))
