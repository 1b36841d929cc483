"""Server-side SVG charts (pygal), pure functions of the numbers; no script, CJK labels."""
from __future__ import annotations

import math

import pygal
from flask_babel import gettext
from lxml import etree
from pygal.style import Style

STYLE = Style(font_family="'WenQuanYi Zen Hei','Noto Sans CJK SC',sans-serif", background="white",
              plot_background="white", colors=("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#c53030"),
              title_font_size=16, label_font_size=11, major_label_font_size=11, legend_font_size=12,
              value_font_size=11)


SVG = "{http://www.w3.org/2000/svg}"


def _native_tooltips(svg: str, series: list[str]) -> str:
    """Drop pygal's inline script (the CSP refuses it) and give each bar an SVG <title>, which needs no script."""
    root = etree.fromstring(svg.encode("utf-8"))
    for script in root.iter(f"{SVG}script"):
        script.getparent().remove(script)
    for group in root.iter(f"{SVG}g"):
        classes = (group.get("class") or "").split()
        if "series" not in classes:
            continue
        index = next((int(c[6:]) for c in classes if c.startswith("serie-") and c[6:].isdigit()), None)
        name = series[index] if index is not None and index < len(series) else ""
        for bar in group.iter(f"{SVG}g"):
            descs = {d.get("class"): d.text or "" for d in bar.findall(f"{SVG}desc")}
            if "value" not in descs:
                continue
            title = etree.Element(f"{SVG}title")
            title.text = gettext("：").join(t for t in (descs.get("x_label", ""), name, descs["value"]) if t)
            bar.insert(0, title)
    return etree.tostring(root, encoding="unicode")


def _render(chart) -> str:
    svg = chart.render(is_unicode=True)
    return _native_tooltips(svg[svg.index("<svg"):], [options.get("title") or "" for _, options in chart.raw_series])


def _chart(kind, title: str, labels: list[str], width: int = 720, height: int = 340, style: Style = STYLE,
           **options):
    chart = kind(style=style, js=[], disable_xml_declaration=True, width=width, height=height, title=title,
                 print_values=True, legend_at_bottom=True, show_y_guides=True, no_data_text=gettext("暂无数据"),
                 **options)
    chart.x_labels = labels
    return chart


def bars(title: str, labels: list[str], series: dict[str, list[float]], percent: bool = False) -> str:
    """A grouped bar chart: one bar per series for each label, values printed on the bars."""
    chart = _chart(pygal.Bar, title, labels, x_label_rotation=30 if len(labels) > 6 else 0,
                   value_formatter=(lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:g}"))
    for name, values in series.items():
        chart.add(name, values)
    return _render(chart)


def stacked(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """A stacked bar chart, e.g. letters per category split by status."""
    chart = _chart(pygal.StackedBar, title, labels, value_formatter=lambda v: f"{v:g}")
    for name, values in series.items():
        chart.add(name, values)
    return _render(chart)


# Drawn narrower than the others, so that on a phone it shrinks less and its names stay readable.
NARROW = Style(font_family=STYLE.font_family, background="white", plot_background="white", colors=STYLE.colors,
               title_font_size=16, label_font_size=15, major_label_font_size=15, legend_font_size=14,
               value_font_size=13)


def horizontal_bars(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """Horizontal bars on a whole-number scale, a group per label (e.g. per person), as tall as the groups need."""
    top = math.ceil(max((v for values in series.values() for v in values), default=0))
    step = max(1, -(-top // 5))
    # pygal sizes a label's margin for Latin text; a CJK character is about twice as wide.
    wide = max((sum(1 for c in label if ord(c) > 0x2e80) for label in labels), default=0)
    chart = _chart(pygal.HorizontalBar, title, labels, width=420, style=NARROW, truncate_label=-1,
                   height=max(200, 110 + 22 * len(labels) * max(1, len(series))), margin_left=10 + 7 * wide,
                   value_formatter=lambda v: f"{v:g}", print_zeroes=False, range=(0, max(top, 1)),
                   y_labels=list(range(0, top + step, step)))
    for name, values in series.items():
        chart.add(name, values)
    return _render(chart)
