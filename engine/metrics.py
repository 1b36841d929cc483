"""This process's Prometheus instruments: request latency, completions, script runner kills.

Built on first use, not at import: prometheus_client picks its storage when it is imported, and
`powerflow serve` must first point it at the directory its workers share (multiprocess mode), so that
a scrape of any worker sums them all. Gauges of the database's state are read at scrape (engine.ops.gauges).
"""
from __future__ import annotations

import functools
from types import SimpleNamespace

# Seconds: an action takes milliseconds, a page with its chart tens of them, a timeout seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@functools.cache
def instruments() -> SimpleNamespace:
    """The instruments, registered once per process in prometheus_client's default registry."""
    from prometheus_client import Counter, Histogram
    return SimpleNamespace(
        latency=Histogram("powerflow_http_request_duration_seconds", "Time to answer an HTTP request, by route",
                          ["route", "method", "status"], buckets=LATENCY_BUCKETS),
        completions=Counter("powerflow_task_completions", "Tasks completed by their holders"),
        runner_kills=Counter("powerflow_script_runner_kills",
                             "Script runners killed: over the time or memory limit, or died", ["reason"]),
    )


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency."""
    instruments().latency.labels(route, method, str(status)).observe(seconds)


def task_completed() -> None:
    """Count one committed task completion."""
    instruments().completions.inc()


def runner_killed(reason: str) -> None:
    """Count one script runner killed for ``reason`` (time_limit, memory, died)."""
    instruments().runner_kills.labels(reason).inc()
