"""Flowcharts with graphviz: lay out each process version once, then restyle per matter.

`layout` runs dot on the BPMN's lanes, elements and flows (lanes become clusters) and returns
the SVG plus element positions. `render_live` only adds CSS by element id and holder labels,
so viewing a matter never runs dot.
"""
from __future__ import annotations

import json
import re
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from html import escape
from pathlib import Path

from lxml import etree

from engine.process.definitions import NS, secure_xml
from engine.status import StepState

FONT = "WenQuanYi Zen Hei"
STATE_COLOURS = {  # state: (fill, stroke, stroke width, dash)
    StepState.COMPLETED: ("#e3f4e8", "#2e8b57", 1.6, None),
    StepState.CURRENT: ("#ffe8bf", "#e67e00", 3.2, None),
    StepState.WAITING: ("#fff8d6", "#b59b00", 2.0, "5,3"),
    StepState.ERROR: ("#fde2e2", "#c0392b", 3.0, None),
}
TAKEN = "#2e8b57"
_TASKS = {"userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask", "task",
          "sendTask", "receiveTask", "callActivity", "subProcess"}


@dataclass
class Layout:
    """A laid-out process: the base SVG, node boxes (x, y, w, h in SVG units) and flow ids by (source>target)."""

    svg: str
    nodes: dict[str, list[float]]
    flows: dict[str, list[str]]

    def to_json(self) -> dict:
        return {"nodes": self.nodes, "flows": self.flows}


def _literal(text: str) -> str:
    """Text for a quoted dot string, shown literally (a backslash as "/"), never ending the string early."""
    # dot reads "&lt;" as an entity and copies it into the SVG as such, so "&" must be an entity itself
    return text.replace("&", "&amp;").replace("\\", "/").replace('"', '\\"')


def _q(text: str) -> str:
    return '"' + _literal(text) + '"'


def _lines(*lines: str) -> str:
    """A multi-line dot label (each line literal)."""
    return '"' + "\\n".join(_literal(line) for line in lines if line) + '"'


def _wrap(name: str, width: int = 10) -> list[str]:
    return textwrap.wrap(name, width) if name else []


def css_selector(prefix: str, element_id: str) -> str:
    """``#prefix<id>`` with every character but ASCII letters, digits, "_" and "-" as a CSS hex escape.

    The rules go into the SVG's <style>: inline in an HTML page that is foreign content, where a
    "<" would open a tag, so no character of an id may stay as written (not even as "\\<").
    """
    return "#" + prefix + "".join(c if c.isascii() and (c.isalnum() or c in "_-") else f"\\{ord(c):x} "
                                  for c in element_id)


def _node(node, kind: str) -> str:
    nid, name = node.get("id"), (node.get("name") or "").strip()
    base = f'id={_q("el_" + nid)}, class={_q("bpmn " + kind)}' + (f", tooltip={_q(name)}" if name else "")
    if kind.endswith("Event"):
        width = "3" if kind == "endEvent" else "1.5"
        shape = "doublecircle" if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent") else "circle"
        return (f'{_q(nid)} [{base}, shape={shape}, label="", xlabel={_lines(*_wrap(name, 6))}, width=0.45, '
                f'fixedsize=true, penwidth={width}]')
    if kind.endswith("Gateway"):
        mark = {"parallelGateway": "+", "inclusiveGateway": "○", "eventBasedGateway": "◇"}.get(kind, "×")
        return (f'{_q(nid)} [{base}, shape=diamond, label={_q(mark)}, xlabel={_lines(*_wrap(name, 6))}, '
                f'width=0.6, height=0.6, fixedsize=true]')
    label = _wrap(name or nid)
    if node.xpath("./bpmn:multiInstanceLoopCharacteristics", namespaces=NS):
        label.append("（多人分别办理）")
    if kind == "scriptTask":
        label.append("（自动）")
    if kind == "businessRuleTask":
        label.append("（决策表）")
    pen = "2.5" if kind in ("callActivity", "subProcess") else "1.2"
    return (f'{_q(nid)} [{base}, shape=box, style="rounded,filled", fillcolor="#ffffff", label={_lines(*label)}, '
            f'penwidth={pen}]')


