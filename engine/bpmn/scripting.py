"""The script engine SpiffWorkflow runs a matter with: safe expressions here, scripts in confined runners.

Deploying a diagram must never equal running code on the server. Conditions and every other
expression are evaluated by engine.bpmn.sandbox.expressions over the matter's plain data; scripts run in a
runner process under the operating system's limits (engine.bpmn.sandbox.pool), and the functions they call
are carried out here, by the engine, in the action's transaction.
"""
from __future__ import annotations

import ast
from typing import Any, Callable, Mapping

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import Msg, ScriptRefused
from engine.bpmn.sandbox import expressions
from engine.bpmn.callables import unknown_in_expression, unknown_in_script
from engine.bpmn.sandbox import checker
from engine.bpmn.sandbox.pool import RunnerUnavailable, ScriptFailed, shared_pool

DEFAULT_TIME_LIMIT = 1.0
__all__ = ["DEFAULT_TIME_LIMIT", "SandboxedEnvironment", "SandboxedScriptEngine", "check_expression",
           "check_script"]


def check_expression(source: str) -> Msg | None:
    """Return why an expression is refused (a Msg), or None when it is acceptable (calls included)."""
    return expressions.check_expression(source) or unknown_in_expression(source)


def check_script(source: str) -> Msg | None:
    """Return why a script is refused (a Msg), or None when it is acceptable (calls included)."""
    return checker.check_script(source) or unknown_in_script(source)


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates expressions in-process over plain data and runs scripts in the runner pool.

    ``functions`` are what scripts may call (carried out by the server); ``lookups`` are the read-only
    ones expressions may call as well (e.g. ``display_name``).
    """

    def __init__(self, functions: Mapping[str, Callable] | None = None,
                 lookups: Mapping[str, Callable] | None = None, time_limit: float = DEFAULT_TIME_LIMIT):
        super().__init__({})
        self.functions = dict(functions or {})
        self.lookups = dict(lookups or {})
        self.time_limit = time_limit

    def _check_names(self, context: Mapping[str, Any]) -> None:
        clash = set(self.functions) & set(context)
        if clash:
            raise ScriptRefused("script.name_clash", names=", ".join(sorted(clash)))

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context: Mapping | None = None):
        """The value of a designer's expression over the matter's data."""
        names = {**context, **(external_context or {})}
        try:
            return expressions.evaluate(expression, names, self.lookups)
        except expressions.ExpressionRefused as exc:
            raise ScriptRefused(exc.msg) from None

    def execute(self, script: str, context: dict, external_context: Mapping | None = None) -> bool:
        """Run a script in a runner; the task data becomes what the script left."""
        self._check_names(context)
        try:
            result = shared_pool().run(script, {**context, **(external_context or {})}, self.functions,
                                       self.time_limit)
        except (ScriptFailed, RunnerUnavailable) as exc:  # their message is a Msg: it keeps its code
            raise ScriptRefused(exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)) from None
        for key in set(external_context or {}):
            result.pop(key, None)
        context.clear()
        context.update(result)
        return True

    def call_service(self, context, **kwargs):
        raise ScriptRefused("script.no_services")


class SandboxedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow script engine whose expressions and scripts never run as server code."""

    def __init__(self, functions: Mapping[str, Callable] | None = None,
                 lookups: Mapping[str, Callable] | None = None, time_limit: float = DEFAULT_TIME_LIMIT):
        super().__init__(environment=SandboxedEnvironment(functions, lookups, time_limit))

    def validate(self, expression: str) -> None:
        """SyntaxError first (SpiffWorkflow's DMN engine tells "< 50" from "50" by catching it), then ours."""
        ast.parse(expression, mode="eval")
        if (why := expressions.check_expression(expression)) is not None:
            raise ScriptRefused(why)
