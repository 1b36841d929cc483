"""JSON API for designers: import a diagram drawn for Camunda 7, Camunda 8 (Zeebe) or SpiffArena, with its report.

``imported_design`` is shared with the modeler's 打开文件 (``/modeler/import``)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from engine import designs
from engine.directory import Directory
from engine.errors import FormInvalid, Msg
from engine.importing import DIALECTS, import_document
from engine.xml_encoding import declared_utf8

from . import services
from .api import _json_body, _user, token_required
from .errors import engine_text, problem_list

bp = Blueprint("api_import", __name__, url_prefix="/api/v1")


@bp.post("/designs/import")
@token_required
def import_design():
    body = _json_body()
    with services().db.reader() as session:
        designs.require_designer(_user(session))  # before reading the upload: a non-designer learns nothing about it
        return jsonify(imported_design(session, *import_fields(body)))


def imported_design(session, xml: str, filename: str | None, forms: dict) -> dict:
    """The upload converted to our dialect, its report and what validation still finds, in the reader's language."""
    directory = Directory(session)
    users = {u.username for u in directory.users() if u.active}
    imported = import_document(declared_utf8(xml).encode("utf-8"), directory.role_names(), users,
                               filename or "upload.bpmn")
    converted = imported.bpmn.decode("utf-8")
    problems = _problems(session, {"bpmn_xml": converted, "filename": filename, "forms": forms})
    return {"dialect": imported.dialect, "dialect_name": DIALECTS[imported.dialect], "bpmn_xml": converted,
            "report": [entry.as_json(engine_text) for entry in imported.report], "problems": problems}


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


def _problems(session, body: dict) -> list[dict]:
    """What validation still finds in the converted diagram, all at once, each naming its element."""
    try:
        designs.check(session, designs.design_from_json(body), services().processes_dir)
    except designs.DesignRejected as rejected:
        return problem_list(rejected)
    return []
