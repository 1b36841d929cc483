"""Walk a foreign BPMN document: every extension attribute and element is mapped or reported, conditions translated."""
from __future__ import annotations

import re

from lxml import etree

from engine.errors import Msg
from engine.process.importing import camunda, expressions, zeebe
from engine.process.importing.report import (BIOC, BPMN, CAMUNDA, COLOR, KEPT, MAPPED, MODELER, NOT_MAPPED, REPORTED, SPIFF, STANDARD,
                     ZEEBE, Context, prefixed, summary)

DIALECTS = {"camunda7": "Camunda 7", "zeebe": "Camunda 8 (Zeebe)", "spiffarena": "SpiffArena", "bpmn": "BPMN 2.0"}
DRAWING = {BIOC, COLOR}
_ISO_TIME = re.compile(r"(R\d*/)?([+-]?\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:?\d\d)?)?/?)?(P[\dYMWDTHS.]+)?"
                       r"(/[+-]?\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:?\d\d)?)?)?$")
_PYTHON = {"", "python", "text/python", "text/x-python"}
_TIMERS = ("timeDuration", "timeDate", "timeCycle")
_EXPRESSIONS = ("conditionExpression", "completionCondition", "loopCardinality")
_PARTS = ("EventDefinition", "LoopCharacteristics", "extensionElements")


def dialect(root) -> str:
    """Which modeler wrote the document: camunda7, zeebe, spiffarena or plain bpmn."""
    namespaces = set()  # the ones used: modelers declare namespaces they never use
    for node in root.iter():
        if isinstance(node.tag, str):
            namespaces |= {etree.QName(name).namespace for name in (node.tag, *node.attrib)}
    platform = (root.get(f"{{{MODELER}}}executionPlatform") or "").lower()
    if ZEEBE in namespaces or "cloud" in platform:
        return "zeebe"
    if CAMUNDA in namespaces or "platform" in platform:
        return "camunda7"
    return "spiffarena" if SPIFF in namespaces else "bpmn"


def convert(ctx: Context, root) -> None:
    """Map or report everything foreign in the document, in document order."""
    _walk(ctx, root, root)


def _namespace(tag: str) -> str | None:
    return etree.QName(tag).namespace


def _walk(ctx: Context, node, owner) -> None:
    if node.get("id") and not etree.QName(node).localname.endswith(_PARTS):
        owner = node  # a timer's or loop's own id is not what a designer or validation names
    children = [c for c in node if isinstance(c.tag, str)]  # before conversion adds our own
    handled = camunda.user_task(ctx, node) if etree.QName(node).localname == "userTask" else set()
    for name, value in list(node.attrib.items()):
        if name not in handled and _namespace(name) not in STANDARD and _namespace(name) is not None:
            _attribute(ctx, owner, node, name, value)
    _content(ctx, node, owner)
    for child in children:
        if child in ctx.created:
            continue
        if _namespace(child.tag) in STANDARD:
            _walk(ctx, child, owner)
        else:
            _foreign(ctx, owner, child)


def _attribute(ctx: Context, owner, node, name: str, value: str) -> None:
    namespace, local = _namespace(name), etree.QName(name).localname
    if namespace == CAMUNDA:
        camunda.attribute(ctx, owner, local, value)
    elif namespace == ZEEBE:
        zeebe.attribute(ctx, owner, local, value)
    elif namespace == MODELER:
        ctx.add(owner, f"modeler:{local}", value, REPORTED, why=Msg("import.platform", dialect=DIALECTS[ctx.dialect]))
    elif namespace == SPIFF:
        ctx.add(owner, prefixed(name), value, KEPT, why=Msg("import.kept"))
    elif namespace in DRAWING:
        ctx.add(owner, prefixed(name), value, KEPT, why=Msg("import.drawing"))
    else:
        ctx.add(owner, prefixed(name, node), value, REPORTED, why=Msg("import.no_counterpart"))


def _foreign(ctx: Context, owner, node) -> None:
    namespace = _namespace(node.tag)
    if namespace == CAMUNDA:
        camunda.element(ctx, owner, node)
    elif namespace == ZEEBE:
        zeebe.element(ctx, owner, node)
    elif namespace == SPIFF:
        ctx.add(owner, prefixed(node.tag), summary(node), KEPT, why=Msg("import.kept"))
    elif namespace in DRAWING:
        ctx.add(owner, prefixed(node.tag), summary(node), KEPT, why=Msg("import.drawing"))
    else:
        ctx.add(owner, prefixed(node.tag, node), summary(node), REPORTED, why=Msg("import.no_counterpart"))


def _content(ctx: Context, node, owner) -> None:
    """Expressions in standard BPMN elements: conditions, loop settings and timers."""
    local = etree.QName(node).localname
    if _namespace(node.tag) != BPMN:
        return
    if local == "scriptTask" and (node.get("scriptFormat") or "").strip().lower() not in _PYTHON:
        ctx.add(owner, "bpmn:scriptFormat", node.get("scriptFormat"), NOT_MAPPED,
                why=Msg("import.script_language", language=node.get("scriptFormat")))
    if local not in _EXPRESSIONS and local not in _TIMERS:
        return
    text = (node.text or "").strip()
    language = (node.get("language") or "").strip().lower()
    label = f"bpmn:{local}"
    if language not in _PYTHON and local in _EXPRESSIONS:
        ctx.add(owner, label, text or summary(node), NOT_MAPPED, why=Msg("import.script_language", language=language))
        return
    if local in _TIMERS and _ISO_TIME.match(text) and any(c.isdigit() for c in text):
        _replace(ctx, owner, node, label, text, repr(text))  # our timers are expressions: an ISO text is quoted
        return
    if expressions.is_juel(text):
        translate = expressions.juel
    elif expressions.is_feel(text) and ctx.dialect == "zeebe":
        translate = expressions.feel
    else:
        return  # already in our dialect, or plain text that validation judges
    try:
        _replace(ctx, owner, node, label, text, translate(text))
    except expressions.Untranslatable:
        ctx.add(owner, label, text, NOT_MAPPED, why=Msg("import.expression"))


def _replace(ctx: Context, owner, node, label: str, original: str, translated: str) -> None:
    node.text = translated
    ctx.changed = True
    ctx.add(owner, label, original, MAPPED, became=translated)
