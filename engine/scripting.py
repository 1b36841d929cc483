"""Restricted script engine for BPMN scripts and conditions.

Deploying a diagram must never equal running arbitrary Python on the server, so every
script and condition is compiled with RestrictedPython (no imports, no names or
attributes starting with an underscore, no open/exec/eval) and runs under a time limit.
"""
from __future__ import annotations

import ast
import functools
import sys
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
BUILTINS = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE} | _EXTRA
DEFAULT_TIME_LIMIT = 1.0
SCRIPT_FILENAME = "<script>"


def _inplace(op: str, x: Any, y: Any) -> Any:
    ops = {"+=": lambda: x + y, "-=": lambda: x - y, "*=": lambda: x * y,
           "/=": lambda: x / y, "//=": lambda: x // y, "%=": lambda: x % y}
    if op not in ops:
        raise ScriptRefused(f"不支持的运算符 {op}")
    return ops[op]()


GUARDS = {
    "__builtins__": BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplace,
}


FORBIDDEN_NAMES = {"open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars",
                   "getattr", "input", "breakpoint", "help", "exit", "quit"}


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


@functools.lru_cache(maxsize=2048)
def compile_checked(source: str, mode: str = "exec"):
    """Compile a script (mode 'exec') or condition (mode 'eval') or raise ScriptRefused."""
    _precheck(source, mode)
    try:
        result = compile_restricted(source, filename=SCRIPT_FILENAME, mode=mode)
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
    """Aborts Python code running longer than ``seconds`` in this thread (via the trace hook)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        deadline = time.monotonic() + self.seconds

        def tracer(frame, event, arg):
            if time.monotonic() > deadline:
                raise ScriptRefused(f"脚本运行超过 {self.seconds} 秒，已中止")
            if frame.f_code.co_filename != SCRIPT_FILENAME:
                return None  # engine functions a script calls run untraced, at full speed
            # Opcode events, because a tight `while True: pass` emits no line events.
            frame.f_trace_opcodes = True
            return tracer

        self.previous = sys.gettrace()
        sys.settrace(tracer)
        return self

    def __exit__(self, *exc):
        sys.settrace(self.previous)
        return False


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Runs scripts and conditions against task data with RestrictedPython and a time limit."""

    def __init__(self, functions: dict[str, Callable] | None = None, time_limit: float = DEFAULT_TIME_LIMIT):
        super().__init__(dict(functions or {}))
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
