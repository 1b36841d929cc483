"""Camunda 8 / Zeebe extensions (namespace zeebe:): what maps to our dialect, and why the rest does not."""
from __future__ import annotations

import re

from lxml import etree

from engine.errors import Msg
from engine.process.importing import expressions
from engine.process.importing.assignment import assign
from engine.process.importing.report import BPMN, MAPPED, NOT_MAPPED, REPORTED, ZEEBE, Context, summary

REASONS = {
    "formDefinition": "import.camunda_form", "userTaskForm": "import.camunda_form",
    "taskDefinition": "import.service", "taskHeaders": "import.service",
    "ioMapping": "import.io_mapping", "input": "import.io_mapping", "output": "import.io_mapping",
    "taskSchedule": "import.due_date", "executionListeners": "import.listener", "taskListeners": "import.listener",
    "loopCharacteristics": "import.multi_instance", "subscription": "import.message", "properties": "import.properties",
    "userTask": "import.zeebe_user_task",
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def element(ctx: Context, owner, node) -> None:
    """One zeebe: element under extensionElements."""
    name = etree.QName(node).localname
    if name == "assignmentDefinition":
        _assignment(ctx, owner, node)
    elif name == "calledElement":
        _called_element(ctx, owner, node)
    elif name == "calledDecision":
        _called_decision(ctx, owner, node)
    elif name == "script" and etree.QName(owner).localname == "scriptTask":
        _script(ctx, owner, node)
    else:
        ctx.add(owner, f"zeebe:{name}", summary(node), REPORTED, why=Msg(REASONS.get(name, "import.no_counterpart")))


def _assignment(ctx: Context, task, node) -> None:
    if etree.QName(task).localname != "userTask":
        ctx.add(task, "zeebe:assignmentDefinition", summary(node), REPORTED, why=Msg("import.no_counterpart"))
        return
    before = len(ctx.entries)
    assign(ctx, task, "zeebe:assignmentDefinition/@", node.get("assignee"), node.get("candidateGroups"),
           node.get("candidateUsers"))
    for entry in ctx.entries[before:]:
        if entry.outcome == MAPPED:
            del node.attrib[entry.attribute.rsplit("@", 1)[1]]
            ctx.changed = True
    for name, value in node.attrib.items():
        if name not in ("assignee", "candidateGroups", "candidateUsers"):
            ctx.add(task, f"zeebe:assignmentDefinition/@{name}", value, REPORTED, why=Msg("import.no_counterpart"))
    if not node.attrib:
        ctx.remove(node)


def _called_element(ctx: Context, owner, node) -> None:
    process = node.get("processId") or ""
    others = {k: v for k, v in node.attrib.items() if k != "processId"}
    if process and not process.startswith("=") and not owner.get("calledElement"):
        owner.set("calledElement", process)
        del node.attrib["processId"]
        ctx.changed = True
        ctx.add(owner, "zeebe:calledElement/@processId", process, MAPPED, became=f"calledElement = {process}")
    else:
        ctx.add(owner, "zeebe:calledElement/@processId", process, NOT_MAPPED, why=Msg("import.called_element"))
    for name, value in others.items():
        ctx.add(owner, f"zeebe:calledElement/@{name}", value, REPORTED, why=Msg("import.io_mapping"))
    if not node.attrib:
        ctx.remove(node)


def _called_decision(ctx: Context, owner, node) -> None:
    decision = node.get("decisionId") or ""
    if decision and not decision.startswith("=") and etree.QName(owner).localname == "businessRuleTask":
        ctx.extension(owner, "calledDecisionId", decision)
        del node.attrib["decisionId"]
        ctx.changed = True
        ctx.add(owner, "zeebe:calledDecision/@decisionId", decision, MAPPED,
                became=f"spiffworkflow:calledDecisionId = {decision}")
    else:
        ctx.add(owner, "zeebe:calledDecision/@decisionId", decision, NOT_MAPPED, why=Msg("import.called_element"))
    for name, value in node.attrib.items():
        if name != "decisionId":
            ctx.add(owner, f"zeebe:calledDecision/@{name}", value, REPORTED, why=Msg("import.result_variable"))


def _script(ctx: Context, task, node) -> None:
    """A FEEL script task (`resultVariable = expression`) becomes our script where the expression translates."""
    expression, result = node.get("expression") or "", node.get("resultVariable") or ""
    original = summary(node)
    has_script = task.find(f"{{{BPMN}}}script") is not None
    try:
        translated = expressions.feel(expression)
    except expressions.Untranslatable:
        translated = None
    if translated is None or not _NAME.match(result) or has_script:
        ctx.add(task, "zeebe:script", original, NOT_MAPPED, why=Msg("import.expression"))
        return
    script = etree.SubElement(task, f"{{{BPMN}}}script")
    script.text = f"{result} = {translated}"
    ctx.created.add(script)
    ctx.remove(node)
    ctx.add(task, "zeebe:script", original, MAPPED, became=script.text)


def attribute(ctx: Context, owner, name: str, value: str) -> None:
    """One zeebe: attribute of a BPMN element (element templates and the like)."""
    ctx.add(owner, f"zeebe:{name}", value, REPORTED, why=Msg("import.no_counterpart"))
