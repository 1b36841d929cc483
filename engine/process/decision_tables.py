"""DMN decision tables checked at deploy: every expression the DMN engine will evaluate passes the evaluator.

SpiffWorkflow's DMN engine turns an input entry into an expression over the input (``< 20`` becomes
``(input) < 20``, ``20 <= ? < 50`` puts the input in place of ``?``); each is checked here in that form, so
a table is refused at deploy, naming its element, instead of failing a matter later.
"""
from __future__ import annotations

from lxml import etree

from engine.errors import DefinitionError, Msg
from engine.bpmn.scripting import check_expression

INPUT = "dmninputexpr"


def _text(element) -> str:
    texts = [c.text or "" for c in element if isinstance(c.tag, str) and etree.QName(c).localname == "text"]
    return "".join(texts).strip()


def _entry_refusal(entry: str) -> str | None:
    """Why an input entry is refused, after the DMN engine's own rewriting."""
    if "?" in entry:
        return check_expression(entry.replace("?", INPUT))
    equality = check_expression(f"({INPUT}) == ({entry})")
    if equality is None:
        return None
    comparison = check_expression(f"{INPUT} {entry}")
    return None if comparison is None else equality


def check_decision_table(tree: etree._ElementTree, filename: str) -> None:
    """Raise DefinitionError naming the first input expression, input entry or output entry refused."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        kind = etree.QName(element).localname
        if kind not in ("inputExpression", "inputEntry", "outputEntry"):
            continue
        text = _text(element)
        if not text or text == "-":
            continue
        why = _entry_refusal(text) if kind == "inputEntry" else check_expression(text)
        if why is not None:
            raise DefinitionError(filename, element.get("id"), Msg("dmn.refused", kind=kind, text=text, why=why))
