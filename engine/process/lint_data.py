"""Checks of what a step reads when it runs: timer expressions, multi-instance inputs and data stores.

Each returns (element id, message) like engine.process.lint_structure, so validation refuses at once what would
otherwise stop a matter at run time.
"""
from __future__ import annotations

import ast
import re

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.errors import Msg
from engine.limits import MAX_INSTANCES, MAX_LOOP
from engine.process.lint_structure import bpmn_kind, label
from engine.bpmn.scripting import check_expression

_ISO_LIKE = re.compile(r"^(R\d*/)?P[0-9TWYMDHS.,]*$|^\d{4}-\d{2}-\d{2}", re.IGNORECASE)
_NS = {"spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
_PRODUCERS = "spiffworkflow:properties/spiffworkflow:property[@name='formJsonSchemaFilename']/@value"


def _timer_value(kind: str, value: object) -> bool:
    """Whether a literal is what SpiffWorkflow reads for this kind of timer."""
    if not isinstance(value, str):
        return False
    try:
        if kind == "timeDate":
            TimerEventDefinition.get_datetime(value)
        else:
            TimerEventDefinition.parse_iso_duration(value)
    except Exception:  # SpiffWorkflow raises a bare Exception for a bad duration
        return False
    return True


def timer_problems(process) -> list[tuple[str | None, str]]:
    """Every timer has a date or duration the evaluator can compute; cycles are refused (nothing fires them)."""
    found = []
    for definition in process.iter():
        if bpmn_kind(definition) != "timerEventDefinition":
            continue
        event = definition.getparent()
        element, name = event.get("id"), label(event)
        parts = {bpmn_kind(c): (c.text or "").strip() for c in definition if bpmn_kind(c)}
        if "timeCycle" in parts:
            found.append((element, Msg("lint.timer_cycle", name=name)))
            continue
        kind, source = next(((k, v) for k, v in parts.items() if k in ("timeDate", "timeDuration")), (None, ""))
        if not source:
            found.append((element, Msg("lint.timer_empty", name=name)))
        elif _ISO_LIKE.match(source) and source.upper() not in {"TRUE", "FALSE"}:
            found.append((element, Msg("lint.timer_bare", name=name, value=source)))
        elif (why := check_expression(source)) is not None:
            found.append((element, Msg("lint.timer_expression", name=name, why=why)))
        else:
            tree = ast.parse(source, mode="eval").body
            if isinstance(tree, ast.Constant) and not _timer_value(kind, tree.value):
                found.append((element, Msg("lint.timer_not_iso", name=name, value=source, kind=kind)))
    return found


def data_store_problems(root) -> list[tuple[str | None, str]]:
    """Data stores are refused by name: the engine offers none, so a step reading one could not run."""
    return [(node.get("id"), Msg("lint.data_store", name=label(node), kind=bpmn_kind(node)))
            for node in root.iter() if bpmn_kind(node) in ("dataStore", "dataStoreReference")]


def call_index(roots: list) -> list[tuple]:
    """Each document with the process ids it holds and those its call activities call (for with_callers)."""
    index = []
    for root in roots:
        kinds = [(bpmn_kind(n), n) for n in root.iter()]
        index.append((root, {n.get("id") for k, n in kinds if k == "process"},
                      {n.get("calledElement") for k, n in kinds if k == "callActivity"}))
    return index


def with_callers(root, index: list[tuple]) -> list:
    """``root`` and every document of the call_index whose call activities call one of its processes, directly
    or through others: where the data a process starts with can come from."""
    found, pending = [root], [root]
    while pending:
        current = pending.pop()
        holds = next((held for r, held, _ in index if r is current), set())
        for other, _, calls in index:
            if calls & holds and not any(other is f for f in found):
                found.append(other)
                pending.append(other)
    return found


def produced_names(roots, forms: dict) -> set[str] | None:
    """Every variable some step of these documents sets; None when a decision table may set any name."""
    names = {"title", "started_by"}
    for root in roots:
        for node in root.iter():
            kind = bpmn_kind(node)
            if kind == "businessRuleTask":
                return None
            if kind == "userTask":
                for form in node.xpath("./*/" + _PRODUCERS, namespaces=_NS):
                    names |= set((forms.get(form) or {}).get("properties") or {})
            elif kind in ("inputDataItem", "outputDataItem"):
                names |= {node.get("name"), node.get("id")}
            elif kind == "loopDataOutputRef":
                names.add((node.text or "").strip())
            elif kind == "script" or (isinstance(node.tag, str) and node.tag.endswith(("}preScript", "}postScript"))):
                names |= _assigned(node.text or "")
    return names - {None}


def _assigned(script: str) -> set[str]:
    try:
        tree = ast.parse(script, mode="exec")
    except SyntaxError:
        return set()  # the script check says why
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def multi_instance_problems(process, produced: set[str] | None) -> list[tuple[str | None, str]]:
    """A multi-instance input names a variable some step sets; a cardinality is a usable expression, within
    bounds; a standard loop has a loopMaximum (its condition alone could keep it running for ever)."""
    found = []
    for loop in process.iter():
        if bpmn_kind(loop) == "standardLoopCharacteristics":
            maximum = loop.get("loopMaximum") or ""
            if not maximum.isdigit() or not 1 <= int(maximum) <= MAX_LOOP:
                task = loop.getparent()
                found.append((task.get("id"), Msg("lint.loop_maximum", name=label(task), limit=MAX_LOOP)))
    for loop in process.iter():
        if bpmn_kind(loop) != "multiInstanceLoopCharacteristics":
            continue
        task = loop.getparent()
        element, name = task.get("id"), label(task)
        for part in loop:
            text = (part.text or "").strip()
            if bpmn_kind(part) == "loopCardinality" and (why := check_expression(text or "''")) is not None:
                found.append((element, Msg("lint.mi_cardinality", name=name, why=why)))
            elif bpmn_kind(part) == "loopCardinality" and text.isdigit() and int(text) > MAX_INSTANCES:
                found.append((element, Msg("lint.mi_too_many", name=name, count=text, limit=MAX_INSTANCES)))
            elif bpmn_kind(part) == "loopDataInputRef":
                if not text.isidentifier():
                    found.append((element, Msg("lint.mi_input_name", name=name, ref=text)))
                elif produced is not None and text not in produced:
                    found.append((element, Msg("lint.mi_input_unset", name=name, ref=text)))
    return found

