"""The server's side of script running: a pool of confined runner processes and the call protocol.

A runner is a fresh interpreter (never a fork of the server), started with an empty environment and
no inherited files. The server sends a script and the matter's data; while the script runs, the server
answers its function calls (checked and carried out here, in the action's transaction); a runner that
passes its time limit is killed and replaced, so the request answers within the limit.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from engine import metrics
from engine.errors import Msg
from engine.bpmn.sandbox import protocol
from engine.bpmn.sandbox.prefetch import prefetch, settled

ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding the engine package
DEFAULT_MEMORY_MB = 256  # a runner's address space; the app sets POWERFLOW_SCRIPT_MEMORY_MB through configure()
RUNNER_CPU_SECONDS = 600  # a runner's whole life; it is replaced long before (RUNS_PER_RUNNER)
RUNS_PER_RUNNER = 500  # a runner serves this many scripts, then a fresh one takes over
START_TIMEOUT = 30.0
_KILLED_FOR = {"sandbox.time_limit": "time_limit", "sandbox.runner_died": "died"}  # counted in the metrics


class ScriptFailed(Exception):
    """The script raised, was refused, passed a limit, or its runner died; the message (a Msg) says which."""


class RunnerUnavailable(Exception):
    """A runner could not be started or confined (the server must not run scripts unconfined)."""


@dataclass
class _Runner:
    process: subprocess.Popen
    to_runner: int
    from_runner: int
    runs: int = 0

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for fd in (self.to_runner, self.from_runner):
            try:
                os.close(fd)
            except OSError:
                pass


def _start(memory_mb: int) -> _Runner:
    """A new confined runner, ready for its first script."""
    code = f"import sys; sys.path.insert(0, {ROOT!r}); from engine.bpmn.sandbox.runner import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-I", "-c", code, str(memory_mb), str(RUNNER_CPU_SECONDS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={}, cwd="/", close_fds=True, start_new_session=True)
    runner = _Runner(process, os.dup(process.stdin.fileno()), os.dup(process.stdout.fileno()))
    process.stdin.close()
    process.stdout.close()
    try:
        ready = protocol.receive(runner.from_runner, time.monotonic() + START_TIMEOUT)
    except (protocol.ChannelClosed, protocol.TimedOut):
        ready = {}
    if ready.get("op") != "ready":
        runner.kill()
        raise RunnerUnavailable(Msg("sandbox.unavailable"))
    return runner


class RunnerPool:
    """Idle runners to reuse; each concurrent script gets its own runner."""

    def __init__(self, memory_mb: int = DEFAULT_MEMORY_MB, keep: int = 2):
        self.memory_mb = memory_mb
        self.keep = keep
        self._idle: list[_Runner] = []
        self._lock = threading.Lock()

    def _checkout(self) -> _Runner:
        with self._lock:
            while self._idle:
                runner = self._idle.pop()
                if runner.process.poll() is None:
                    return runner
                runner.kill()
        return _start(self.memory_mb)

    def _checkin(self, runner: _Runner) -> None:
        runner.runs += 1
        with self._lock:
            if runner.runs < RUNS_PER_RUNNER and len(self._idle) < self.keep:
                self._idle.append(runner)
                return
        runner.kill()

    def run(self, script: str, context: Mapping[str, Any], functions: Mapping[str, Callable],
            time_limit: float) -> dict:
        """Run ``script`` over ``context`` (JSON data) and return the data it leaves.

        ``functions`` are the server's, called as the script asks; their own time is not charged to the
        script. An exception a function raises ends the run (the runner is replaced) and propagates.
        """
        try:  # encoded once, before any leading call is made: data JSON cannot carry changes nothing
            data = protocol.dumps(dict(context))
        except (TypeError, ValueError) as exc:
            raise ScriptFailed(Msg("sandbox.data_not_json", error=str(exc))) from None
        answered = prefetch(script, context, functions, _data)  # the server's work: not the script's time
        if (left := settled(script, data, answered, functions)) is not None:
            return left  # the calls were the whole script: no designer code is left to run
        request = protocol.encode({"op": "run", "script": script, "context": data,
                                   "functions": sorted(functions), "prefetched": answered})
        runner = self._checkout()
        try:
            reply = self._converse(runner, request, functions, time_limit)
        except BaseException as exc:
            runner.kill()
            reason = _KILLED_FOR.get(getattr(exc.args[0], "code", None)) if isinstance(exc, ScriptFailed) else None
            if reason:
                metrics.runner_killed(reason)
            raise
        if reply.get("op") == "memory" or runner.process.poll() is not None:
            runner.kill()
            metrics.runner_killed("memory" if reply.get("op") == "memory" else "died")
        else:
            self._checkin(runner)
        return _result(reply)

    @staticmethod
    def _converse(runner: _Runner, request: bytes, functions: Mapping[str, Callable], time_limit: float) -> dict:
        deadline = time.monotonic() + time_limit
        protocol.write(runner.to_runner, request)
        while True:
            try:
                message = protocol.receive(runner.from_runner, deadline)
            except protocol.TimedOut:
                raise ScriptFailed(Msg("sandbox.time_limit", seconds=f"{time_limit:g}")) from None
            except protocol.ChannelClosed:
                raise ScriptFailed(Msg("sandbox.runner_died")) from None
            if message.get("op") != "call":
                return message
            began = time.monotonic()
            answer = _answer(message, functions)
            deadline += time.monotonic() - began  # the server's own work is not the script's time
            protocol.send(runner.to_runner, answer)


def _answer(message: dict, functions: Mapping[str, Callable]) -> dict:
    """Carry out one function call from a script; a bad call is raised inside the script."""
    name, args, kwargs = message.get("name"), message.get("args"), message.get("kwargs")
    function = functions.get(name) if isinstance(name, str) else None
    if function is None or not isinstance(args, list) or not isinstance(kwargs, dict):
        return {"op": "raise", **protocol.said(Msg("sandbox.no_function", name=name))}
    try:
        value = function(*args, **kwargs)
    except (TypeError, ValueError, KeyError) as exc:  # wrong arguments: the script's error, not the server's
        return {"op": "raise", **protocol.said(Msg("sandbox.call_failed", name=name, error=str(exc)))}
    return {"op": "result", "value": _data(value)}


def _data(value: Any) -> Any:
    """A function's answer as JSON data (its text, for anything JSON cannot carry)."""
    try:
        protocol.encode({"value": value})
    except (TypeError, ValueError):
        return str(value)
    return value


