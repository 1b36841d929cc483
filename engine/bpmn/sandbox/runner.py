"""A script runner: a fresh interpreter that runs designers' scripts, confined, and talks JSON on a pipe.

Started by engine.bpmn.sandbox.pool as ``python -I -c …`` with an empty environment, no open files but its
pipes, and no database: a script here can reach nothing of the server. Each request carries one script
and the matter's data; the script's function calls (``members_of``, ``submit_topic`` …) go back to the
server as requests, which the server checks and carries out in the action's transaction.
"""
from __future__ import annotations

import functools
import json
import sys
import traceback

from engine.errors import Msg
from engine.bpmn.sandbox import protocol
from engine.bpmn.sandbox.checker import GUARDS, SCRIPT_FILENAME, Refused, compile_checked, left_by_script
from engine.bpmn.sandbox.confine import confine

STDIN, STDOUT = 0, 1


class ScriptError(Exception):
    """A function the server refused or failed, raised inside the script where it was called."""


_answered: list[list] = []  # the server's answers to this run's leading calls, in order (engine.bpmn.sandbox.prefetch)


def _function(name: str):
    """A stand-in for a server function: sends the call and returns the server's answer."""
    def call(*args, **kwargs):
        if _answered and not kwargs and _answered[0][0] == name and _answered[0][1] == list(args):
            return _answered.pop(0)[2]
        try:
            protocol.send(STDOUT, {"op": "call", "name": name, "args": list(args), "kwargs": kwargs})
        except (TypeError, ValueError):
            raise ScriptError(Msg("sandbox.arguments_not_json", name=name)) from None
        answer = protocol.receive(STDIN)
        if answer.get("op") != "result":
            raise ScriptError(protocol.heard(answer))
        return answer.get("value")
    call.__name__ = name
    return call


def _line(exc: BaseException) -> int:
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == SCRIPT_FILENAME]
    return lines[-1] if lines else 0


@functools.lru_cache(maxsize=64)
def _functions(names: tuple[str, ...]) -> dict:
    return {name: _function(name) for name in names}


def _run(request: dict) -> dict:
    """Run one script over its data; the reply carries the new data or why it failed."""
    context, names = json.loads(request["context"]), tuple(request.get("functions", ()))
    try:
        code = compile_checked(request["script"])
    except Refused as exc:
        return {"op": "refused", **protocol.said(exc.msg)}
    _answered[:] = request.get("prefetched") or []
    namespace = {**GUARDS, **_functions(names), **context}
    try:
        exec(code, namespace)  # noqa: S102 - restricted bytecode, in a confined process
    except Refused as exc:
        return {"op": "refused", **protocol.said(exc.msg), "line": _line(exc)}
    except MemoryError:
        return {"op": "memory"}
    except Exception as exc:  # the designer's script failed: report it, the runner stays usable
        said = exc.args[0] if isinstance(exc, ScriptError) and exc.args else str(exc)
        return {"op": "error", "type": type(exc).__name__, **protocol.said(said), "line": _line(exc)}
    return {"op": "done", "context": left_by_script(namespace, names)}


def _not_data(context: dict) -> dict:
    """The reply for data a script left that JSON cannot carry, naming the first such variable."""
    for key, value in context.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            return {"op": "error", "type": "TypeError", "line": 0,
                    **protocol.said(Msg("sandbox.variable_not_json", key=key, kind=type(value).__name__))}
    return {"op": "error", "type": "ValueError", "line": 0, **protocol.said(Msg("sandbox.data_not_returned"))}


def _reply(reply: dict) -> None:
    try:
        frame = protocol.encode(reply)
    except (TypeError, ValueError, RecursionError):
        frame = protocol.encode(_not_data(reply.get("context", {})))
    protocol.write(STDOUT, frame)


def main() -> None:
    """Confine this process, then answer run requests until the pipe closes."""
    memory_mb, cpu_seconds = int(sys.argv[1]), int(sys.argv[2])
    compile_checked("x = [i for i in range(1)]")  # warm RestrictedPython's lazy imports before the filter
    json.loads(json.dumps({"warm": ["up", 1.5, None]}))
    confine(memory_mb * 1024 * 1024, cpu_seconds)
    protocol.send(STDOUT, {"op": "ready"})
    while True:
        try:
            request = protocol.receive(STDIN)
        except protocol.ChannelClosed:
            return
        try:
            reply = _run(request)
        except MemoryError:
            reply = {"op": "memory"}
        _reply(reply)
        if reply["op"] == "memory":
            return  # after a MemoryError the interpreter's state is not worth trusting
