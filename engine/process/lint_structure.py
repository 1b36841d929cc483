"""Structural checks of BPMN documents shared by `powerflow lint`, the designs API and deployment.

Every check is namespace-aware: only elements in the BPMN model namespace are flow nodes, so an extension
element such as ``<zeebe:userTask/>`` is never taken for one. Each check returns (element id, message).
"""
from __future__ import annotations

from lxml import etree

from engine.errors import Msg

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
_NS = {"bpmn": BPMN, "bpmndi": BPMNDI}

FLOW_NODE_TAGS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
                  "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask", "task", "sendTask",
                  "receiveTask", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
                  "inclusiveGateway", "eventBasedGateway", "transaction", "adHocSubProcess", "complexGateway")

# What the engine runs (the modeler offers only these): element -> the event definitions it may carry.
SUPPORTED = {"startEvent": set(), "endEvent": set(), "intermediateCatchEvent": {"timer", "message"},
             "boundaryEvent": {"timer"}, "userTask": set(), "scriptTask": set(), "businessRuleTask": set(),
             "callActivity": set(), "subProcess": set(), "exclusiveGateway": set(), "parallelGateway": set()}
NOT_HUMAN = ("task", "manualTask")  # decided: refused, a designer uses a user task (with form and role) instead
NO_SERVICES = ("serviceTask", "sendTask", "receiveTask")  # the engine calls no external service


def bpmn_kind(node) -> str | None:
    """The local name of a BPMN model element; None for comments and for any other namespace's elements."""
    if not isinstance(node.tag, str):
        return None
    name = etree.QName(node)
    return name.localname if name.namespace == BPMN else None


def flow_nodes(container) -> list:
    """The flow nodes directly in a process or subprocess."""
    return [c for c in container if bpmn_kind(c) in FLOW_NODE_TAGS]


def label(node) -> str:
    """How a problem names an element: its name, else its id."""
    return node.get("name") or node.get("id") or ""


def supported(process) -> list[tuple[str | None, str]]:
    """Only element types and events the engine runs; each refusal says what to use instead."""
    found = []
    for node in process.iter():
        kind = bpmn_kind(node)
        if kind not in FLOW_NODE_TAGS:
            continue
        events = {bpmn_kind(d).removesuffix("EventDefinition") for d in node
                  if (bpmn_kind(d) or "").endswith("EventDefinition")}
        if kind in NOT_HUMAN:
            found.append((node.get("id"), Msg("lint.not_human_task", name=label(node), kind=kind)))
        elif kind in NO_SERVICES:
            found.append((node.get("id"), Msg("lint.no_service", name=label(node), kind=kind)))
        elif kind not in SUPPORTED:
            found.append((node.get("id"), Msg("lint.unsupported_element", kind=kind)))
        elif events - SUPPORTED[kind] or (kind in ("intermediateCatchEvent", "boundaryEvent") and not events):
            found.append((node.get("id"), Msg("lint.unsupported_event", kind=kind,
                                              events="、".join(sorted(events)) or "none")))
    return found


def lane_refs(process) -> list[tuple[str | None, str]]:
    """Every flowNodeRef of a lane names a flow node of the process (an empty one names nothing)."""
    ids = {n.get("id") for n in process.iter() if bpmn_kind(n) in FLOW_NODE_TAGS}
    found = []
    for lane in process.xpath(".//bpmn:lane", namespaces=_NS):
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=_NS):
            target = (ref.text or "").strip()
            if not target:
                found.append((lane.get("id"), Msg("lint.lane_empty_ref", name=label(lane))))
            elif target not in ids:
                found.append((lane.get("id"), Msg("lint.lane_missing_ref", name=label(lane), ref=target)))
    return found


def _exempt(node) -> bool:
    """Started by an event or by compensation, not by a sequence flow: an event subprocess or a handler."""
    return node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true"


