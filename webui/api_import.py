"""JSON API for designers: import a diagram drawn for Camunda 7, Camunda 8 (Zeebe) or SpiffArena, with its report.

``imported_design`` is shared with the modeler's 打开文件 (``/modeler/import``)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from engine.process.design_studio import DesignStudio
from engine.process.importing import DIALECTS

from . import services
from .api import _json_body, token_required
from .errors import engine_text, problem_list

bp = Blueprint("api_import", __name__, url_prefix="/api/v1")


@bp.post("/designs/import")
@token_required
def import_design():
    return jsonify(imported_design(g.principal.username, _json_body()))


def studio() -> DesignStudio:
    """The engine's design service of this app."""
    return DesignStudio(services().db, services().processes_dir)


def imported_design(username: str, body: dict) -> dict:
    """The upload converted to our dialect, its report and what validation still finds, in the reader's language."""
    imported = studio().import_design(username, body)
    return {"dialect": imported.dialect, "dialect_name": DIALECTS[imported.dialect], "bpmn_xml": imported.bpmn_xml,
            "report": [entry.as_json(engine_text) for entry in imported.report],
            "problems": problem_list(imported.rejected) if imported.rejected else []}
