"""Log lines as JSON (or text) on stderr, each with its request's id; bodies, tokens and query strings never logged."""
from __future__ import annotations

import logging
import sys
from datetime import datetime

from pythonjsonlogger.json import JsonFormatter

from engine.audit import correlation
from engine.committee.workdays import LOCAL_TZ


class _RequestId(logging.Filter):
    """Adds the current request's id (or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = correlation.request_id() or "-"
        return True


def _beijing_time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, LOCAL_TZ).isoformat(timespec="milliseconds")


# The only fields a JSON line may carry. Libraries attach their own extras to records (SpiffWorkflow puts
# a task's whole data, form answers and a ballot's choice included, on its state-change lines): none pass.
FIELDS = ("time", "level", "logger", "pid", "message", "request_id", "exc_info", "stack_info",
          "method", "path", "route", "status", "ms", "client")


class _Json(JsonFormatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return _beijing_time(record)

    def process_log_record(self, log_data):
        return {key: value for key, value in log_data.items() if key in FIELDS}


class _Text(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802
        return _beijing_time(record)


def handler(fmt: str, stream=None) -> logging.Handler:
    """A handler writing ``fmt`` ("json" or "text") lines, with request ids, to ``stream`` (stderr)."""
    out = logging.StreamHandler(stream or sys.stderr)
    out.addFilter(_RequestId())
    if fmt == "json":
        out.setFormatter(_Json("%(asctime)s %(levelname)s %(name)s %(process)d %(message)s %(request_id)s",
                               rename_fields={"asctime": "time", "levelname": "level", "name": "logger",
                                              "process": "pid"},
                               json_ensure_ascii=False))
    else:
        out.setFormatter(_Text("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    return out


def configure(fmt: str, stream=None, level: int = logging.INFO) -> None:
    """Send every logger's lines through one handler of this format (the server and the worker call it)."""
    root = logging.getLogger()
    root.handlers[:] = [handler(fmt, stream)]
    root.setLevel(level)
    # SQLAlchemy logs statements with their parameters (form data, state) from INFO, and SpiffWorkflow
    # every task's state change: neither belongs in an operator's log.
    for noisy in ("sqlalchemy", "spiff"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
