"""Errors the engine raises; the web layer maps each to an HTTP status."""


class PowerflowError(Exception):
    """Base class for every error the engine reports to a user."""


class NotFound(PowerflowError):
    """The matter, task or process does not exist (or is not visible to the caller)."""


class Forbidden(PowerflowError):
    """The caller may not do this."""


class Conflict(PowerflowError):
    """The task or matter changed since the caller saw it (stale or already completed)."""


class FormInvalid(PowerflowError):
    """Submitted data failed its form; ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("表单数据不符合要求")
        self.errors = errors


class DefinitionError(PowerflowError):
    """A process file is invalid; names the file and the element."""

    def __init__(self, filename: str, element: str | None, message: str):
        where = f"{filename}" + (f" [{element}]" if element else "")
        super().__init__(f"{where}: {message}")
        self.filename = filename
        self.element = element
        self.message = message


class ScriptRefused(PowerflowError):
    """A script or condition was refused by the restricted script engine."""


class WorkflowFailed(PowerflowError):
    """An automatic step of the matter failed while running (script error, bad data)."""
