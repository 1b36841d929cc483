"""The script checker: RestrictedPython's compile with our own refusals, shared by deploy and the runners.

A script that passes it still runs only in a confined runner process (engine.bpmn.sandbox.runner): the
checker is the first wall, the operating system's limits are the second.
"""
from __future__ import annotations

import ast
import functools
import re
from typing import Any, Callable

from RestrictedPython import compile_restricted, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from engine.errors import Msg, joined

SCRIPT_FILENAME = "<script>"
MAX_ITEMS = 1_000_000  # the largest string, list or tuple a script may build in one step
MAX_INT_BITS = 4096  # numbers beyond this are an attack, not a budget


class Refused(Exception):
    """The checker refuses a script (before it runs) or one of its steps (while it runs).

    ``Refused("sandbox.line_import", line=3)``: ``msg`` is the Msg (its code translates it), ``str()`` its Chinese text.
    """

    def __init__(self, code: str, /, **params):
        self.msg = code if isinstance(code, Msg) else Msg(code, **params)
        super().__init__(str(self.msg))


_UNSAFE = {"setattr", "delattr", "__build_class__", "id"}
_EXTRA = {
    "list": list, "tuple": tuple, "dict": dict, "set": set, "frozenset": frozenset,
    "sorted": sorted, "min": min, "max": max, "sum": sum, "any": any, "all": all,
    "enumerate": enumerate, "zip": zip, "reversed": reversed,
}
_MATERIALISING = ("list", "tuple", "dict", "set", "frozenset", "sorted", "bytes", "str")
# A field padded (or a precision) of 10,000+ characters, in printf style or in a format spec.
_WIDE = re.compile(r"%(\([^)]*\))?[-+ #0]*(\d{5,}|\*|\d*\.(\d{5,}|\*))|\{[^}]*:[^}]*\d{5,}")


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def safe_multiply(x: Any, y: Any) -> Any:
    """``x * y`` unless it would build a sequence or number too large to be anything but an attack."""
    for seq, n in ((x, y), (y, x)):
        if _size(seq) is not None and isinstance(n, int) and _size(seq) * max(n, 0) > MAX_ITEMS:
            raise Refused("sandbox.result_too_large", limit=MAX_ITEMS)
    if isinstance(x, int) and isinstance(y, int) and x.bit_length() + y.bit_length() > MAX_INT_BITS:
        raise Refused("sandbox.number_too_large")
    return x * y


def safe_power(x: Any, y: Any) -> Any:
    """``x ** y`` unless the result would be enormous."""
    if isinstance(x, int) and isinstance(y, int) and abs(x) > 1 and y > 0 and x.bit_length() * y > MAX_INT_BITS:
        raise Refused("sandbox.number_too_large")
    return x ** y


def safe_modulo(x: Any, y: Any) -> Any:
    """``x % y``, refusing printf-style formats that pad a field to an enormous width."""
    if isinstance(x, str) and _WIDE.search(x):
        raise Refused("sandbox.format_too_wide")
    return x % y


def _sized(make: Callable) -> Callable:
    """A builtin that refuses to materialise more than MAX_ITEMS items (e.g. ``list(range(10**9))``)."""
    @functools.wraps(make)
    def guarded(*args, **kwargs):
        if args and hasattr(args[0], "__len__") and len(args[0]) > MAX_ITEMS:
            raise Refused("sandbox.too_many_items", limit=MAX_ITEMS)
        return make(*args, **kwargs)
    return guarded


class _GuardArithmetic(ast.NodeTransformer):
    """Rewrites ``a * b``, ``a ** b`` and ``a % b`` into the checked functions above."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        name = {ast.Mult: "safe_multiply", ast.Pow: "safe_power", ast.Mod: "safe_modulo"}.get(type(node.op))
        if name is None:
            return node
        return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), [node.left, node.right], []), node)


def _inplace(op: str, x: Any, y: Any) -> Any:
    ops = {"+=": lambda: x + y, "-=": lambda: x - y, "*=": lambda: safe_multiply(x, y),
           "/=": lambda: x / y, "//=": lambda: x // y, "%=": lambda: safe_modulo(x, y)}
    if op not in ops:
        raise Refused("sandbox.operator", op=op)
    return ops[op]()


# str.format walks attributes named inside a string ("{0.__globals__}"), past every name check.
FORBIDDEN_ATTRIBUTES = {"format", "format_map"}


def guarded_getattr(obj: Any, name: str, default: Any = None, getattr: Callable = safer_getattr) -> Any:
    """RestrictedPython's attribute guard, also refusing the string-formatting methods."""
    if name in FORBIDDEN_ATTRIBUTES:
        raise Refused("sandbox.attribute", name=name)
    return getattr(obj, name, default)


_BASE = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE} | _EXTRA
BUILTINS = {k: _sized(v) if k in _MATERIALISING and k in _BASE else v for k, v in _BASE.items()}

GUARDS = {
    "__builtins__": BUILTINS,
    "safe_multiply": safe_multiply,
    "safe_power": safe_power,
    "safe_modulo": safe_modulo,
    "_getattr_": guarded_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplace,
}

def left_by_script(namespace: dict, functions) -> dict:
    """The data a script leaves: its names but the guards, the server's ``functions``, any starting with "_"
    and anything callable (shared by the runner and the server's settling of call-only scripts)."""
    hidden = set(GUARDS) | set(functions)
    return {k: v for k, v in namespace.items() if k not in hidden and not k.startswith("_") and not callable(v)}


FORBIDDEN_NAMES = {"open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars",
                   "getattr", "input", "breakpoint", "help", "exit", "quit", "safe_multiply", "safe_power",
                   "safe_modulo"}


def _precheck(source: str) -> None:
    """Refuse imports and dangerous names before compiling, with a message naming them."""
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as exc:
        raise Refused("sandbox.syntax", line=exc.lineno, error=exc.msg) from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise Refused("sandbox.line_import", line=node.lineno)
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            raise Refused("sandbox.line_attribute", line=node.lineno, name=node.attr)
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise Refused("sandbox.line_name", line=node.lineno, name=node.id)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None and _WIDE.search(
                "{:" + ast.unparse(node.format_spec) + "}"):
            raise Refused("sandbox.line_format_too_wide", line=node.lineno)


@functools.lru_cache(maxsize=1024)
def compile_checked(source: str):
    """Compile a script to restricted bytecode or raise Refused."""
    _precheck(source)
    try:
        compile_restricted(source, filename=SCRIPT_FILENAME, mode="exec")  # its checks, on what was written
        tree = ast.fix_missing_locations(_GuardArithmetic().visit(ast.parse(source, mode="exec")))
        result = compile_restricted(tree, filename=SCRIPT_FILENAME, mode="exec")
    except SyntaxError as exc:  # RestrictedPython raises a tuple of messages for its refusals
        reasons = exc.args[0] if exc.args and isinstance(exc.args[0], tuple) and exc.args[0] else (str(exc),)
        raise Refused("sandbox.restricted", reasons=joined(list(reasons))) from None
    if result is None:
        raise Refused("sandbox.not_compiled")
    return result


def check_script(source: str) -> Msg | None:
    """Return why a script is refused (a Msg), or None when it is acceptable."""
    try:
        compile_checked(source)
    except Refused as exc:
        return exc.msg
    return None
