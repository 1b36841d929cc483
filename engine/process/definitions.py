"""Process definitions: read `processes/`, check them, and parse them with SpiffBpmnParser."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.errors import DefinitionError, Msg
from engine.bpmn.forms import keep_order
from engine.process.meaning import meaning_digest
from engine.process.lint_refs import decision_ids, reference_problems
from engine.process.lint_data import data_store_problems, multi_instance_problems, produced_names, timer_problems, call_index, with_callers
from engine.process.lint_structure import call_cycles, lane_refs, supported
from engine.committee.rules import CHECKS, names as rule_names
from engine.process.decision_tables import check_decision_table
from engine.bpmn.scripting import check_expression, check_script
from engine.bpmn.serialization import spec_to_json
from engine.process.xml_encoding import to_utf8
from engine.bpmn.xml_safety import MAX_FILE_BYTES, NS, secure_xml  # noqa: F401 (re-exported: every reader parses through it)
from engine.process.xml_ids import check_ids

FORM_PROPERTY = "formJsonSchemaFilename"
FILE_PROPERTY = "file"  # which earlier steps' data the holder sees: absent (all), "none", or element ids


@dataclass
class ProcessDefinition:
    """One executable process read from a BPMN file, ready to deploy as a version."""

    key: str
    name: str
    source_file: str
    bpmn_xml: str
    forms: dict[str, dict]
    spec_json: str
    start_role: str | None
    content_hash: str
    dmn: dict[str, str] = field(default_factory=dict)


def step_properties(node) -> dict[str, str]:
    """An element's ``spiffworkflow:property`` values by name."""
    props = node.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p.get("value") for p in props}


def personal_step(props: dict[str, str]) -> bool:
    """A step assigned to the person its matter names, whatever role they hold (``anyRole``: a case's official)."""
    return "assignee" in props and props.get("anyRole") == "true"


def show_pairs(value: str | None) -> list[tuple[str, str]]:
    """The `show` property: "label=expression;…", data a task page displays read-only."""
    pairs = []
    for part in (value or "").split(";"):
        if "=" in part:
            label, expression = part.split("=", 1)
            pairs.append((label.strip(), expression.strip()))
    return pairs


def _lanes(process) -> dict[str, str]:
    lanes = {}
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NS):
            if (ref.text or "").strip():  # an empty one is reported by lane_refs
                lanes[ref.text.strip()] = lane.get("name") or lane.get("id")
    return lanes


def process_problems(process, filename: str, forms: dict[str, dict], known_roles: set[str] | None,
                     produced: set[str] | None) -> list[tuple[str | None, str]]:
    """Every (element, message) SpiffWorkflow does not check: forms, roles, scripts, conditions, properties.

    ``produced``: the variables some step of the documents sets (engine.process.lint_data.produced_names; None when a
    decision table may set any), for multi-instance inputs.
    """
    lanes, found = _lanes(process), supported(process) + lane_refs(process) + timer_problems(process)
    found += multi_instance_problems(process, produced)
    for node in process.xpath(".//bpmn:scriptTask", namespaces=NS):
        script = "".join(node.xpath("./bpmn:script/text()", namespaces=NS))
        if (why := check_script(script)) is not None:
            found.append((node.get("id"), why))
    for node in process.xpath(".//spiffworkflow:preScript | .//spiffworkflow:postScript", namespaces=NS):
        if (why := check_script(node.text or "")) is not None:
            found.append((node.getparent().getparent().get("id"), why))
    for node in process.xpath(".//bpmn:conditionExpression", namespaces=NS):
        if (why := check_expression((node.text or "").strip())) is not None:
            found.append((node.getparent().get("id"), why))
    user_tasks = {n.get("id") for n in process.xpath(".//bpmn:userTask", namespaces=NS)}
    for node in process.xpath(".//bpmn:userTask", namespaces=NS):
        found += [(node.get("id"), why) for why in _task_problems(node, step_properties(node), forms, known_roles,
                                                                   lanes, user_tasks)]
    return found


