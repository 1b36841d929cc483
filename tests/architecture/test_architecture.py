"""The layers declared in pyproject.toml hold: import-linter checks every contract over the real code."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(config: Path | None = None) -> subprocess.CompletedProcess:
    args = [str(LINT_IMPORTS), "--no-cache"] + (["--config", str(config)] if config else [])
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_every_import_contract_is_kept():
    result = _lint()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout and "BROKEN" not in result.stdout


def test_a_wrong_way_import_is_caught(tmp_path):
    """The contracts are live: a copy of the engine whose tables import the runtime breaks one, by name."""
    import shutil
    for package in ("engine", "webui"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "engine" / "models" / "process.py").open("a") as module:
        module.write("\nfrom engine import runtime  # noqa: E402\n")
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "The tables import nothing else of the engine but the status enums and the clock BROKEN" in result.stdout
    assert "engine.models.process -> engine.runtime" in result.stdout


def test_the_architecture_picture_is_drawn_from_the_current_code():
    """docs/architecture.dot (and its SVG) come from scripts/architecture.py; every engine module has a group."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("architecture", ROOT / "scripts" / "architecture.py")
    architecture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(architecture)
    grouped = {m for members in architecture.GROUPS.values() for m in members}
    assert architecture.modules() <= grouped, f"give these a group in scripts/architecture.py: {architecture.modules() - grouped}"
    assert (ROOT / "docs" / "architecture.dot").read_text(encoding="utf-8") == architecture.dot(), \
        "the picture is stale: run .venv/bin/python scripts/architecture.py"
    assert (ROOT / "docs" / "architecture.svg").read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