def _is_node(kind: str) -> bool:
    return kind.endswith("Event") or kind.endswith("Gateway") or kind in _TASKS


def _children(container) -> list:
    return [c for c in container if isinstance(c.tag, str) and _is_node(etree.QName(c).localname)]


def _cluster(sub) -> list[str]:
    """An expanded subprocess: a cluster holding its own elements (nested subprocesses recurse)."""
    sid = sub.get("id")
    repeated = "≡ " if sub.xpath("./bpmn:multiInstanceLoopCharacteristics", namespaces=NS) else ""
    label = _wrap(repeated + (sub.get("name") or sid), 16)
    lines = [f'subgraph {_q("cluster_" + sid)} {{ id={_q("el_" + sid)}; label={_lines(*label)}; '
             'labeljust=l; style="rounded"; color="#8a96a3"; penwidth=1.5; fontsize=12;']
    for child in _children(sub):
        kind = etree.QName(child).localname
        lines += _cluster(child) if kind == "subProcess" else [_node(child, kind)]
    lines.append("}")
    return lines


def _anchor(element, ending: bool) -> str:
    """Where edges into (start event) or out of (end event) an expanded subprocess attach."""
    kind = "endEvent" if ending else "startEvent"
    found = element.xpath(f"./bpmn:{kind}", namespaces=NS)
    return found[0].get("id") if found else element.get("id")


LEGEND = [
    'subgraph "cluster_legend" { id="legend"; label="图例"; labeljust=l; style="rounded"; color="#c5ced8"; fontsize=12;',
    '"lg_start" [shape=circle, label="", xlabel="开始", width=0.3, fixedsize=true, penwidth=1.5];',
    '"lg_task" [shape=box, style="rounded,filled", fillcolor="#ffffff", label="人工办理的步骤"];',
    '"lg_auto" [shape=box, style="rounded,filled", fillcolor="#ffffff", label="自动步骤\\n（自动）"];',
    '"lg_multi" [shape=box, style="rounded,filled", fillcolor="#ffffff", label="每人一份\\n（多人分别办理）"];',
    '"lg_gateway" [shape=diamond, label="×", xlabel="条件分支", width=0.5, height=0.5, fixedsize=true];',
    '"lg_wait" [shape=doublecircle, label="", xlabel="等待消息或定时", width=0.35, fixedsize=true];',
    '"lg_end" [shape=circle, label="", xlabel="结束", width=0.3, fixedsize=true, penwidth=3];',
    '"lg_start" -> "lg_task" -> "lg_auto" -> "lg_multi" -> "lg_gateway" -> "lg_wait" -> "lg_end" [style=invis];',
    "}",
]


