"""Safe expressions: gateway conditions, assignees, timers, ballot keys and shown values over plain data.

Built on simpleeval's evaluator, which walks the Python syntax tree itself (nothing is compiled or
exec'd). It is configured so that by construction an expression sees only the matter's JSON data and
the functions it is given: no attribute of any object except the few data methods listed in
``ALLOWED_ATTRS`` (so no ``__class__``, ``gi_frame``, ``format`` or ``__self__``), no lambda, no
assignment, and a budget on everything it builds (string widths, powers, item counts).
"""
from __future__ import annotations

import ast
import functools
import re
import time
from typing import Any, Callable, Mapping

import simpleeval

from engine.errors import Msg

MAX_BUILT = 1_000_000  # characters or items one evaluation may build in all
MAX_INT_BITS = 4096
MAX_SECONDS = 0.25  # checked between steps: a comprehension of slow steps stops here, not at its end

# The only attributes an expression may read: methods of plain data that build nothing large.
ALLOWED_ATTRS: dict[type, set[str]] = {
    str: {"lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "splitlines",
          "join", "count", "find", "isdigit", "title"},
    dict: {"get", "keys", "values", "items"},
    list: {"index", "count"},
}
_ATTR_NAMES = set().union(*ALLOWED_ATTRS.values())

# Pure builtins every expression may call, beside the functions the caller passes.
BUILTINS: dict[str, Callable] = {
    "len": len, "str": str, "int": int, "float": float, "bool": bool, "abs": abs, "round": round,
    "min": min, "max": max, "sum": sum, "sorted": sorted, "any": any, "all": all, "list": list, "dict": dict,
}

_NODES = (ast.Expression, ast.Name, ast.Load, ast.Constant, ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare,
          ast.IfExp, ast.Call, ast.keyword, ast.Subscript, ast.Attribute, ast.Slice, ast.JoinedStr,
          ast.FormattedValue, ast.Dict, ast.List, ast.Tuple, ast.ListComp, ast.DictComp, ast.comprehension,
          ast.Store, ast.Starred, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_WIDE = re.compile(r"\d{4,}")  # a format field 1,000 characters wide or more


class ExpressionRefused(Exception):
    """An expression is not allowed, or tried to build more than its budget; ``msg`` says why (a Msg)."""

    def __init__(self, code: str, /, **params):
        self.msg = code if isinstance(code, Msg) else Msg(code, **params)
        super().__init__(str(self.msg))


def _data(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is plain JSON-like data (what an expression may return)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if depth > 64:
        return False
    if isinstance(value, (list, tuple)):
        return all(_data(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and _data(v, depth + 1) for k, v in value.items())
    return False


@functools.lru_cache(maxsize=4096)
def parse(source: str) -> ast.AST:
    """The checked syntax tree of an expression, or ExpressionRefused saying why."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionRefused("expression.syntax", error=exc.msg) from None
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise ExpressionRefused("expression.node", kind=type(node).__name__)
        if isinstance(node, ast.Attribute) and node.attr not in _ATTR_NAMES:
            raise ExpressionRefused("expression.attribute", name=node.attr)
        if isinstance(node, ast.Attribute) and id(node) not in called:
            raise ExpressionRefused("expression.attribute_not_called", name=node.attr)
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionRefused("expression.name_refused", name=node.id)
        if isinstance(node, ast.Call) and not isinstance(node.func, (ast.Name, ast.Attribute)):
            raise ExpressionRefused("expression.named_calls_only")
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None and _WIDE.search(
                ast.unparse(node.format_spec)):
            raise ExpressionRefused("expression.format_too_wide")
    return tree.body


def check_expression(source: str) -> Msg | None:
    """Return why an expression is refused (a Msg), or None when it is acceptable."""
    try:
        parse(source)
    except ExpressionRefused as exc:
        return exc.msg
    return None


class _Evaluator(simpleeval.EvalWithCompoundTypes):
    """simpleeval with attributes by type only, no sets or generators, and one budget for what is built."""

    def __init__(self, names: Mapping[str, Any], functions: Mapping[str, Callable]):
        super().__init__(functions=dict(functions), names=names, allowed_attrs=ALLOWED_ATTRS)
        self.functions.pop("set", None)
        self.functions.pop("tuple", None)
        for node in (ast.Set, ast.GeneratorExp, ast.Assign, ast.AugAssign, ast.Import):
            self.nodes.pop(node, None)
        self.operators = {**self.operators, ast.Mult: self._multiply, ast.Pow: self._power,
                          ast.Mod: self._modulo, ast.Add: self._add}
        self.built = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def _eval(self, node):
        if time.monotonic() > self.deadline:
            raise ExpressionRefused("expression.time_limit", seconds=MAX_SECONDS)
        return super()._eval(node)

    def _eval_name(self, node):
        # Names are the matter's data only: a function may be called, never taken as a value.
        try:
            return self.names[node.id]
        except KeyError:
            raise simpleeval.NameNotDefined(node.id, self.expr) from None

    def _check_disallowed_items(self, item):
        # Names are data and functions are the caller's: nothing disallowed can appear, so skip the
        # recursive walk simpleeval makes over every intermediate value.
        return None

    def _charge(self, value: Any) -> Any:
        if isinstance(value, (str, list, tuple, dict)):
            self.built += len(value)
            if self.built > MAX_BUILT:
                raise ExpressionRefused("expression.too_much_data", limit=MAX_BUILT)
        return value

    def _multiply(self, x, y):
        for seq, n in ((x, y), (y, x)):
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * max(n, 0) > MAX_BUILT:
                raise ExpressionRefused("expression.too_much_data", limit=MAX_BUILT)
        if isinstance(x, int) and isinstance(y, int) and x.bit_length() + y.bit_length() > MAX_INT_BITS:
            raise ExpressionRefused("expression.number_too_large")
        return self._charge(x * y)

    def _add(self, x, y):
        return self._charge(x + y)

    @staticmethod
    def _power(x, y):
        if isinstance(x, int) and isinstance(y, int) and abs(x) > 1 and y > 0 and x.bit_length() * y > MAX_INT_BITS:
            raise ExpressionRefused("expression.number_too_large")
        return x ** y

    @staticmethod
    def _modulo(x, y):
        if isinstance(x, str):  # printf-style formatting builds strings of any width: not in expressions
            raise ExpressionRefused("expression.no_percent_format")
        return x % y

    def _eval_call(self, node):
        return self._charge(super()._eval_call(node))

    def _eval_formattedvalue(self, node):
        if node.format_spec is not None:
            spec = str(self._eval(node.format_spec))
            if _WIDE.search(spec):  # checked before formatting: the padding itself is the allocation
                raise ExpressionRefused("expression.format_too_wide")
            return self._charge(("{:" + spec + "}").format(self._eval(node.value)))
        return self._eval(node.value)

    def _eval_joinedstr(self, node):
        return self._charge(super()._eval_joinedstr(node))

    def _eval_comprehension(self, node):
        return self._charge(super()._eval_comprehension(node))


def evaluate(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable]) -> Any:
    """The value of ``source`` over ``names`` (plain data); refuses non-data results and over-budget work."""
    tree = parse(source)
    evaluator = _Evaluator(names, {**BUILTINS, **functions})
    try:
        result = evaluator.eval(source, previously_parsed=tree)
    except simpleeval.InvalidExpression as exc:
        raise ExpressionRefused("expression.not_evaluated", error=str(exc)) from None
    if not _data(result):
        raise ExpressionRefused("expression.not_data", kind=type(result).__name__)
    return result
