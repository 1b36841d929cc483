"""Serves the front-end packages npm installed (never committed), only from their dist folders."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__)
ALLOWED = ("htmx.org/dist/", "bpmn-js/dist/", "dmn-js/dist/")


@bp.get("/vendor/<path:filename>")
def asset(filename: str):
    if not filename.startswith(ALLOWED) or ".." in filename:
        abort(404)
    return send_from_directory(current_app.config["NODE_MODULES"], filename, max_age=86400)