def _task_problems(node, props: dict, forms: dict, known_roles: set[str] | None, lanes: dict,
                   user_tasks: set[str]) -> list[str]:
    element, found = node.get("id"), []
    form = props.get(FORM_PROPERTY)
    if not form:
        found.append(Msg("definition.no_form", property=FORM_PROPERTY))
    elif form not in forms:
        found.append(Msg("definition.form_missing", form=form))
    role = props.get("candidateRole") or lanes.get(element)
    if not role:
        found.append(Msg("definition.no_role"))
    elif known_roles is not None and role not in known_roles and not personal_step(props):
        found.append(Msg("definition.unknown_role", role=role))
    if "assignee" in props and (why := check_expression(props["assignee"])) is not None:
        found.append(Msg("definition.expression", property="assignee", why=why))
    unknown = [n for n in rule_names(props.get("check")) if n not in CHECKS]
    if unknown:
        found.append(Msg("definition.unknown_checks", names="、".join(unknown)))
    for label, expression in show_pairs(props.get("show")):
        if (why := check_expression(expression)) is not None:
            found.append(Msg("definition.show_expression", label=label, why=why))
    for expression_property in ("subject", "ballotKey", "ballotOptions"):
        if expression_property in props and (why := check_expression(props[expression_property])):
            found.append(Msg("definition.expression", property=expression_property, why=why))
    due = props.get("dueInWorkingDays")
    if due is not None and not due.isdigit() and (why := check_expression(due)) is not None:
        found.append(Msg("definition.due", why=why))
    shown = (props.get(FILE_PROPERTY) or "").split()
    if shown != ["none"]:
        wrong = [i for i in shown if i not in user_tasks or i == element]
        if wrong:
            found.append(Msg("definition.file_not_tasks", ids="、".join(wrong)))
    return found


def _check_document(tree, filename: str, forms: dict[str, dict], known_roles: set[str] | None,
                    produced: set[str] | None, keys: set[str], decisions: set[str]) -> None:
    """Raise the first problem SpiffWorkflow does not check (references, data stores, each process's), naming its element."""
    found = reference_problems(tree.getroot(), keys, decisions) + data_store_problems(tree.getroot())
    for process in tree.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS):
        found += process_problems(process, filename, forms, known_roles, produced)
    for element, message in found[:1]:
        raise DefinitionError(filename, element, message)


def load_forms(forms_dir: Path) -> dict[str, dict]:
    forms = {}
    for path in sorted(forms_dir.glob("*.json")) if forms_dir.is_dir() else []:
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
            Draft202012Validator.check_schema(schema)
        except (ValueError, SchemaError) as exc:
            raise DefinitionError(f"forms/{path.name}", None, Msg("definition.bad_schema", error=str(exc))) from None
        forms[path.name] = schema
    return forms


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _parser(trees: dict[str, etree._ElementTree], dmn: dict[str, bytes]) -> SpiffBpmnParser:
    """One parser over every document, so a call activity finds the process it calls in another file."""
    parser = SpiffBpmnParser()
    filename = None
    try:
        for filename, dmn_bytes in sorted(dmn.items()):
            table = secure_xml(dmn_bytes, filename)
            check_ids(table, filename)
            check_decision_table(table, filename)
            parser.add_dmn_xml(table.getroot(), filename=filename)
        for filename, tree in trees.items():
            parser.add_bpmn_xml(tree, filename=filename)
    except Exception as exc:  # SpiffWorkflow raises more than ValidationException on odd diagrams
        raise parser_failure(exc, filename, None) from None
    return parser


def parser_failure(exc: Exception, filename: str, element: str | None) -> DefinitionError:
    """SpiffWorkflow's refusal as a DefinitionError naming the element (its own id, or one its message quotes)."""
    if isinstance(exc, DefinitionError):
        return exc
    if isinstance(exc, ValidationException):
        return DefinitionError(filename, getattr(exc, "id", None) or element, str(exc).splitlines()[0])
    quoted = re.search(rb'\bid="([^"]+)"', b" ".join(a if isinstance(a, bytes) else str(a).encode() for a in exc.args))
    return DefinitionError(filename, quoted.group(1).decode() if quoted else element,
                           Msg("definition.parser_failed", kind=type(exc).__name__, error=str(exc.args[0] if exc.args else exc)[:200]))


def _called(tree: etree._ElementTree) -> set[str]:
    return set(tree.xpath("//bpmn:callActivity/@calledElement", namespaces=NS))


def parse_documents(documents: dict[str, bytes], forms: dict[str, dict], dmn: dict[str, bytes] | None = None,
                    known_roles: set[str] | None = None, only: str | None = None,
                    checks: bool = True) -> list[ProcessDefinition]:
    """Check and parse BPMN documents; return each executable process (of the file ``only``, if given).

    ``checks=False`` leaves out process_problems, for a caller (lint) that collects them all itself.

    Each file is parsed with the files it calls (call activities, transitively) and no others, so
    ids private to one file (an embedded subprocess, say) may recur in another.
    """
    documents = {name: to_utf8(data) for name, data in documents.items()}  # per each one's declared encoding
    trees = {name: secure_xml(data, name) for name, data in documents.items()}
    for name, tree in trees.items():
        check_ids(tree, name)
    dmn = {name: to_utf8(data) for name, data in (dmn or {}).items()}
    processes = {node.get("id"): (name, node) for name, tree in trees.items()
                 for node in tree.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS)}
    dmn_text = {k: v.decode("utf-8") for k, v in sorted(dmn.items())}
    roots = [t.getroot() for t in trees.values()]
    if checks:  # what every file's checks read, the same for each file
        keys = {p.get("id") for root in roots for p in root.xpath("//bpmn:process", namespaces=NS)}
        decisions, calls = decision_ids(dmn), call_index(roots)
    result = []
    for filename, tree in trees.items():
        if only is not None and filename != only:
            continue
        files, pending = [filename], list(_called(tree))
        while pending:  # the files holding the processes this one calls, and those they call
            key = pending.pop()
            if key in processes and processes[key][0] not in files:
                files.append(processes[key][0])
                pending += _called(trees[processes[key][0]])
        if checks:  # a process calling itself, directly or through others, would recurse without end
            for element, message in call_cycles(roots, tree.getroot())[:1]:
                raise DefinitionError(filename, element, message)
            produced = produced_names(with_callers(tree.getroot(), calls), forms)
            _check_document(tree, filename, forms, known_roles, produced, keys, decisions)
        parser = _parser({f: trees[f] for f in files}, dmn)
        for process in tree.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS):
            result.append(_definition(parser, process, filename, files, documents, processes, forms, dmn_text))
    return result


