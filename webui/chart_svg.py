"""Server-side SVG charts (pygal), pure functions of the numbers; no script, CJK labels."""
from __future__ import annotations

import pygal
from pygal.style import Style

STYLE = Style(font_family="'WenQuanYi Zen Hei','Noto Sans CJK SC',sans-serif", background="white",
              plot_background="white", colors=("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#c53030"),
              title_font_size=16, label_font_size=11, major_label_font_size=11, legend_font_size=12,
              value_font_size=11)


def _render(chart) -> str:
    svg = chart.render(is_unicode=True)
    return svg[svg.index("<svg"):]


def _chart(kind, title: str, labels: list[str], **options):
    chart = kind(style=STYLE, js=[], disable_xml_declaration=True, width=720, height=340, title=title,
                 print_values=True, legend_at_bottom=True, show_y_guides=True, **options)
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
