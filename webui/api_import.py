"""JSON API for designers: import a diagram drawn for Camunda 7, Camunda 8 (Zeebe) or SpiffArena, with its report.

``imported_design`` is shared with the modeler's 打开文件 (``/modeler/import``)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from engine.design_studio import DesignStudio
from engine.errors import FormInvalid, Msg
from engine.importing import DIALECTS

from . import services
from .api import _json_body, token_required
from .errors import engine_text, problem_list

bp = Blueprint("api_import", __name__, url_prefix="/api/v1")


@bp.post("/designs/import")
@token_required
def import_design():
    return jsonify(imported_design(g.principal.username, *import_fields(_json_body())))


def studio() -> DesignStudio:
    """The engine's design service of this app."""
    return DesignStudio(services().db, services().processes_dir)


def imported_design(username: str, xml: str, filename: str | None, forms: dict) -> dict:
    """The upload converted to our dialect, its report and what validation still finds, in the reader's language."""
    imported = studio().import_design(username, xml, filename, forms)
    return {"dialect": imported.dialect, "dialect_name": DIALECTS[imported.dialect], "bpmn_xml": imported.bpmn_xml,
            "report": [entry.as_json(engine_text) for entry in imported.report],
            "problems": problem_list(imported.rejected) if imported.rejected else []}


def import_fields(body: dict) -> tuple[str, str | None, dict]:
    """The upload's fields, each wrong one named at once."""
    xml, filename, forms = body.get("bpmn_xml"), body.get("filename"), body.get("forms", {})
    errors = {}
    if not isinstance(xml, str) or not xml.strip():
        errors["bpmn_xml"] = Msg("import.no_xml")
    if filename is not None and (not isinstance(filename, str) or not filename.endswith(".bpmn")
                                 or "/" in filename or "\\" in filename or filename == ".bpmn"):
        errors["filename"] = Msg("import.bad_filename")
    if not isinstance(forms, dict):
        errors["forms"] = Msg("import.forms_object")
    if errors:
        raise FormInvalid(errors)
    return xml, filename or None, forms
