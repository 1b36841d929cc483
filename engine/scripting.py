"""Restricted script engine for BPMN scripts and conditions.

Deploying a diagram must never equal running arbitrary Python on the server, so every
script and condition is compiled with RestrictedPython (no imports, no names or
attributes starting with an underscore, no open/exec/eval) and runs under a time limit.
"""
from __future__ import annotations

import ast
import functools
import re
import sys
import threading
import time
from typing import Any, Callable

from RestrictedPython import compile_restricted, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .errors import ScriptRefused

_UNSAFE = {"setattr", "delattr", "__build_class__", "id"}
_EXTRA = {
    "list": list, "tuple": tuple, "dict": dict, "set": set, "frozenset": frozenset,
    "sorted": sorted, "min": min, "max": max, "sum": sum, "any": any, "all": all,
    "enumerate": enumerate, "zip": zip, "reversed": reversed,
}
_MATERIALISING = ("list", "tuple", "dict", "set", "frozenset", "sorted", "bytes", "str")
DEFAULT_TIME_LIMIT = 1.0
SCRIPT_FILENAME = "<script>"
MAX_ITEMS = 1_000_000  # the largest string, list or tuple a script may build in one step
MAX_INT_BITS = 4096  # numbers beyond this are an attack, not a budget


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def safe_multiply(x: Any, y: Any) -> Any:
    """``x * y`` unless it would build a sequence or number too large to be anything but an attack."""
    for seq, n in ((x, y), (y, x)):
        if _size(seq) is not None and isinstance(n, int) and _size(seq) * max(n, 0) > MAX_ITEMS:
            raise ScriptRefused(f"脚本被拒绝：结果超过 {MAX_ITEMS} 项")
    if isinstance(x, int) and isinstance(y, int) and x.bit_length() + y.bit_length() > MAX_INT_BITS:
        raise ScriptRefused("脚本被拒绝：数值过大")
    return x * y


def safe_power(x: Any, y: Any) -> Any:
    """``x ** y`` unless the result would be enormous."""
    if isinstance(x, int) and isinstance(y, int) and abs(x) > 1 and y > 0 and x.bit_length() * y > MAX_INT_BITS:
        raise ScriptRefused("脚本被拒绝：数值过大")
    return x ** y


_WIDE = re.compile(r"%[-+ #0]*(\d{5,}|\*)|\{[^}]*:[^}]*\d{5,}")  # a field padded to 10,000+ characters


def safe_modulo(x: Any, y: Any) -> Any:
    """``x % y``, refusing printf-style formats that pad a field to an enormous width."""
    if isinstance(x, str) and _WIDE.search(x):
        raise ScriptRefused("脚本被拒绝：格式宽度过大")
    return x % y


def _sized(make: Callable) -> Callable:
    """A builtin that refuses to materialise more than MAX_ITEMS items (e.g. ``list(range(10**9))``)."""
    @functools.wraps(make)
    def guarded(*args, **kwargs):
        if args and hasattr(args[0], "__len__") and len(args[0]) > MAX_ITEMS:
            raise ScriptRefused(f"脚本被拒绝：超过 {MAX_ITEMS} 项")
        return make(*args, **kwargs)
    return guarded