def reachability(container) -> list[tuple[str | None, str]]:
    """Every element is reachable from a start and reaches an end, in each (sub)process scope.

    An event subprocess and a compensation handler start without a sequence flow, and a boundary event runs
    when its activity does; none of them is reported unreachable. A compensation boundary event leads to its
    handler by an association, so it need not reach an end either.
    """
    nodes = {n.get("id"): n for n in flow_nodes(container) if n.get("id")}
    forward: dict[str, set[str]] = {n: set() for n in nodes}
    backward: dict[str, set[str]] = {n: set() for n in nodes}
    for flow in container:
        if bpmn_kind(flow) == "sequenceFlow" and flow.get("sourceRef") in nodes and flow.get("targetRef") in nodes:
            forward[flow.get("sourceRef")].add(flow.get("targetRef"))
            backward[flow.get("targetRef")].add(flow.get("sourceRef"))
    for node in nodes.values():  # a boundary event runs when its task does
        if bpmn_kind(node) == "boundaryEvent" and node.get("attachedToRef") in nodes:
            forward[node.get("attachedToRef")].add(node.get("id"))

    def closure(start: set[str], graph: dict[str, set[str]]) -> set[str]:
        seen, todo = set(start), list(start)
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    exempt = {i for i, n in nodes.items() if _exempt(n)}
    compensation = {i for i, n in nodes.items() if bpmn_kind(n) == "boundaryEvent"
                    and any(bpmn_kind(d) == "compensateEventDefinition" for d in n)}
    starts = {i for i, n in nodes.items() if bpmn_kind(n) == "startEvent"} | exempt
    ends = {i for i, n in nodes.items() if bpmn_kind(n) == "endEvent"} | exempt | compensation
    reached, finishing = closure(starts, forward), closure(ends, backward)
    found = [(i, Msg("lint.unreachable")) for i in nodes if i not in reached]
    found += [(i, Msg("lint.dead_end")) for i in nodes if i in reached and i not in finishing]
    for node in nodes.values():
        if bpmn_kind(node) in ("subProcess", "transaction", "adHocSubProcess"):
            found += reachability(node)
    return found


def diagram(root) -> list[tuple[str | None, str]]:
    """DI is present for every BPMN flow node, sequence flow and lane, so the file opens in bpmn-js as drawn."""
    drawn = set(root.xpath("//bpmndi:BPMNShape/@bpmnElement | //bpmndi:BPMNEdge/@bpmnElement", namespaces=_NS))
    found = []
    for process in root.xpath("//bpmn:process", namespaces=_NS):
        for node in process.iter():
            if bpmn_kind(node) in FLOW_NODE_TAGS + ("sequenceFlow", "lane") and node.get("id") not in drawn:
                found.append((node.get("id"), Msg("lint.no_diagram")))
    return found


def _calls(process) -> list:
    return [n for n in process.iter() if bpmn_kind(n) == "callActivity" and n.get("calledElement")]


def call_cycles(roots: list, only=None) -> list[tuple[str | None, str]]:
    """Each call activity (in ``only``, a document root, if given) through which its process calls itself."""
    processes = {p.get("id"): p for root in roots for p in root.xpath("//bpmn:process", namespaces=_NS)}
    graph = {key: [c.get("calledElement") for c in _calls(p)] for key, p in processes.items()}

    def path_back(start: str, target: str) -> list[str] | None:
        """The shortest chain of calls from ``start`` to ``target``, if there is one."""
        paths, seen = [[start]], {start}
        while paths:
            path = paths.pop(0)
            if path[-1] == target:
                return path
            for nxt in graph.get(path[-1], []):
                if nxt == target or nxt not in seen:
                    seen.add(nxt)
                    paths.append(path + [nxt])
        return None

    found = []
    for key, process in processes.items():
        if only is not None and process.getroottree().getroot() is not only:
            continue
        for call in _calls(process):
            chain = path_back(call.get("calledElement"), key)
            if chain is not None:
                found.append((call.get("id"), Msg("lint.call_cycle", name=label(call),
                                                  path=" → ".join([key] + chain))))
    return found


# What a loopDataInputRef/loopDataOutputRef may name: BPMN tools resolve it as a reference to one of these
# and drop it on save when nothing of that id is declared (SpiffWorkflow reads the text as a variable name).
ITEM_AWARE = ("property", "dataObject", "dataObjectReference", "dataInput", "dataOutput", "dataStoreReference")


def loop_data_refs(root) -> list[tuple[str | None, str]]:
    """Each multi-instance loop data reference names a data element declared in the document (e.g. bpmn:property)."""
    declared = {n.get("id") for n in root.iter() if bpmn_kind(n) in ITEM_AWARE}
    found = []
    for loop in root.iter():
        if bpmn_kind(loop) != "multiInstanceLoopCharacteristics":
            continue
        for ref in loop:
            variable = (ref.text or "").strip() if bpmn_kind(ref) in ("loopDataInputRef", "loopDataOutputRef") else ""
            if variable and variable not in declared:
                task = loop.getparent()
                found.append((task.get("id"), Msg("lint.loop_data_undeclared", name=label(task),
                                                  ref=bpmn_kind(ref), variable=variable)))
    return found
