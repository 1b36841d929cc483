"""Operations at the edge: request ids, the access log, latency metrics, /healthz, /readyz and /metrics."""
from __future__ import annotations

import logging
import os
import time

from flask import Blueprint, Response, g, jsonify, request

from engine import metrics
from engine.audit import correlation

from webui.http.services import services

bp = Blueprint("observability", __name__)
access_log = logging.getLogger("powerflow.access")


@bp.get("/healthz")
def healthz():
    """Alive: the process answers (no database needed, so a restart is not triggered by a database outage)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready: the database answers, its schema is the newest, and a worker has fired timers lately; 503 if not."""
    readiness = services().readiness()
    body = {"status": "ready" if readiness.ready else "not ready",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in readiness.checks}}
    return jsonify(body), 200 if readiness.ready else 503


@bp.get("/metrics")
def scrape():
    """Prometheus text: this server's instruments (summed over gunicorn's workers) and the database's gauges."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
    metrics.instruments()  # registered even before the first request was measured, so every name is listed
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    state = CollectorRegistry()
    state.register(services().state_collector())
    return Response(text + generate_latest(state), mimetype=CONTENT_TYPE_LATEST)


def init_app(app) -> None:
    """Give every request an id (X-Request-ID), measure it, and write one access line when it is answered."""

    @app.before_request
    def _begin():
        g.request_id = correlation.begin(request.headers.get("X-Request-ID"))
        g.started = time.perf_counter()

    @app.after_request
    def _measured(response):
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule else "(no route)"
        if request.endpoint != "static" and not request.path.startswith("/vendor/"):
            metrics.observe_request(route, request.method, response.status_code, seconds)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        # The path only: a query string or body may carry a search, a token or a ballot.
        access_log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, seconds * 1000,
                        extra={"method": request.method, "path": request.path, "route": route,
                               "status": response.status_code, "ms": round(seconds * 1000, 1),
                               "client": request.remote_addr})
        return response

    @app.teardown_request
    def _end(_exc):
        correlation.end()
