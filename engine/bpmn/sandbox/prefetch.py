"""Calls a script makes before anything else, answered before it runs.

A script that begins ``member_in_charge = member_in_charge_of(field)`` will make that call whatever
happens next: the server makes it first and sends the answer with the script, which saves the runner
and the server a round trip each (two process wake-ups). Only the leading statements of the form
``name = function(constant or data name, …)`` qualify, in their order; the runner uses each answer
once, for the same call, and asks the server for anything else as usual.

A script that is nothing but such calls (``topic_id = submit_topic(…)``, ``minutes_number = next_number(…)``)
runs no designer code at all once they are answered: its data is the matter's plus the answers, and no
runner is woken for it (``settled``).
"""
from __future__ import annotations

import ast
import functools
import json
from typing import Any, Callable, Mapping

from engine.bpmn.sandbox import protocol
from engine.bpmn.sandbox.checker import check_script, left_by_script


@functools.lru_cache(maxsize=1024)
def leading_calls(source: str, names: frozenset[str]) -> tuple[tuple[str, tuple[tuple[bool, Any], ...]], ...]:
    """The calls to ``names`` the script surely makes first: (function, ((is_data_name, value), …))."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return ()
    calls, assigned = [], set()
    for statement in body:
        call = statement.value if isinstance(statement, ast.Assign) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in names
                and not call.keywords and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id not in names):
            break
        arguments = []
        for argument in call.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, (str, int, float, bool, type(None))):
                arguments.append((False, argument.value))
            elif isinstance(argument, ast.Name) and argument.id not in assigned:
                arguments.append((True, argument.id))
            else:
                return tuple(calls)
        calls.append((call.func.id, tuple(arguments)))
        assigned.add(statement.targets[0].id)
    return tuple(calls)


def prefetch(source: str, context: Mapping[str, Any], functions: Mapping[str, Callable],
             answer: Callable[[Any], Any]) -> list[list]:
    """Make the script's leading calls now: [[function, arguments, answer], …] for the runner."""
    done = []
    for name, arguments in leading_calls(source, frozenset(functions)):
        if any(is_name and value not in context for is_name, value in arguments):
            break  # the script will fail on its own (NameError): let it, in the runner
        values = [context[value] if is_name else value for is_name, value in arguments]
        try:
            result = functions[name](*values)
        except (TypeError, ValueError, KeyError):
            break  # the script's own error: the runner makes the call and reports it where it stands
        done.append([name, values, answer(result)])
    return done


@functools.lru_cache(maxsize=1024)
def _only_calls(source: str, names: frozenset[str]) -> tuple[str, ...] | None:
    """The variables a script assigns when all it does is its leading calls, else None."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    if not body or len(leading_calls(source, names)) != len(body) or check_script(source) is not None:
        return None  # a refused script is refused by the runner, as any other
    return tuple(statement.targets[0].id for statement in body)


def settled(source: str, data: str, answered: list[list], functions: Mapping[str, Callable]) -> dict | None:
    """The data a script leaves when its answered leading calls are the whole script, else None.

    ``data`` is the matter's data as the runner would receive it (JSON text). What comes back is what the
    runner's reply would carry: its variables but the hidden ones, as JSON data.
    """
    targets = _only_calls(source, frozenset(functions))
    if targets is None or len(answered) != len(targets):
        return None
    context = json.loads(data)  # JSON data already: only the answers need the trip a runner's reply makes
    for target, (_name, _arguments, value) in zip(targets, answered):
        context[target] = json.loads(protocol.dumps(value))
    return left_by_script(context, functions)
