"""The published charts in `diagrams/`: SVG and PNG of every process, and the catalog's index page."""
from __future__ import annotations

from html import escape
from pathlib import Path

from engine.process.catalog import BODIES, Power, load_catalog
from engine.process.definitions import read_directory
from engine.charts.flowchart import publishable

STYLE = ("body{font-family:'WenQuanYi Zen Hei',sans-serif;margin:2rem;color:#1f2a33}"
         "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d9e0e7;padding:.4rem;text-align:left}"
         "h2{margin-top:2rem}.muted{color:#5f6b7a}")


def index_html(powers: list[Power], names: dict[str, str]) -> str:
    """The catalog as a page: each body's powers, with the chart of the process that runs each."""
    parts = ["<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>权力公开透明运行目录</title>",
             f"<style>{STYLE}</style></head><body><h1>权力公开透明运行目录</h1>",
             "<p class=\"muted\">每项权力的类别、依据、行使主体和公开程度；有运行流程的，附权力运行流程图。</p>"]
    for body in BODIES:
        rows = [p for p in powers if p.body == body]
        if not rows:
            continue
        parts.append(f"<h2>{escape(body)}</h2><table><tr><th>权力</th><th>类别</th><th>依据</th><th>公开</th>"
                     "<th>流程图</th></tr>")
        for p in rows:
            key = escape(p.process or "")
            chart = (f"<a href=\"{key}.svg\">{escape(names[p.process])}</a>（<a href=\"{key}.png\">PNG</a>）"
                     if p.process else "—")
            parts.append(f"<tr><td>{escape(p.name)}</td><td>{escape(p.category)}</td><td>{escape(p.basis)}</td>"
                         f"<td>{escape(p.disclosure)}</td><td>{chart}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def render_all(processes_dir: Path) -> dict[str, bytes]:
    """Every published file by name: <process>.svg, <process>.png and index.html."""
    definitions = read_directory(processes_dir)
    files: dict[str, bytes] = {}
    for d in definitions:
        svg, png = publishable(d.bpmn_xml, d.key, f"{d.name}（{d.key}）")
        files[f"{d.key}.svg"], files[f"{d.key}.png"] = svg.encode("utf-8"), png
    powers = load_catalog(processes_dir, {d.key for d in definitions})
    files["index.html"] = index_html(powers, {d.key: d.name for d in definitions}).encode("utf-8")
    return files


def publish(processes_dir: Path, out_dir: Path) -> list[Path]:
    """Write every published file into ``out_dir``, removing charts of processes that no longer exist."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = render_all(processes_dir)
    for stale in out_dir.glob("*"):
        if stale.suffix in (".svg", ".png", ".html") and stale.name not in files:
            stale.unlink()
    written = []
    for name, content in sorted(files.items()):
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