class _GuardArithmetic(ast.NodeTransformer):
    """Rewrites ``a * b`` and ``a ** b`` into the checked functions above (after the user's code was checked)."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        name = {ast.Mult: "safe_multiply", ast.Pow: "safe_power", ast.Mod: "safe_modulo"}.get(type(node.op))
        if name is None:
            return node
        return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), [node.left, node.right], []), node)


def _inplace(op: str, x: Any, y: Any) -> Any:
    ops = {"+=": lambda: x + y, "-=": lambda: x - y, "*=": lambda: safe_multiply(x, y),
           "/=": lambda: x / y, "//=": lambda: x // y, "%=": lambda: x % y}
    if op not in ops:
        raise ScriptRefused(f"不支持的运算符 {op}")
    return ops[op]()


_BASE = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE} | _EXTRA
BUILTINS = {k: _sized(v) if k in _MATERIALISING and k in _BASE else v for k, v in _BASE.items()}

GUARDS = {
    "__builtins__": BUILTINS,
    "safe_multiply": safe_multiply,
    "safe_power": safe_power,
    "safe_modulo": safe_modulo,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplace,
}


FORBIDDEN_NAMES = {"open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars",
                   "getattr", "input", "breakpoint", "help", "exit", "quit", "safe_multiply", "safe_power",
                   "safe_modulo"}


def _precheck(source: str, mode: str) -> None:
    """Refuse imports and dangerous names before compiling, with a message naming them."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptRefused(f"脚本语法错误（第 {exc.lineno} 行）：{exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptRefused(f"脚本被拒绝（第 {node.lineno} 行）：不允许 import")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise ScriptRefused(f"脚本被拒绝（第 {node.lineno} 行）：不允许使用 {node.id}")
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None and _WIDE.search(
                "{:" + ast.unparse(node.format_spec) + "}"):
            raise ScriptRefused(f"脚本被拒绝（第 {node.lineno} 行）：格式宽度过大")


@functools.lru_cache(maxsize=2048)
def compile_checked(source: str, mode: str = "exec"):
    """Compile a script (mode 'exec') or condition (mode 'eval') or raise ScriptRefused."""
    _precheck(source, mode)
    try:
        compile_restricted(source, filename=SCRIPT_FILENAME, mode=mode)  # RestrictedPython's checks, on what was written
        tree = ast.fix_missing_locations(_GuardArithmetic().visit(ast.parse(source, mode=mode)))
        result = compile_restricted(tree, filename=SCRIPT_FILENAME, mode=mode)
    except SyntaxError as exc:  # RestrictedPython raises a tuple of messages for its refusals
        reasons = exc.args[0] if exc.args and isinstance(exc.args[0], tuple) else (str(exc),)
        raise ScriptRefused("脚本被拒绝：" + "；".join(reasons)) from None
    if result is None:
        raise ScriptRefused("脚本被拒绝：无法编译")
    return result


def _refusal_text(source: str, mode: str) -> str | None:
    try:
        compile_checked(source, mode)
    except ScriptRefused as exc:
        return str(exc)
    return None


def check_script(source: str) -> str | None:
    """Return why a script is refused, or None when it is acceptable."""
    return _refusal_text(source, "exec")


def check_expression(source: str) -> str | None:
    """Return why a condition expression is refused, or None when it is acceptable."""
    return _refusal_text(source, "eval")


class _TimeLimit:
    """Aborts script code running longer than ``seconds`` in this thread (via the trace hook).

    Time spent inside the engine's functions (database work, possibly waiting for a lock under load)
    does not count: the limit is for what the designer wrote, and a busy database must not fail a matter.
    """

    active = threading.local()

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = 0.0

    def __enter__(self):
        self.deadline = time.monotonic() + self.seconds

        def tracer(frame, event, arg):
            if time.monotonic() > self.deadline:
                raise ScriptRefused(f"脚本运行超过 {self.seconds} 秒，已中止")
            if frame.f_code.co_filename != SCRIPT_FILENAME:
                return None  # engine functions a script calls run untraced, at full speed
            # Opcode events, because a tight `while True: pass` emits no line events.
            frame.f_trace_opcodes = True
            return tracer

        self.previous, self.outer = sys.gettrace(), getattr(_TimeLimit.active, "limit", None)
        _TimeLimit.active.limit = self
        sys.settrace(tracer)
        return self

    def __exit__(self, *exc):
        sys.settrace(self.previous)
        _TimeLimit.active.limit = self.outer
        return False


def untimed(function: Callable) -> Callable:
    """An engine function for scripts whose own running time is not charged to the script's limit."""
    @functools.wraps(function)
    def call(*args, **kwargs):
        limit = getattr(_TimeLimit.active, "limit", None)
        if limit is None:
            return function(*args, **kwargs)
        # No tracing at all while it runs: the limit must never interrupt the engine half-way through
        # a database command, which would leave the connection unusable for recording the error.
        tracer, began = sys.gettrace(), time.monotonic()
        sys.settrace(None)
        try:
            return function(*args, **kwargs)
        finally:
            sys.settrace(tracer)
            limit.deadline += time.monotonic() - began
    return call


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Runs scripts and conditions against task data with RestrictedPython and a time limit."""

    def __init__(self, functions: dict[str, Callable] | None = None, time_limit: float = DEFAULT_TIME_LIMIT):
        super().__init__({name: untimed(f) for name, f in (functions or {}).items()})
        self.time_limit = time_limit

    def _namespace(self, context: dict, external_context: dict | None) -> dict:
        clash = set(self.globals) & set(context)
        if clash:
            raise ScriptRefused(f"数据字段与内置函数重名：{', '.join(sorted(clash))}")
        return {**GUARDS, **self.globals, **(external_context or {}), **context}

    def evaluate(self, expression, context, external_context=None):
        code = compile_checked(expression, "eval")
        with _TimeLimit(self.time_limit):
            return eval(code, self._namespace(context, external_context))  # noqa: S307 - restricted bytecode

    def execute(self, script, context, external_context=None):
        code = compile_checked(script, "exec")
        namespace = self._namespace(context, external_context)
        with _TimeLimit(self.time_limit):
            exec(code, namespace)  # noqa: S102 - restricted bytecode
        hidden = set(GUARDS) | set(self.globals) | set(external_context or {})
        for key in list(context):
            if key not in namespace:
                del context[key]
        for key, value in namespace.items():
            if key not in hidden and not key.startswith("_") and not callable(value):
                context[key] = value
        return True

    def call_service(self, context, **kwargs):
        raise ScriptRefused("本系统未开放服务任务调用")


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow script engine whose validation and execution are restricted."""

    def __init__(self, functions: dict[str, Callable] | None = None, time_limit: float = DEFAULT_TIME_LIMIT):
        super().__init__(environment=RestrictedEnvironment(functions, time_limit))

    def validate(self, expression):
        # A SyntaxError first, as SpiffWorkflow's DMN engine tells "< 50" from "50" by catching it.
        ast.parse(expression, mode="eval")
        compile_checked(expression, "eval")
