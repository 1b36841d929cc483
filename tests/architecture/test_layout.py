"""Package layout rules: the engine never imports Flask."""
from __future__ import annotations

import pkgutil
import subprocess
import sys

import engine
from tests.conftest import ROOT


def test_importing_every_engine_module_does_not_import_flask():
    modules = [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.") if ".migrations" not in m.name]
    assert "engine.runtime.service" in modules and len(modules) > 80
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "bad = sorted(m for m in sys.modules if m == 'flask' or m.startswith(('flask.', 'flask_', 'webui')))\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_engine_alone_does_not_import_flask():
    code = "import engine, sys; sys.exit(1 if 'flask' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
