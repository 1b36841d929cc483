"""bpmnlint's rules (the repository's `.bpmnlintrc`) on BPMN files, run through Node by scripts/bpmnlint.mjs."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from engine.errors import Msg
from engine.process.lint import Problem, element_names
from engine.process.xml_encoding import to_utf8

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bpmnlint.mjs"


class BpmnlintUnavailable(RuntimeError):
    """Node, the bpmnlint package or the script is missing, or the run failed."""


def check(paths: list[Path]) -> tuple[list[Problem], list[Problem]]:
    """bpmnlint's errors and warnings on the files, each naming its element; one Node process for all."""
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        return [], []
    node = shutil.which("node")
    if node is None:
        raise BpmnlintUnavailable(Msg("lint.bpmnlint_missing", why="node: not found"))
    if not (ROOT / "node_modules" / "bpmnlint").is_dir() or not SCRIPT.is_file():
        raise BpmnlintUnavailable(Msg("lint.bpmnlint_missing", why="node_modules/bpmnlint: not found"))
    documents = [{"file": p.name, "xml": to_utf8(p.read_bytes()).decode("utf-8", "replace")} for p in paths]
    done = subprocess.run([node, str(SCRIPT)], input=json.dumps(documents), cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=300, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        raise BpmnlintUnavailable(Msg("lint.bpmnlint_missing", why=lines[-1]))
    names = {p.name: element_names(p.read_bytes()) for p in paths}
    errors, warnings = [], []
    for found in json.loads(done.stdout):
        filename, element = found["file"], found.get("id")
        problem = Problem(filename, element, Msg("lint.bpmnlint", rule=found["rule"], message=found["message"]),
                          names[filename].get(element or ""))
        (errors if found["category"] == "error" else warnings).append(problem)
    return errors, warnings
