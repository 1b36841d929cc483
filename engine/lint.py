"""`powerflow lint`: static checks of every file in `processes/`, each error naming file and element."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .catalog import load_catalog
from .definitions import NS, load_forms, parse_documents, process_problems, secure_xml
from .errors import DefinitionError, Msg
from .xml_ids import MESSAGE as BAD_ID, invalid_ids

FLOW_NODE_TAGS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
                  "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask", "task", "sendTask",
                  "receiveTask", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
                  "inclusiveGateway", "eventBasedGateway")

# What the engine runs (the modeler offers only these): element -> the event definitions it may carry.
SUPPORTED = {"startEvent": set(), "endEvent": set(), "intermediateCatchEvent": {"timer", "message"},
             "boundaryEvent": {"timer"}, "userTask": set(), "scriptTask": set(), "businessRuleTask": set(),
             "callActivity": set(), "subProcess": set(), "exclusiveGateway": set(), "parallelGateway": set()}


@dataclass(frozen=True)
class Problem:
    filename: str
    element: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.filename}" + (f" [{self.element}]" if self.element else "") + f": {self.message}"


def _local(node) -> str:
    return etree.QName(node).localname


def _flow_nodes(container) -> list:
    return [c for c in container if isinstance(c.tag, str) and _local(c) in FLOW_NODE_TAGS]


def _lanes(process, roles: set[str], filename: str) -> list[Problem]:
    """Every lane maps to a known role: by its name, or through the candidateRole of each of its tasks."""
    problems = []
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        name = lane.get("name") or ""
        if name in roles:
            continue
        refs = {r.text.strip() for r in lane.xpath("./bpmn:flowNodeRef", namespaces=NS)}
        tasks = [n for n in process.xpath(".//bpmn:userTask", namespaces=NS) if n.get("id") in refs]
        def declared(task):
            props = task.xpath(".//spiffworkflow:property[@name='candidateRole']/@value", namespaces=NS)
            return props and props[0] in roles
        if not tasks or not all(declared(t) for t in tasks):
            problems.append(Problem(filename, lane.get("id"), Msg("lint.lane_role", name=name)))
    return problems


def _supported(process, filename: str) -> list[Problem]:
    """Only element types and events the engine runs."""
    problems = []
    for node in process.xpath(".//*", namespaces=NS):
        if not isinstance(node.tag, str) or _local(node) not in FLOW_NODE_TAGS:
            continue
        kind = _local(node)
        events = {_local(d).removesuffix("EventDefinition") for d in node
                  if isinstance(d.tag, str) and _local(d).endswith("EventDefinition")}
        if kind not in SUPPORTED:
            problems.append(Problem(filename, node.get("id"), Msg("lint.unsupported_element", kind=kind)))
        elif events - SUPPORTED[kind] or (kind in ("intermediateCatchEvent", "boundaryEvent") and not events):
            problems.append(Problem(filename, node.get("id"), Msg("lint.unsupported_event", kind=kind, events="、".join(sorted(events)) or "none")))
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


def _reachability(container, filename: str) -> list[Problem]:
    """Every element is reachable from a start and reaches an end, in each (sub)process scope."""
    nodes = {n.get("id"): n for n in _flow_nodes(container)}
    edges = [(f.get("sourceRef"), f.get("targetRef")) for f in container.xpath("./bpmn:sequenceFlow", namespaces=NS)]
    forward: dict[str, set[str]] = {n: set() for n in nodes}
    backward: dict[str, set[str]] = {n: set() for n in nodes}
    for source, target in edges:
        if source in nodes and target in nodes:
            forward[source].add(target)
            backward[target].add(source)
    for node in nodes.values():  # a boundary event runs when its task does
        if _local(node) == "boundaryEvent" and node.get("attachedToRef") in nodes:
            forward[node.get("attachedToRef")].add(node.get("id"))

    def closure(start: set[str], graph: dict[str, set[str]]) -> set[str]:
        seen, todo = set(start), list(start)
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    starts = {i for i, n in nodes.items() if _local(n) == "startEvent"}
    ends = {i for i, n in nodes.items() if _local(n) == "endEvent"}
    reached, finishing = closure(starts, forward), closure(ends, backward)
    problems = [Problem(filename, i, Msg("lint.unreachable")) for i in nodes if i not in reached]
    problems += [Problem(filename, i, Msg("lint.dead_end")) for i in nodes if i in reached and i not in finishing]
    for node in nodes.values():
        if _local(node) == "subProcess":
            problems += _reachability(node, filename)
    return problems


def _diagram(root, filename: str) -> list[Problem]:
    """DI is present for every element, so the file opens in bpmn-js as drawn."""
    drawn = set(root.xpath("//bpmndi:BPMNShape/@bpmnElement | //bpmndi:BPMNEdge/@bpmnElement",
                           namespaces={"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}))
    elements = [n for n in root.xpath("//bpmn:process//*", namespaces=NS)
                if isinstance(n.tag, str) and (_local(n) in FLOW_NODE_TAGS or _local(n) in ("sequenceFlow", "lane"))]
    return [Problem(filename, n.get("id"), Msg("lint.no_diagram")) for n in elements if n.get("id") not in drawn]


def lint_file(path: Path, forms: dict, dmn: dict, roles: set[str], library: dict[str, bytes] | None = None) -> list[Problem]:
    """All problems of one BPMN file (see lint_document)."""
    return lint_document(path.read_bytes(), path.name, forms, dmn, roles, library)


def lint_document(data: bytes, filename: str, forms: dict, dmn: dict, roles: set[str],
                  library: dict[str, bytes] | None = None) -> list[Problem]:
    """All problems of one BPMN document: the structural checks, then whatever SpiffWorkflow refuses.

    ``library`` holds the other BPMN files, whose processes a call activity in this one may call.
    """
    try:
        root = secure_xml(data, filename).getroot()
    except DefinitionError as error:
        return [Problem(error.filename, error.element, error.message)]
    bad_ids = invalid_ids(root)
    problems = [Problem(filename, element, BAD_ID) for element in bad_ids]
    processes = root.xpath("//bpmn:process", namespaces=NS)
    if not root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS):
        problems.append(Problem(filename, None, Msg("definition.no_executable")))
    for process in processes:
        problems += _supported(process, filename) + _lanes(process, roles, filename) + _gateways(process, filename)
        if not process.xpath("./bpmn:startEvent", namespaces=NS):
            problems.append(Problem(filename, process.get("id"), Msg("lint.no_start")))
        problems += _reachability(process, filename)
        # roles were checked per lane above, so that the error names the lane
        problems += [Problem(filename, e, m) for e, m in process_problems(process, filename, forms, None)]
    problems += _diagram(root, filename)
    if bad_ids or not processes:
        return problems  # the parse below would only refuse the first bad id (or the missing process) again
    try:
        parse_documents({**(library or {}), filename: data}, forms, dmn, None, only=filename, checks=False)
    except DefinitionError as error:
        problems.append(Problem(error.filename, error.element, error.message))
    return list(dict.fromkeys(problems))


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
        except DefinitionError:
            pass  # already reported by lint_file
    try:
        load_catalog(processes_dir, keys)
    except DefinitionError as error:
        problems.append(Problem(error.filename, error.element, error.message))
    return list(dict.fromkeys(problems))  # a broken table is met again in every file that parses it


def lint_table(data: bytes, filename: str) -> list[Problem]:
    """The problems of one DMN document: XML safety and element ids."""
    try:
        tree = secure_xml(data, filename)
    except DefinitionError as error:
        return [Problem(error.filename, error.element, error.message)]
    return [Problem(filename, element, BAD_ID) for element in invalid_ids(tree)]
