"""Simple JUEL (Camunda 7) and FEEL (Camunda 8) conditions as our Python-like expressions, where the meaning is certain.

Only names, literals, comparisons, and/or/not and parentheses are translated. Anything else (property
access, method calls, arithmetic whose coercions differ, chained comparisons) is left to the designer.
"""
from __future__ import annotations

import keyword
import re

from engine.bpmn.scripting import check_expression

_TOKEN = re.compile(r"""\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>'[^'\\\n]*'|"[^"\\\n]*")
                        |(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>&&|\|\||==|!=|<=|>=|<|>|!|=|\(|\)|-))""", re.X)
_JUEL_WORDS = {"true": "True", "false": "False", "null": "None", "and": "and", "or": "or", "not": "not",
               "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}
_JUEL_OPS = {"&&": "and", "||": "or", "!": "not", "==": "==", "!=": "!=", "<": "<", ">": ">", "<=": "<=",
             ">=": ">=", "(": "(", ")": ")", "-": "-"}
_FEEL_WORDS = {"true": "True", "false": "False", "null": "None", "and": "and", "or": "or", "not": "not"}
_FEEL_OPS = {"=": "==", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "(": "(", ")": ")", "-": "-"}
_COMPARE = {"==", "!=", "<", ">", "<=", ">="}
# Words of either language our translation does not carry over with certainty.
_UNSURE = {"empty", "div", "mod", "instanceof", "between", "in", "some", "every", "satisfies", "if", "then", "else",
           "for", "return", "function", "instance", "of"}
# Variables Camunda and Zeebe provide themselves, which our engine does not have.
_ENGINE_NAMES = {"execution", "task", "initiator", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances",
                 "loopCounter", "numberOfInstances", "numberOfActiveInstances", "numberOfCompletedInstances",
                 "numberOfTerminatedInstances", "authenticatedUserId", "variables", "processEngine"}


class Untranslatable(Exception):
    """The expression is beyond the simple forms translated with certainty."""


def _tokens(text: str, words: dict, ops: dict) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise Untranslatable(text[position:])
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "name":
            if value in words:
                kind, value = ("op" if words[value] in ("and", "or", "not") or words[value] in _COMPARE else "const",
                               words[value])
            elif value in _UNSURE | _ENGINE_NAMES or keyword.iskeyword(value) or value in ("True", "False", "None"):
                raise Untranslatable(value)
        elif kind == "op":
            if value not in ops:
                raise Untranslatable(value)
            value = ops[value]
        elif kind == "string":
            value = repr(value[1:-1])
        tokens.append((kind, value))
    return tokens


class _Parser:
    """Recursive descent over the tokens; each rule returns (python text, precedence level)."""

    OR, AND, NOT, COMPARE, ATOM = range(5)

    def __init__(self, tokens: list[tuple[str, str]], feel: bool):
        self.tokens, self.position, self.feel = tokens, 0, feel

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise Untranslatable(value or "end")
        self.position += 1
        return token

    def parse(self) -> str:
        text, _ = self.disjunction()
        if self.peek() is not None:
            raise Untranslatable(self.peek()[1])
        return text

    def _joined(self, word: str, part, level: int):
        text, found = part()
        items = [text if found >= level else f"({text})"]
        while self.peek() == ("op", word):
            self.take()
            text, found = part()
            items.append(text if found >= level else f"({text})")
        return (items[0], found) if len(items) == 1 else (f" {word} ".join(items), level)

    def disjunction(self):
        return self._joined("or", self.conjunction, self.AND)

    def conjunction(self):
        return self._joined("and", self.comparison, self.NOT)

    def comparison(self):
        left, level = self.unary()
        token = self.peek()
        if token and token[0] == "op" and token[1] in _COMPARE:
            self.take()
            right, right_level = self.unary()
            if (nxt := self.peek()) and nxt[1] in _COMPARE:
                raise Untranslatable(nxt[1])  # chained comparisons mean different things
            wrap = lambda t, lv: t if lv == self.ATOM else f"({t})"
            return f"{wrap(left, level)} {token[1]} {wrap(right, right_level)}", self.COMPARE
        return left, level

    def unary(self):
        token = self.peek()
        if token == ("op", "not"):
            self.take()
            if self.feel:  # FEEL's not is a function: not(x)
                self.take("(")
                inner, _ = self.disjunction()
                self.take(")")
                return f"not ({inner})" if " " in inner else f"not {inner}", self.NOT
            inner, level = self.unary()
            return f"not {inner}" if level >= self.NOT else f"not ({inner})", self.NOT
        if token == ("op", "-"):
            self.take()
            kind, value = self.take()
            if kind != "number":
                raise Untranslatable("-")
            return f"-{value}", self.ATOM
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if value == "(" and kind == "op":
            inner, level = self.disjunction()
            self.take(")")
            return (inner, level) if level == self.ATOM else (f"({inner})", self.ATOM)
        if kind in ("name", "number", "string", "const"):
            if (nxt := self.peek()) and nxt == ("op", "("):
                raise Untranslatable(value)  # a function call
            return value, self.ATOM
        raise Untranslatable(value)


def _checked(text: str) -> str:
    if check_expression(text) is not None:
        raise Untranslatable(text)
    return text


def juel(source: str) -> str:
    """`${…}` or `#{…}` as our expression; raises Untranslatable when the meaning is not certain."""
    text = source.strip()
    if not (text.startswith(("${", "#{")) and text.endswith("}")) or "}" in text[2:-1] or "{" in text[2:-1]:
        raise Untranslatable(text)
    return _checked(_Parser(_tokens(text[2:-1], _JUEL_WORDS, _JUEL_OPS), feel=False).parse())


def feel(source: str) -> str:
    """A Zeebe `=…` FEEL expression as ours; raises Untranslatable when the meaning is not certain."""
    text = source.strip()
    if not text.startswith("="):
        raise Untranslatable(text)
    body = text[1:]
    if "'" in body:
        raise Untranslatable(body)  # FEEL strings are double-quoted: a single quote is something else
    return _checked(_Parser(_tokens(body, _FEEL_WORDS, _FEEL_OPS), feel=True).parse())


def is_juel(text: str) -> bool:
    """Whether text is written in JUEL (`${…}` or `#{…}`)."""
    return "${" in text or "#{" in text


def is_feel(text: str) -> bool:
    """Whether text is a Zeebe FEEL expression (starts with `=`)."""
    return text.strip().startswith("=")
