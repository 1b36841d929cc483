"""Camunda 7 extensions (namespace camunda:): what maps to our dialect, and why the rest does not."""
from __future__ import annotations

from lxml import etree

from engine.errors import Msg
from engine.process.importing.assignment import assign
from engine.process.importing.report import CAMUNDA, MAPPED, NOT_MAPPED, REPORTED, Context, summary

FORM_SUFFIX = ".schema.json"

# attribute or element local name -> the message code saying why it is only reported
REASONS = {
    "formRef": "import.camunda_form", "formRefBinding": "import.camunda_form", "formRefVersion": "import.camunda_form",
    "formHandlerClass": "import.camunda_form", "formData": "import.form_data", "formProperty": "import.form_data",
    "dueDate": "import.due_date", "followUpDate": "import.due_date",
    "class": "import.service", "expression": "import.service", "delegateExpression": "import.service",
    "type": "import.service", "topic": "import.service", "taskPriority": "import.service",
    "connector": "import.service", "field": "import.service",
    "asyncBefore": "import.async", "asyncAfter": "import.async", "async": "import.async", "exclusive": "import.async",
    "jobPriority": "import.async", "failedJobRetryTimeCycle": "import.async",
    "executionListener": "import.listener", "taskListener": "import.listener",
    "inputOutput": "import.io_mapping", "in": "import.io_mapping", "out": "import.io_mapping",
    "variableMappingClass": "import.io_mapping", "variableMappingDelegateExpression": "import.io_mapping",
    "collection": "import.multi_instance", "elementVariable": "import.multi_instance",
    "initiator": "import.initiator", "properties": "import.properties",
    "resultVariable": "import.result_variable", "mapDecisionResult": "import.result_variable",
}
ASSIGNMENT = ("assignee", "candidateGroups", "candidateUsers")


def _attribute(name: str) -> str:
    return f"{{{CAMUNDA}}}{name}"


def user_task(ctx: Context, task) -> set[str]:
    """Map the holder attributes of a user task; the names of the attributes dealt with."""
    values = {name: task.get(_attribute(name)) for name in ASSIGNMENT}
    if not any(v is not None for v in values.values()):
        return set()
    before = len(ctx.entries)
    assign(ctx, task, "camunda:", values["assignee"], values["candidateGroups"], values["candidateUsers"])
    for entry in ctx.entries[before:]:
        if entry.outcome == MAPPED:  # what it became replaces it
            del task.attrib[_attribute(entry.attribute.split(":", 1)[1])]
            ctx.changed = True
    return {_attribute(name) for name, value in values.items() if value is not None}


def attribute(ctx: Context, owner, name: str, value: str) -> None:
    """One camunda: attribute of a BPMN element."""
    kind = etree.QName(owner).localname
    label = f"camunda:{name}"
    if name == "formKey":
        _form_key(ctx, owner, label, value)
    elif name == "decisionRef" and kind == "businessRuleTask" and "${" not in value:
        ctx.extension(owner, "calledDecisionId", value)
        del owner.attrib[_attribute(name)]
        ctx.add(owner, label, value, MAPPED, became=f"spiffworkflow:calledDecisionId = {value}")
    elif name in ASSIGNMENT:  # on anything but a user task
        ctx.add(owner, label, value, REPORTED, why=Msg("import.no_counterpart"))
    else:
        ctx.add(owner, label, value, REPORTED, why=Msg(REASONS.get(name, "import.no_counterpart")))


def _form_key(ctx: Context, owner, label: str, value: str) -> None:
    filename = value.rsplit(":", 1)[-1]  # "embedded:app:forms/x.html", "camunda-forms:deployment:x.form"
    if value.endswith(FORM_SUFFIX) and "/" not in filename and "${" not in value:
        if ctx.set_property(owner, "formJsonSchemaFilename", filename):
            del owner.attrib[_attribute("formKey")]
            ctx.add(owner, label, value, MAPPED, became=f"formJsonSchemaFilename = {filename}")
            return
        ctx.add(owner, label, value, NOT_MAPPED, why=Msg("import.already_set", property="formJsonSchemaFilename"))
        return
    ctx.add(owner, label, value, REPORTED, why=Msg("import.form_key"))


def element(ctx: Context, owner, node) -> None:
    """One camunda: element under extensionElements."""
    name = etree.QName(node).localname
    ctx.add(owner, f"camunda:{name}", summary(node), REPORTED, why=Msg(REASONS.get(name, "import.no_counterpart")))

