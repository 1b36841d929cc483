"""The views' door to the engine: the System the app was built with."""
from __future__ import annotations

from flask import current_app

from engine.system import System


def services() -> System:
    """The engine services of the current app (for views only)."""
    return current_app.extensions["powerflow"]
