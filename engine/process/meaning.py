"""What a BPMN or DMN document means, apart from how it is written and drawn.

A save in bpmn-js or Camunda Modeler rewrites a file: prefixes, attribute order, indentation, the order of an
element's children, its exporter. None of that changes what the engine runs, so a version is identified by
the canonical form here, and the drawing (BPMN DI, DMN DI) is compared on its own.
"""
from __future__ import annotations

import hashlib
import json

from lxml import etree

_DI = ("http://www.omg.org/spec/BPMN/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/")
_WIRING = {"{http://www.omg.org/spec/BPMN/20100524/MODEL}incoming",
           "{http://www.omg.org/spec/BPMN/20100524/MODEL}outgoing"}
_WAYPOINT = "{http://www.omg.org/spec/DD/20100524/DI}waypoint"
_TOOLING = {"exporter", "exporterVersion"}  # which modeler saved the file
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _is_di(node) -> bool:
    return etree.QName(node).namespace in _DI


def canonical(node, wiring: bool = True) -> list:
    """A nested list for one element: Clark-notation tag, sorted attributes, stripped text, sorted children.

    ``wiring=False`` leaves out bpmn:incoming/outgoing, which restate the sequence flows.
    """
    children = [canonical(c, wiring) for c in node if isinstance(c.tag, str) and not _is_di(c)
                and (wiring or c.tag not in _WIRING)]
    attributes = sorted((str(k), _qualified(node, v) if k == _XSI_TYPE else v)
                        for k, v in node.attrib.items() if k not in _TOOLING)
    return [node.tag, attributes, (node.text or "").strip(), sorted(children, key=json.dumps)]


def _qualified(node, value: str) -> str:
    """An xsi:type such as "bpmn:tFormalExpression" in Clark notation, whatever prefix the file chose."""
    prefix, _, local = value.rpartition(":")
    namespace = node.nsmap.get(prefix or None)
    return f"{{{namespace}}}{local}" if namespace else value


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def meaning_digest(root) -> str:
    """The digest of a document's meaning (its parsed root): every element but its drawing, however written."""
    return _digest(canonical(root))


def drawing_digest(root) -> str:
    """The digest of a document's drawing alone (its DI elements), however it was written."""
    drawn = [canonical_di(n) for n in root.iter() if isinstance(n.tag, str) and _is_di(n) and not _is_di(n.getparent())]
    return _digest(sorted(drawn, key=json.dumps))


def canonical_di(node) -> list:
    """A DI element: its waypoints in order (they draw the line), everything else in any order.

    bpmn-js re-sorts a plane's shapes and edges on every save (to match its canvas), which redraws nothing.
    """
    children = [canonical_di(c) for c in node if isinstance(c.tag, str)]
    waypoints = [c for c in children if c[0] == _WAYPOINT]
    return [node.tag, sorted((str(k), v) for k, v in node.attrib.items()), (node.text or "").strip(),
            waypoints + sorted((c for c in children if c[0] != _WAYPOINT), key=json.dumps)]


def element_meanings(root, process_key: str) -> dict[str, str]:
    """Every element of a process by id, each as its meaning without wiring (for version changes and migration)."""
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    found = {}
    for process in root.xpath("//bpmn:process[@id=$key]", key=process_key, namespaces=ns):
        for node in process.iter():
            if isinstance(node.tag, str) and node.get("id") is not None and node is not process:
                found[node.get("id")] = _digest(canonical(node, wiring=False))
    return found
