"""Serves the front-end packages npm installed and the bundles built from them at install (never committed)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__)
ALLOWED = ("htmx.org/dist/", "bpmn-js/dist/", "dmn-js/dist/", ".powerflow/")  # .powerflow: bundles built at install


@bp.get("/vendor/<path:filename>")
def asset(filename: str):
    if not filename.startswith(ALLOWED) or ".." in filename:
        abort(404)
    return send_from_directory(current_app.config["NODE_MODULES"], filename, max_age=86400)