def _result(reply: dict) -> dict:
    op = reply.get("op")
    if op == "done" and isinstance(reply.get("context"), dict):
        return reply["context"]
    if op == "refused":
        raise ScriptFailed(protocol.heard(reply) or Msg("sandbox.refused"))
    if op == "memory":
        raise ScriptFailed(Msg("sandbox.memory"))
    kind, message = reply.get("type", "Error"), protocol.heard(reply)
    if reply.get("line"):
        raise ScriptFailed(Msg("sandbox.error_at", line=reply["line"], type=kind, message=message))
    raise ScriptFailed(Msg("sandbox.error", type=kind, message=message))


_pools: dict[int, RunnerPool] = {}
_memory_mb = DEFAULT_MEMORY_MB


def configure(memory_mb: int) -> None:
    """Set the address-space limit of runners started from now on (the app's POWERFLOW_SCRIPT_MEMORY_MB)."""
    global _memory_mb
    _memory_mb = memory_mb
    for pool in _pools.values():
        pool.memory_mb = memory_mb


def shared_pool() -> RunnerPool:
    """This process's pool (a forked server worker gets its own, never its parent's runners)."""
    pid = os.getpid()
    if pid not in _pools:
        _pools.clear()
        _pools[pid] = RunnerPool(_memory_mb)
    return _pools[pid]
