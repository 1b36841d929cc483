"""Errors the engine raises; the web layer maps each to an HTTP status and translates it by its code."""
from __future__ import annotations

from functools import reduce

from engine.messages import MESSAGES


class Msg(str):
    """A message for a user: the Chinese text, plus a stable ``code`` and ``params`` to translate it elsewhere."""

    code: str | None
    params: dict

    def __new__(cls, code: str, /, **params):
        text = MESSAGES[code].format(**params) if code in MESSAGES else code
        message = super().__new__(cls, text)
        message.code, message.params = (code if code in MESSAGES else None), params
        return message


def joined(messages: list[str]) -> str:
    """Several messages as one, "；"-separated, each still translatable."""
    return reduce(lambda first, second: Msg("text.pair", first=first, second=second), messages)


class PowerflowError(Exception):
    """Base class for every error the engine reports to a user: ``raise NotFound("task.missing", task_id=3)``."""

    def __init__(self, code: str = "", /, **params):
        # A known code renders from the catalog; any other text (not yet given a code) is shown as it is.
        self.msg = code if isinstance(code, Msg) else Msg(code, **params)
        self.code, self.params = self.msg.code, self.msg.params
        super().__init__(str(self.msg))


class NotFound(PowerflowError):
    """The matter, task or process does not exist (or is not visible to the caller)."""


class Forbidden(PowerflowError):
    """The caller may not do this."""


class Conflict(PowerflowError):
    """The task or matter changed since the caller saw it (stale or already completed)."""


class FormInvalid(PowerflowError):
    """Submitted data failed its form; ``errors`` maps field name to message (a Msg where it has a code)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("form.invalid")
        self.errors = errors


class DefinitionError(PowerflowError):
    """A process file is invalid; names the file and the element."""

    def __init__(self, filename: str, element: str | None, message: str):
        where = f"{filename}" + (f" [{element}]" if element else "")
        detail = message if isinstance(message, Msg) else Msg(message)
        super().__init__("definition.error", where=where, message=detail)
        self.filename = filename
        self.element = element
        self.message = message


class ScriptRefused(PowerflowError):
    """A script or condition was refused by the restricted script engine."""


class WorkflowFailed(PowerflowError):
    """An automatic step of the matter failed while running (script error, bad data)."""
