"""The request an action belongs to: an id the web layer binds per request, carried to audit events and logs."""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_REQUEST_ID: ContextVar[str | None] = ContextVar("powerflow_request_id", default=None)
# What a proxy's X-Request-ID may be to be kept: short, printable, no spaces (it goes into logs and the chain).
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def request_id() -> str | None:
    """The current request's id, or None outside a request (the worker, the CLI)."""
    return _REQUEST_ID.get()


def begin(offered: str | None = None) -> str:
    """Bind an id for this request: the proxy's when it is acceptable, else a new one; returns it."""
    chosen = offered if offered and _ACCEPTABLE.fullmatch(offered) else uuid.uuid4().hex
    _REQUEST_ID.set(chosen)
    return chosen


def end() -> None:
    """Forget the id once the request is over, so nothing later is attributed to it."""
    _REQUEST_ID.set(None)
