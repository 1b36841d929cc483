"""Running the `powerflow` command as an administrator would (the ``env`` fixture is in conftest)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

POWERFLOW = str(Path(sys.executable).with_name("powerflow"))


def run(env, *args):
    return subprocess.run([POWERFLOW, *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
