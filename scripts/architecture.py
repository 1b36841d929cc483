"""Draw the import graph of engine/ and webui/ from the code: docs/architecture.dot and docs/architecture.svg.

Run `.venv/bin/python scripts/architecture.py` after moving code; tests/architecture/test_architecture.py fails when the
committed DOT no longer matches the code. A box is one of the engine's sub-packages by concept (or the few
modules left at the top, grouped in GROUPS), and webui is one box; an edge is "imports".
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# What each engine module is about; a module not listed here is drawn in "other" (and the test says so).
# Every sub-package of engine/ is a group of its own; these are the modules left at the top.
GROUPS = {
    "foundation": ["status", "clock", "errors", "messages", "limits", "metrics"],
    "assembly": ["system"],
}


def packages() -> list[str]:
    """The engine's sub-packages by concept (migrations aside), each drawn as one box."""
    engine = ROOT / "engine"
    return sorted(p.name for p in engine.iterdir() if (p / "__init__.py").exists() and p.name not in
                  ("migrations", "messages"))


def modules() -> set[str]:
    """The engine's top-level modules (not in a sub-package): each must be listed in GROUPS."""
    return {p.stem for p in (ROOT / "engine").glob("*.py") if p.stem != "__init__"} | {"messages"}


def _contents(package: str) -> list[str]:
    folder = ROOT / "engine" / package
    return sorted({p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
                  | {p.name for p in folder.iterdir() if (p / "__init__.py").exists()})


def dot() -> str:
    """The graph in DOT, one box per group listing its modules, an edge per group that imports another;
    sorted so the same code always gives the same text (and only a new dependency between groups, a new
    module or a moved one changes it)."""
    graph = grimp.build_graph("engine", "webui", cache_dir=None)
    packages_ = packages()
    group_of = {m: g for g, members in GROUPS.items() for m in members}

    def group(module: str) -> str | None:
        parts = module.split(".")
        if parts[0] == "webui":
            return "web"
        if parts[0] != "engine" or len(parts) < 2 or parts[1] == "migrations":
            return None
        return group_of.get(parts[1], parts[1] if parts[1] in packages_ else "other")

    counts: dict[tuple[str, str], int] = {}
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = group(importer), group(imported)
            if a and b and a != b:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    members: dict[str, list[str]] = {package: _contents(package) for package in packages()}
    for module in sorted(modules()):
        members.setdefault(group_of.get(module, "other"), []).append(module)
    lines = ["digraph powerflow {", '  rankdir=TB; node [shape=box, fontsize=10, fontname="sans"];',
             '  edge [fontsize=8, color="#666677"];',
             '  "web" [label="webui\\npages · API · CLI", style=filled, fillcolor="#e8f0fe"];']
    for name in [*GROUPS, *packages(), "other"]:
        if name in members:
            listed = "\\n".join(", ".join(members[name][k:k + 4]) for k in range(0, len(members[name]), 4))
            lines.append(f'  "{name}" [label="{name}\\n\\n{listed}"];')
    lines.extend(f'  "{a}" -> "{b}";' for (a, b) in sorted(counts))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    text = dot()
    (DOCS / "architecture.dot").write_text(text, encoding="utf-8")
    svg = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=True).stdout
    (DOCS / "architecture.svg").write_bytes(svg)
    print(f"wrote {DOCS / 'architecture.dot'} and {DOCS / 'architecture.svg'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
