"""Designers' diagrams from the modeler: checked like `powerflow lint`, deployed as new versions, rolled back."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy.orm import Session

from engine.process.definitions import NS, ProcessDefinition, load_forms, parse_bpmn, read_directory, secure_xml
from engine.process.deployment import DeployResult, deploy_definitions
from engine.directory.people import Directory
from engine.errors import DefinitionError, Forbidden, Msg, NotFound, joined
from engine.process.lint import Problem, element_names, lint_document
from engine.models import ProcessVersion, User
from engine.process.xml_encoding import declared_utf8
from engine.process.xml_ids import is_ncname

DESIGNER_ROLE = "设计员"
MAX_FORMS = 100


class DesignRejected(DefinitionError):
    """A design with problems; ``problems`` name the file and element of each."""

    def __init__(self, problems: list[Problem], names: dict[str, str] | None = None):
        super().__init__(problems[0].filename, problems[0].element, problems[0].message)
        self.problems = problems
        self.errors: dict[str, str] = {}
        for p in problems:  # one element may have several problems: none is dropped
            where = p.element or p.filename
            self.errors[where] = joined([self.errors[where], p.message]) if where in self.errors else p.message
        names = names or {}
        self.details = [{"element": p.element, "name": names.get(p.element or "") or p.element or p.filename,
                         "message": p.message} for p in problems]


@dataclass
class Design:
    """What the modeler sends: one BPMN document and the forms it brings (filename -> JSON Schema)."""

    filename: str
    bpmn: bytes
    forms: dict[str, dict]


def require_designer(user: User) -> None:
    if DESIGNER_ROLE not in user.role_names:
        raise Forbidden("design.designers_only")


def _form_problems(forms: object) -> list[Problem]:
    if not isinstance(forms, dict) or len(forms) > MAX_FORMS:
        return [Problem("forms", None, Msg("design.forms_object", limit=MAX_FORMS))]
    problems = []
    for name, schema in forms.items():
        if not isinstance(name, str) or not name.endswith(".schema.json") or "/" in name or "\\" in name:
            problems.append(Problem(f"forms/{name}", None, Msg("design.form_filename")))
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            problems.append(Problem(f"forms/{name}", None, Msg("definition.bad_schema", error=exc.message)))
            continue
        if not isinstance(schema, dict) or schema.get("type") != "object":
            problems.append(Problem(f"forms/{name}", None,
                                    Msg("definition.bad_schema", error=Msg("design.form_not_object"))))
            continue
        for field, prop in (schema.get("properties") or {}).items():
            low, high = (prop.get("minimum"), prop.get("maximum")) if isinstance(prop, dict) else (None, None)
            if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
                problems.append(Problem(f"forms/{name}", None, Msg("design.min_above_max", field=field, low=low, high=high)))
    return problems


def check(session: Session, design: Design, processes_dir: Path) -> list[ProcessDefinition]:
    """Every check of `powerflow lint` plus parsing; the definitions, or DesignRejected naming each problem."""
    problems = _form_problems(design.forms)
    if problems:
        raise DesignRejected(problems)
    processes_dir = Path(processes_dir)
    forms = {**load_forms(processes_dir / "forms"), **design.forms}
    dmn = {p.name: p.read_bytes() for p in sorted(processes_dir.glob("*.dmn"))}
    library = {p.name: p.read_bytes() for p in sorted(processes_dir.glob("*.bpmn")) if p.name != design.filename}
    roles = Directory(session).role_names()
    problems = lint_document(design.bpmn, design.filename, forms, dmn, roles, library)
    if problems:
        raise DesignRejected(problems, element_names(design.bpmn))
    try:
        return parse_bpmn(design.bpmn, design.filename, forms, dmn, roles, library)
    except DefinitionError as error:
        raise DesignRejected([Problem(error.filename, error.element, error.message)],
                             element_names(design.bpmn)) from None


def deploy(session: Session, design: Design, processes_dir: Path, user: User) -> list[DeployResult]:
    """Check and deploy a design as a new version of each process in it (an unchanged one stays)."""
    require_designer(user)
    return deploy_definitions(session, check(session, design, processes_dir), user.username)


def design_from_json(body: dict) -> Design:
    """Read {"filename", "bpmn_xml", "forms"} as sent by the modeler or the API."""
    xml = body.get("bpmn_xml")
    if not isinstance(xml, str) or not xml.strip():
        raise DesignRejected([Problem("bpmn_xml", None, Msg("design.no_xml"))])
    xml = declared_utf8(xml)  # JSON brings text: its bytes from here on are UTF-8, whatever the file declared
    filename = body.get("filename") or ""
    if not filename:
        try:
            process = secure_xml(xml.encode("utf-8"), "upload.bpmn").xpath("//bpmn:process/@id", namespaces=NS)
        except DefinitionError as error:
            raise DesignRejected([Problem(error.filename, error.element, error.message)]) from None
        # a process id that is no NCName would make a bad file name; lint then names the element
        filename = f"{process[0]}.bpmn" if process and is_ncname(process[0]) else "upload.bpmn"
    if not filename.endswith(".bpmn") or "/" in filename or "\\" in filename:
        raise DesignRejected([Problem("filename", None, Msg("design.bad_filename"))])
    return Design(filename, xml.encode("utf-8"), body.get("forms") or {})


def rollback(session: Session, process_key: str, version: int, user: User) -> DeployResult:
    """Deploy an earlier version's content again, as the newest version; running matters stay where they are."""
    require_designer(user)
    old = session.query(ProcessVersion).filter_by(process_key=process_key, version=version).one_or_none()
    if old is None:
        raise NotFound("process.no_version", process_key=process_key, version=version)
    definition = ProcessDefinition(
        key=old.process_key, name=old.name, source_file=old.source_file, bpmn_xml=old.bpmn_xml,
        forms=old.forms, spec_json=old.spec_json, start_role=old.start_role,
        content_hash="rollback:" + old.content_hash[:55])  # differs from the newest, so it is a new version
    result = deploy_definitions(session, [definition], user.username)[0]
    new = session.query(ProcessVersion).filter_by(process_key=process_key, version=result.version).one()
    new.content_hash = old.content_hash  # redeploying the same files later is then "unchanged"
    return result


def deploy_table(session: Session, name: str, xml: str, processes_dir: Path, user: User) -> list[DeployResult]:
    """Deploy an edited DMN table: each process using it gets a new version; the others stay as they are."""
    require_designer(user)
    processes_dir = Path(processes_dir)
    if name not in {p.name for p in processes_dir.glob("*.dmn")}:
        raise NotFound("dmn.missing", name=name)
    data = (xml or "").encode("utf-8")
    try:
        secure_xml(data, name)
        definitions = read_directory(processes_dir, Directory(session).role_names(), {name: data})
    except DefinitionError as error:
        raise DesignRejected([Problem(error.filename, error.element, error.message)]) from None
    return [r for r in deploy_definitions(session, definitions, user.username) if r.status != "unchanged"]