def _dot(process, title: str | None = None) -> tuple[str, dict[str, list[str]]]:
    lanes = process.xpath(".//bpmn:lane", namespaces=NS)
    in_lane = {ref.text.strip(): lane.get("id") for lane in lanes
               for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NS)}
    nodes: dict[str | None, list[str]] = {}
    subprocesses = {}
    for child in _children(process):
        kind = etree.QName(child).localname
        if kind == "subProcess":
            subprocesses[child.get("id")] = child
            nodes.setdefault(in_lane.get(child.get("id")), []).extend(_cluster(child))
        else:
            nodes.setdefault(in_lane.get(child.get("id")), []).append(_node(child, kind))
    for sub in process.xpath(".//bpmn:subProcess//bpmn:subProcess", namespaces=NS):
        subprocesses[sub.get("id")] = sub
    lines = ["digraph process {", "rankdir=LR; newrank=true; compound=true; nodesep=0.35; ranksep=0.45;",
             f'graph [fontname={_q(FONT)}, fontsize=12, bgcolor="white", pad=0.2];',
             f'node [fontname={_q(FONT)}, fontsize=11, color="#8a96a3", fontcolor="#263238"];',
             f'edge [fontname={_q(FONT)}, fontsize=9, color="#8a96a3", fontcolor="#55606b", arrowsize=0.7];']
    for lane in lanes:
        lid = lane.get("id")
        lines.append(f'subgraph {_q("cluster_" + lid)} {{ id={_q("lane_" + lid)}; label={_q(lane.get("name") or lid)}; '
                     'labeljust=l; style="filled"; fillcolor="#f5f7fa"; color="#c5ced8"; fontsize=13;')
        lines += nodes.get(lid, [])
        lines.append("}")
    lines += nodes.get(None, [])
    for boundary in process.xpath(".//bpmn:boundaryEvent", namespaces=NS):  # dot cannot attach it: link it
        lines.append(f'{_q(boundary.get("attachedToRef"))} -> {_q(boundary.get("id"))} '
                     '[style=dashed, arrowhead=none, color="#b0b8c1"]')
    flows: dict[str, list[str]] = {}
    for flow in process.xpath(".//bpmn:sequenceFlow", namespaces=NS):
        fid, src, tgt = flow.get("id"), flow.get("sourceRef"), flow.get("targetRef")
        flows.setdefault(f"{src}>{tgt}", []).append(fid)
        attrs = [f'id={_q("flow_" + fid)}', 'class="flow"']
        if flow.get("name"):
            attrs.append(f"label={_q(flow.get('name'))}")
        if src in subprocesses:
            attrs.append(f'ltail={_q("cluster_" + src)}')
            src = _anchor(subprocesses[src], ending=True)
        if tgt in subprocesses:
            attrs.append(f'lhead={_q("cluster_" + tgt)}')
            tgt = _anchor(subprocesses[tgt], ending=False)
        lines.append(f'{_q(src)} -> {_q(tgt)} [{", ".join(attrs)}]')
    if title is not None:  # a published chart: titled, with a legend
        lines.append(f"label={_q(title)}; labelloc=t; fontsize=18;")
        lines += LEGEND
    lines.append("}")
    return "\n".join(lines), flows


def _process(bpmn_xml: str, process_key: str):
    root = secure_xml(bpmn_xml.encode("utf-8"), f"{process_key}.bpmn").getroot()
    return root.xpath("//bpmn:process[@id=$key]", key=process_key, namespaces=NS)[0]


def layout(bpmn_xml: str, process_key: str, dot_binary: str = "dot") -> Layout:
    """Lay out one process of a BPMN document with dot (SVG plus positions)."""
    process = _process(bpmn_xml, process_key)
    source, flows = _dot(process)
    with tempfile.TemporaryDirectory() as tmp:
        svg_path, json_path = Path(tmp, "chart.svg"), Path(tmp, "chart.json")
        subprocess.run([dot_binary, "-Tsvg", "-o", str(svg_path), "-Tjson", "-o", str(json_path)],
                       input=source.encode("utf-8"), check=True, capture_output=True, timeout=60)
        svg, graph = svg_path.read_text(encoding="utf-8"), json.loads(json_path.read_text(encoding="utf-8"))
    # dot names each node as written in the source; map that back to the element's id
    elements = {_literal(i).replace('\\"', '"'): i for i in process.xpath(".//@id")}
    nodes = {}
    for obj in graph.get("objects", []):
        if "pos" in obj and "nodes" not in obj:
            x, y = (float(v) for v in obj["pos"].split(","))
            nodes[elements.get(obj["name"], obj["name"])] = [x, -y, float(obj["width"]) * 72,
                                                              float(obj["height"]) * 72]
    return Layout(svg=readable_titles(svg[svg.index("<svg"):]), nodes=nodes, flows=flows)


_NODE_TITLE = re.compile(r'<title>[^<]*</title>(\s*<g id="a_[^"]*"><a xlink:title="([^"]*)">)')
_CLUSTER_TITLE = re.compile(r'(<g id="[^"]*" class="cluster">\s*)<title>[^<]*</title>'
                            r'((?:\s*<(?:polygon|path)[^>]*/>)*\s*<text[^>]*>([^<]*)</text>)')
