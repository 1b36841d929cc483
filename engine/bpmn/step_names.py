"""The names of a drawing's steps for people: each flow node's name, or a label of its kind, never its id."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from lxml import etree

from engine.bpmn.xml_safety import NS, secure_xml
from engine.messages import N_
from engine.models import ProcessVersion


_NAMES: OrderedDict[tuple, dict] = OrderedDict()
_NAMES_LOCK = Lock()
# What an unnamed element is (never its id); the web layer translates these labels.
_UNNAMED = {"startEvent": N_("开始"), "endEvent": N_("结束"), "parallelGateway": N_("并行"),
            "exclusiveGateway": N_("条件"), "inclusiveGateway": N_("条件"), "eventBasedGateway": N_("事件")}
_GATEWAY = {N_("并行"): (N_("并行汇合"), N_("并行分支")), N_("条件"): (N_("条件汇合"), N_("条件分支")),
            N_("事件"): (N_("事件汇合"), N_("事件分支"))}


def _kind_of(node) -> str:
    return etree.QName(node).localname


def parse_names(bpmn_xml: str) -> dict[str, dict]:
    """Every flow node of a BPMN document: {id: {name, label, kind, called, message}} (label never an id)."""
    root = secure_xml(bpmn_xml.encode("utf-8"), "process.bpmn").getroot()
    messages = {m.get("id"): m.get("name") or "" for m in root.xpath("//bpmn:message", namespaces=NS)}
    found = {}
    for node in root.xpath("//bpmn:process//*[@id][bpmn:incoming or bpmn:outgoing or self::bpmn:boundaryEvent]",
                           namespaces=NS):
        kind, name = _kind_of(node), (node.get("name") or "").strip()
        label = _UNNAMED.get(kind, N_("流程节点"))
        if label in _GATEWAY:  # an unnamed gateway either joins paths or splits them
            label = _GATEWAY[label][0 if len(node.xpath("./bpmn:incoming", namespaces=NS)) > 1 else 1]
        refs = node.xpath("./bpmn:messageEventDefinition/@messageRef", namespaces=NS)
        found[node.get("id")] = {"name": name, "label": name or label, "kind": kind,
                                 "called": node.get("calledElement"),
                                 "message": messages.get(refs[0]) if refs else None}
    return found


def element_names(version: ProcessVersion) -> dict[str, dict]:
    """The version's flow nodes by id (see parse_names), parsed once per version and content."""
    key = (version.id, version.content_hash)
    with _NAMES_LOCK:
        if key in _NAMES:
            return _NAMES[key]
    names = parse_names(version.bpmn_xml)
    with _NAMES_LOCK:
        _NAMES[key] = names
        while len(_NAMES) > 128:
            _NAMES.popitem(last=False)
    return names
