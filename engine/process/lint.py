"""`powerflow lint`: static checks of every file in `processes/`, each error naming file and element."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.process.catalog import load_catalog
from engine.process.definitions import (NS, load_forms, parse_documents, personal_step, process_problems, secure_xml,
                                        step_properties)
from engine.errors import DefinitionError, Msg
from engine.process.lint_data import call_index, data_store_problems, produced_names, with_callers
from engine.process.lint_refs import decision_ids, reference_problems
from engine.process.lint_structure import call_cycles, diagram, loop_data_refs, reachability
from engine.process.xml_encoding import to_utf8
from engine.process.xml_ids import MESSAGE as BAD_ID, invalid_ids


@dataclass(frozen=True)
class Problem:
    filename: str
    element: str | None
    message: str
    name: str | None = None  # the element's name, where it has one

    def __str__(self) -> str:
        return (f"{self.filename}" + (f" [{self.element}]" if self.element else "")
                + (f" “{self.name}”" if self.name else "") + f": {self.message}")


def _lanes(process, roles: set[str], filename: str) -> list[Problem]:
    """Every lane maps to a known role: by its name, or through each of its tasks, which declares a known candidateRole
    or is assigned to a person its matter names who may hold any role (``anyRole``: a case's official, say)."""
    problems = []
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        name = lane.get("name") or ""
        if name in roles:
            continue
        refs = {(r.text or "").strip() for r in lane.xpath("./bpmn:flowNodeRef", namespaces=NS)}
        tasks = [n for n in process.xpath(".//bpmn:userTask", namespaces=NS) if n.get("id") in refs]
        def declared(props: dict[str, str]) -> bool:
            return props["candidateRole"] in roles if "candidateRole" in props else personal_step(props)
        if not tasks or not all(declared(step_properties(t)) for t in tasks):
            problems.append(Problem(filename, lane.get("id"), Msg("lint.lane_role", name=name)))
    return problems


def element_names(data: bytes) -> dict[str, str]:
    """Each element's name by its id, to report problems by name (an unreadable document has none)."""
    try:
        root = secure_xml(data, "document").getroot()
    except DefinitionError:
        return {}
    return {n.get("id"): n.get("name") for n in root.iter() if isinstance(n.tag, str) and n.get("id") and n.get("name")}


def _gateways(process, filename: str) -> list[Problem]:
    """Every exclusive gateway that branches has a condition on each branch or a default."""
    problems = []
    flows = {f.get("id"): f for f in process.xpath(".//bpmn:sequenceFlow", namespaces=NS)}
    for gateway in process.xpath(".//bpmn:exclusiveGateway", namespaces=NS):
        outgoing = [f for f in flows.values() if f.get("sourceRef") == gateway.get("id")]
        if len(outgoing) < 2:
            continue
        default = gateway.get("default")
        bare = [f.get("id") for f in outgoing if f.get("id") != default
                and not f.xpath("./bpmn:conditionExpression", namespaces=NS)]
        if bare:
            problems.append(Problem(filename, gateway.get("id"),
                                    Msg("lint.gateway_branches", flows=", ".join(bare))))
    return problems


def lint_file(path: Path, forms: dict, dmn: dict, roles: set[str], library: dict[str, bytes] | None = None) -> list[Problem]:
    """All problems of one BPMN file (see lint_document)."""
    return lint_document(path.read_bytes(), path.name, forms, dmn, roles, library)


def lint_document(data: bytes, filename: str, forms: dict, dmn: dict, roles: set[str],
                  library: dict[str, bytes] | None = None) -> list[Problem]:
    """All problems of one BPMN document: the structural checks, then whatever SpiffWorkflow refuses.

    ``library`` holds the other BPMN files, whose processes a call activity in this one may call.
    """
    data = to_utf8(data)  # read per its declared encoding
    try:
        root = secure_xml(data, filename).getroot()
    except DefinitionError as error:
        return [Problem(error.filename, error.element, error.message)]
    bad_ids = invalid_ids(root)
    problems = [Problem(filename, element, BAD_ID) for element in bad_ids]
    processes = root.xpath("//bpmn:process", namespaces=NS)
    if not root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS):
        problems.append(Problem(filename, None, Msg("definition.no_executable")))
    others = _roots(library)
    produced = produced_names(with_callers(root, call_index(others + [root])), forms)
    for process in processes:
        problems += _lanes(process, roles, filename) + _gateways(process, filename)
        if not process.xpath("./bpmn:startEvent", namespaces=NS):
            problems.append(Problem(filename, process.get("id"), Msg("lint.no_start")))
        # roles were checked per lane above, so that the error names the lane
        found = reachability(process) + process_problems(process, filename, forms, None, produced)
        problems += [Problem(filename, e, m) for e, m in found]
    keys = {p.get("id") for r in others + [root] for p in r.xpath("//bpmn:process", namespaces=NS)}
    found = diagram(root) + call_cycles(others + [root], root) + data_store_problems(root)
    found += reference_problems(root, keys, decision_ids(dmn))
    problems += [Problem(filename, e, m) for e, m in found]
    if not bad_ids and processes:  # else the parse would only refuse the first bad id (or the missing process) again
        try:
            parse_documents({**(library or {}), filename: data}, forms, dmn, None, only=filename, checks=False)
        except DefinitionError as error:
            # SpiffWorkflow stops at its first refusal; where ours already named that element (or named any,
            # when its refusal names none) it only restates ours in raw form.
            named = {p.element for p in problems}
            if error.element not in named and (error.element is not None or not problems):
                problems.append(Problem(error.filename, error.element, error.message))
    names = element_names(data)  # each problem of this file names its element by name as well as id
    return list(dict.fromkeys(Problem(p.filename, p.element, p.message, names.get(p.element or ""))
                              if p.filename == filename else p for p in problems))