_OTHER_TITLE = re.compile(r'(<g id="[^"]*" class="(?:edge[^"]*|graph|node[^"]*)"[^>]*>\s*)<title>[^<]*</title>'
                          r'(?!\s*<g id="a_)')


def readable_titles(svg: str) -> str:
    """Hover titles that name things: a node's or lane's name; none for flows and unnamed nodes (dot writes ids)."""
    svg = _NODE_TITLE.sub(r"<title>\2</title>\1", svg)
    svg = _CLUSTER_TITLE.sub(r"\1<title>\3</title>\2", svg)
    return _OTHER_TITLE.sub(r"\1", svg)


def publishable(bpmn_xml: str, process_key: str, title: str, dot_binary: str = "dot") -> tuple[str, bytes]:
    """A chart for publication: (SVG, PNG) with a title and a legend, nothing highlighted."""
    source, _ = _dot(_process(bpmn_xml, process_key), title)
    with tempfile.TemporaryDirectory() as tmp:
        svg_path, png_path = Path(tmp, "chart.svg"), Path(tmp, "chart.png")
        subprocess.run([dot_binary, "-Tsvg", "-o", str(svg_path), "-Tpng", "-Gdpi=110", "-o", str(png_path)],
                       input=source.encode("utf-8"), check=True, capture_output=True, timeout=60)
        svg = svg_path.read_text(encoding="utf-8")
        return readable_titles(svg[svg.index("<svg"):]), png_path.read_bytes()


def _style(chart_state: dict, layout: Layout) -> str:
    rules = []
    for element, state in chart_state.get("elements", {}).items():
        if state not in STATE_COLOURS:
            continue
        fill, stroke, width, dash = STATE_COLOURS[state]
        if element not in layout.nodes:  # an expanded subprocess: a large cluster gets a pale fill
            fill = "#fffaf0" if state == StepState.CURRENT else "#f6fbf7"
        dash_rule = f"stroke-dasharray:{dash};" if dash else ""
        sel = css_selector("el_", element)
        rules.append(f"{sel} polygon,{sel} ellipse,{sel} path{{fill:{fill};stroke:{stroke};"
                     f"stroke-width:{width};{dash_rule}}}")
    for source, target in chart_state.get("flows", []):
        for fid in layout.flows.get(f"{source}>{target}", []):
            sel = css_selector("flow_", fid)
            rules.append(f"{sel} path{{stroke:{TAKEN};stroke-width:2.4}}{sel} polygon{{fill:{TAKEN};stroke:{TAKEN}}}")
    return "".join(rules)


def render_live(layout: Layout, chart_state: dict, holders: dict[str, str] | None = None) -> str:
    """The version's SVG restyled for one matter, with who holds each current step."""
    return overlay(layout, _style(chart_state, layout), holders or {})


def overlay(layout: Layout, css: str, labels: dict[str, str], colour: str = "#b35c00") -> str:
    """The version's SVG with extra CSS and a small label under the name of some elements."""
    texts = []
    for element, text in labels.items():
        if element in layout.nodes:
            x, y, _, h = layout.nodes[element]
            texts.append(f'<text class="holder" x="{x:.1f}" y="{y + h / 2 + 12:.1f}" text-anchor="middle" '
                         f'font-family="{FONT}" font-size="10" fill="{colour}">{escape(text)}</text>')
    svg = layout.svg
    head_end = svg.index(">", svg.index("<svg")) + 1
    # CSS never needs "<" or "&"; as escapes they cannot end the <style> or start markup
    css = css.replace("&", "\\26 ").replace("<", "\\3c ")
    svg = svg[:head_end] + f"<style>{css}</style>" + svg[head_end:]
    if texts:
        # The last </g> closes graph0, whose transform the node positions are expressed in.
        cut = svg.rindex("</g>")
        svg = svg[:cut] + "".join(texts) + svg[cut:]
    return svg