def _definition(parser, process, filename, files, documents, processes, forms, dmn_text) -> ProcessDefinition:
    key = process.get("id")
    try:
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except Exception as exc:  # as in _parser: whatever the parser raises is a refusal naming the element
        raise parser_failure(exc, filename, key) from None
    # A version is its own file plus every process it calls, with their forms: a change to any is a new version.
    called = sorted(k for k in subprocess_specs if k in processes and processes[k][0] in files and k != key)
    nodes = [process] + [processes[k][1] for k in called]
    used = {f: keep_order(forms[f]) for f in sorted({step_properties(n).get(FORM_PROPERTY) for node in nodes
                                         for n in node.xpath(".//bpmn:userTask", namespaces=NS)} - {None}) if f in forms}
    sources = [documents[filename].decode("utf-8")] + [documents[processes[k][0]].decode("utf-8") for k in called]
    lanes = _lanes(process)
    start = process.xpath("./bpmn:startEvent", namespaces=NS)
    # Only the decision tables this process (or one it calls) uses: editing one table versions only its users.
    decisions = {d.strip() for node in nodes for d in node.xpath(".//spiffworkflow:calledDecisionId/text()", namespaces=NS)}
    tables = {name: text for name, text in dmn_text.items() if any(f'id="{d}"' in text for d in decisions)}
    # identity by meaning: a save that only rewrites or redraws the files is the same version (engine.process.meaning)
    meanings = [meaning_digest(secure_xml(text.encode("utf-8"), filename).getroot()) for text in sources]
    table_meanings = {name: meaning_digest(secure_xml(text.encode("utf-8"), name).getroot()) for name, text in tables.items()}
    digest = _digest(*meanings, json.dumps(used, sort_keys=True, ensure_ascii=False),
                     json.dumps(table_meanings, sort_keys=True))
    return ProcessDefinition(
        key=key, name=process.get("name") or key, source_file=filename, bpmn_xml=sources[0],
        forms=used, spec_json=spec_to_json(spec, subprocess_specs),
        start_role=lanes.get(start[0].get("id")) if start else None, content_hash=digest, dmn=tables)


def parse_bpmn(bpmn: bytes, filename: str, forms: dict[str, dict], dmn: dict[str, bytes] | None = None,
               known_roles: set[str] | None = None, library: dict[str, bytes] | None = None) -> list[ProcessDefinition]:
    """Check and parse one BPMN document (``library``: other documents whose processes it may call)."""
    documents = {**(library or {}), filename: bpmn}
    result = parse_documents(documents, forms, dmn, known_roles, only=filename)
    if not result:
        raise DefinitionError(filename, None, Msg("definition.no_executable"))
    return result


def read_directory(processes_dir: Path, known_roles: set[str] | None = None,
                   dmn_override: dict[str, bytes] | None = None) -> list[ProcessDefinition]:
    """Read every `*.bpmn` in a directory with its forms and DMN tables (some replaced by ``dmn_override``)."""
    processes_dir = Path(processes_dir)
    forms = load_forms(processes_dir / "forms")
    dmn = {p.name: p.read_bytes() for p in sorted(processes_dir.glob("*.dmn"))} | (dmn_override or {})
    documents = {p.name: p.read_bytes() for p in sorted(processes_dir.glob("*.bpmn"))}
    seen: dict[str, str] = {}
    for name, data in documents.items():
        for key in secure_xml(data, name).xpath("//bpmn:process[@isExecutable='true']/@id", namespaces=NS):
            if key in seen:
                raise DefinitionError(name, key, Msg("definition.duplicate_key", other=seen[key]))
            seen[key] = name
        if name not in seen.values():
            raise DefinitionError(name, None, Msg("definition.no_executable"))
    return parse_documents(documents, forms, dmn, known_roles)
