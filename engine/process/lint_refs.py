"""Checks that every reference in a document resolves and every element stays within the engine's bounds.

Each returns (element id, message) like engine.process.lint_structure: a flow to a missing element, a message, process or
decision that does not exist, an id used twice, a name too long to store, subprocesses nested too deep.
"""
from __future__ import annotations

from collections import Counter

from engine.errors import DefinitionError, Msg
from engine.limits import MAX_CALL_DEPTH, MAX_NAME
from engine.process.lint_structure import FLOW_NODE_TAGS, bpmn_kind, label
from engine.bpmn.xml_safety import secure_xml

_SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}calledDecisionId"
_SUBPROCESSES = ("subProcess", "transaction", "adHocSubProcess")


def dangling_refs(root) -> list[tuple[str | None, str]]:
    """Flows join existing flow nodes, events name existing messages, boundary events existing activities."""
    nodes = {n.get("id") for n in root.iter() if bpmn_kind(n) in FLOW_NODE_TAGS}
    messages = {n.get("id") for n in root.iter() if bpmn_kind(n) == "message"}
    found = []
    for node in root.iter():
        kind = bpmn_kind(node)
        if kind == "sequenceFlow":
            for end in ("sourceRef", "targetRef"):
                if node.get(end) not in nodes:
                    found.append((node.get("id"), Msg("lint.flow_ref", name=label(node), end=end,
                                                      ref=node.get(end) or "")))
        elif kind == "messageEventDefinition" and node.get("messageRef") and node.get("messageRef") not in messages:
            event = node.getparent()
            found.append((event.get("id"), Msg("lint.message_ref", name=label(event), ref=node.get("messageRef"))))
        elif kind == "boundaryEvent" and node.get("attachedToRef") not in nodes:
            found.append((node.get("id"), Msg("lint.attached_ref", name=label(node), ref=node.get("attachedToRef") or "")))
    return found


def duplicate_ids(root) -> list[tuple[str | None, str]]:
    """Each id used by more than one element, once (the engine would take one for the other)."""
    counts = Counter(n.get("id") for n in root.iter() if isinstance(n.tag, str) and n.get("id"))
    return [(i, Msg("lint.duplicate_id", id=i, count=c)) for i, c in counts.items() if c > 1]


def long_names(root) -> list[tuple[str | None, str]]:
    """Names short enough to store with tasks, versions and the audit trail."""
    return [(n.get("id"), Msg("lint.name_too_long", length=len(n.get("name")), limit=MAX_NAME))
            for n in root.iter() if isinstance(n.tag, str) and len(n.get("name") or "") > MAX_NAME]


def missing_calls(root, keys: set[str]) -> list[tuple[str | None, str]]:
    """Each call activity calls a process of this document or of the others deployed with it."""
    return [(n.get("id"), Msg("lint.call_missing", name=label(n), ref=n.get("calledElement") or ""))
            for n in root.iter() if bpmn_kind(n) == "callActivity" and n.get("calledElement") not in keys]


def missing_decisions(root, decisions: set[str]) -> list[tuple[str | None, str]]:
    """Each business rule task names a decision of a deployed table."""
    found = []
    for node in root.iter():
        if bpmn_kind(node) != "businessRuleTask":
            continue
        called = [(c.text or "").strip() for c in node.iter(_SPIFF)]
        if not called or called[0] not in decisions:
            found.append((node.get("id"), Msg("lint.decision_missing", name=label(node),
                                              ref=called[0] if called else "")))
    return found


def nesting(container, depth: int = 0) -> list[tuple[str | None, str]]:
    """Subprocesses nest at most MAX_CALL_DEPTH deep: the runtime stops a matter past it."""
    found = []
    for node in container:
        if bpmn_kind(node) in _SUBPROCESSES:
            if depth + 1 > MAX_CALL_DEPTH:
                return [(node.get("id"), Msg("lint.too_deep", name=label(node), limit=MAX_CALL_DEPTH))]
            found += nesting(node, depth + 1)
    return found


def decision_ids(dmn: dict[str, bytes]) -> set[str]:
    """The ids of every decision in these tables (an unreadable table has none: it is reported on its own)."""
    found = set()
    for name, data in dmn.items():
        try:
            root = secure_xml(data, name).getroot()
        except DefinitionError:
            continue
        found |= {n.get("id") for n in root.iter() if isinstance(n.tag, str) and n.tag.endswith("}decision")}
    return found


def reference_problems(root, keys: set[str], decisions: set[str]) -> list[tuple[str | None, str]]:
    """Every check of this module on one document (``keys``: the processes it may call)."""
    found = duplicate_ids(root) + dangling_refs(root) + long_names(root) + missing_calls(root, keys)
    found += missing_decisions(root, decisions)
    for process in root.iter():
        if bpmn_kind(process) == "process":
            found += nesting(process)
    return found
