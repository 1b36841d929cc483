"""The import report and the document being converted: entries per extension, and writing our properties."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.errors import Msg

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
MODELER = "http://camunda.org/schema/modeler/1.0"
STANDARD = {BPMN, "http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
            "http://www.omg.org/spec/DD/20100524/DI", "http://www.w3.org/2001/XMLSchema-instance",
            "http://www.w3.org/XML/1998/namespace"}
BIOC, COLOR = "http://bpmn.io/schema/bpmn/biocolor/1.0", "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
PREFIXES = {CAMUNDA: "camunda", ZEEBE: "zeebe", MODELER: "modeler", SPIFF: "spiffworkflow", BIOC: "bioc",
            COLOR: "color"}
MAPPED, NOT_MAPPED, REPORTED, KEPT = "mapped", "not_mapped", "reported", "kept"
MAX_SHOWN = 300  # characters of an original value shown in the report


@dataclass(frozen=True)
class Entry:
    """One extension attribute or element of the imported diagram and what became of it."""

    element: str | None  # id of the BPMN element it belongs to
    name: str | None
    attribute: str  # prefixed attribute or element name, e.g. "camunda:candidateGroups", "zeebe:taskDefinition"
    original: str
    outcome: str  # mapped | not_mapped | reported | kept
    became: str | None = None  # what it became in our dialect
    why: Msg | None = None

    def as_json(self, text=str) -> dict:
        """Plain data for the API; ``text`` renders the message in the reader's language."""
        return {"element": self.element, "name": self.name, "attribute": self.attribute, "original": self.original,
                "outcome": self.outcome, "became": self.became, "why": text(self.why) if self.why else None}


@dataclass
class Context:
    """The conversion under way: the known roles and users, the entries so far, what was changed."""

    roles: set[str]
    users: set[str]
    dialect: str = "bpmn"
    entries: list[Entry] = field(default_factory=list)
    created: set = field(default_factory=set)  # our own new elements, never reported as found
    changed: bool = False

    def add(self, owner, attribute: str, original: str, outcome: str, became: str | None = None,
            why: Msg | None = None) -> None:
        """Record one entry for the BPMN element ``owner``."""
        self.entries.append(Entry(owner.get("id") if owner is not None else None,
                                  owner.get("name") if owner is not None else None,
                                  attribute, _short(original), outcome, became, why))

    def set_property(self, owner, name: str, value: str) -> bool:
        """Give ``owner`` our spiffworkflow property, unless it has one of that name already."""
        props = _properties(self, owner)
        if props.find(f"{{{SPIFF}}}property[@name='{name}']") is not None:
            return False
        node = etree.SubElement(props, f"{{{SPIFF}}}property", nsmap={"spiffworkflow": SPIFF})
        node.set("name", name)
        node.set("value", value)
        self.created.add(node)
        self.changed = True
        return True

    def extension(self, owner, tag: str, text: str) -> None:
        """Add an element of ours (e.g. calledDecisionId) under the owner's extensionElements."""
        node = etree.SubElement(_extensions(self, owner), f"{{{SPIFF}}}{tag}", nsmap={"spiffworkflow": SPIFF})
        node.text = text
        self.created.add(node)
        self.changed = True

    def remove(self, node) -> None:
        """Drop a foreign element once it has been mapped (and its extensionElements, left empty)."""
        parent = node.getparent()
        parent.remove(node)
        if parent.tag == f"{{{BPMN}}}extensionElements" and not any(isinstance(c.tag, str) for c in parent):
            parent.getparent().remove(parent)
        self.changed = True


def _extensions(ctx: Context, owner):
    found = owner.find(f"{{{BPMN}}}extensionElements")
    if found is None:
        found = etree.Element(f"{{{BPMN}}}extensionElements")
        docs = [c for c in owner if c.tag == f"{{{BPMN}}}documentation"]  # the schema puts documentation first
        owner.insert(len(docs), found)
        ctx.created.add(found)
    return found


def _properties(ctx: Context, owner):
    holder = _extensions(ctx, owner)
    props = holder.find(f"{{{SPIFF}}}properties")
    if props is None:
        props = etree.SubElement(holder, f"{{{SPIFF}}}properties", nsmap={"spiffworkflow": SPIFF})
        ctx.created.add(props)
    return props


def prefixed(tag: str, node=None) -> str:
    """An attribute or element name as a designer reads it: "camunda:assignee" rather than "{uri}assignee"."""
    name = etree.QName(tag)
    declared = {uri: prefix for prefix, uri in (node.nsmap if node is not None else {}).items() if prefix}
    prefix = PREFIXES.get(name.namespace) or declared.get(name.namespace)
    return f"{prefix}:{name.localname}" if prefix else (f"{{{name.namespace}}}{name.localname}"
                                                           if name.namespace else name.localname)


def summary(node) -> str:
    """A foreign element in short: its name, attributes and text, then its children's."""
    attributes = "".join(f' {prefixed(k, node)}="{v}"' for k, v in node.attrib.items())
    inner = "".join(summary(c) for c in node if isinstance(c.tag, str)) + (node.text or "").strip()
    tag = prefixed(node.tag, node)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"