def _roots(library: dict[str, bytes] | None) -> list:
    """The other documents, for the processes their call activities call (an unreadable one is left out)."""
    roots = []
    for name, data in (library or {}).items():
        try:
            roots.append(secure_xml(to_utf8(data), name).getroot())
        except DefinitionError:
            pass  # lint reports it in its own file
    return roots


def lint_directory(processes_dir: Path, roles: set[str]) -> list[Problem]:
    """Every problem in `processes/`: BPMN files, forms, DMN tables and the power catalog."""
    processes_dir = Path(processes_dir)
    try:
        forms = load_forms(processes_dir / "forms")
    except DefinitionError as error:
        return [Problem(error.filename, error.element, error.message)]
    dmn = {p.name: p.read_bytes() for p in sorted(processes_dir.glob("*.dmn"))}
    problems, keys = [], set()
    for name, data in dmn.items():
        problems += lint_table(data, name)
    paths = sorted(processes_dir.glob("*.bpmn"))
    for path in paths:
        library = {p.name: p.read_bytes() for p in paths if p != path}
        problems += lint_file(path, forms, dmn, roles, library)
        try:
            root = secure_xml(path.read_bytes(), path.name).getroot()
            keys |= set(root.xpath("//bpmn:process[@isExecutable='true']/@id", namespaces=NS))
            # our own files must survive a save in bpmn-js (an upload runs as it is: the engine reads the text)
            names = element_names(path.read_bytes())
            problems += [Problem(path.name, e, m, names.get(e or "")) for e, m in loop_data_refs(root)]
        except DefinitionError:
            pass  # already reported by lint_file
    try:
        load_catalog(processes_dir, keys)
    except DefinitionError as error:
        problems.append(Problem(error.filename, error.element, error.message))
    # A broken table, or a file another one calls, is met again by every file that parses it; keep one
    # problem each, the one that names its element where any does.
    unique: dict[tuple, Problem] = {}
    for problem in problems:
        key = (problem.filename, problem.element, problem.message)
        if key not in unique or (problem.name and not unique[key].name):
            unique[key] = problem
    return list(unique.values())


def lint_table(data: bytes, filename: str) -> list[Problem]:
    """The problems of one DMN document: XML safety and element ids."""
    try:
        tree = secure_xml(data, filename)
    except DefinitionError as error:
        return [Problem(error.filename, error.element, error.message)]
    return [Problem(filename, element, BAD_ID) for element in invalid_ids(tree)]
