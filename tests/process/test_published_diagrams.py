"""diagrams/ holds the published charts; a test fails when one no longer matches its BPMN."""
from __future__ import annotations

from lxml import etree

from engine.public.published import render_all
from tests.conftest import PROCESSES, ROOT

DIAGRAMS = ROOT / "diagrams"


def test_committed_diagrams_match_their_bpmn():
    files = render_all(PROCESSES)
    stale = [name for name, content in files.items()
             if not (DIAGRAMS / name).exists() or (DIAGRAMS / name).read_bytes() != content]
    assert stale == [], f"diagrams/ is out of date for {stale}: run `powerflow diagrams` and commit"
    extra = {p.name for p in DIAGRAMS.iterdir()} - set(files)
    assert extra == set(), f"diagrams/ has charts of processes that no longer exist: {extra}"


def test_each_chart_is_titled_has_a_legend_and_both_formats():
    files = render_all(PROCESSES)
    for path in PROCESSES.glob("*.bpmn"):
        svg = etree.fromstring(files[f"{path.stem}.svg"])
        text = "".join(svg.itertext())
        assert f"（{path.stem}）" in text and "图例" in text and "多人分别办理" in text
        assert files[f"{path.stem}.png"].startswith(b"\x89PNG")
    index = files["index.html"].decode()
    assert "权力公开透明运行目录" in index and 'href="major_decision.svg"' in index and "党代表" in index
