"""Issue 17 part 3: a version is identified by what it means. A save that only rewrites the file is the same
version, a layout-only change updates the drawing, and migration compares steps by meaning."""
from __future__ import annotations

import re

from lxml import etree

from tests.conftest import PROCESSES

MAJOR = (PROCESSES / "major_decision.bpmn").read_text(encoding="utf-8")


def rewritten(xml: str) -> str:
    """What another modeler's save does without changing a step: other prefixes, indentation, child order."""
    xml = xml.replace("bpmn:", "semantic:").replace("xmlns:bpmn=", "xmlns:semantic=")
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(remove_blank_text=True))
    for node in root.iter():
        ext = [c for c in node if isinstance(c.tag, str) and c.tag.endswith("}extensionElements")]
        for child in ext:  # extension elements after incoming/outgoing, as some tools write them
            node.remove(child)
            node.append(child)
    root.set("exporter", "Camunda Modeler")
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def deploy(api, xml: str) -> dict:
    response = api.post("/designs", "sheji", {"bpmn_xml": xml, "filename": "major_decision.bpmn", "forms": {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["deployed"][0]


def test_a_rewritten_file_with_the_same_steps_is_unchanged(api):
    xml = rewritten(MAJOR)
    assert "semantic:userTask" in xml and xml != MAJOR
    before = api.get("/processes/major_decision/versions", "sheji").get_json()
    assert deploy(api, xml)["status"] == "unchanged"
    assert api.get("/processes/major_decision/versions", "sheji").get_json() == before


def test_a_layout_only_change_updates_the_drawing_of_the_same_version(api):
    started = api.post("/processes/major_decision/instances", "bangong", {"title": "布局调整前发起", "data": {}})
    matter = started.get_json()["id"]
    moved = re.sub(r'(<bpmndi:BPMNShape id="[^"]+" bpmnElement="[^"]+"[^>]*>\s*<dc:Bounds x=")(\d+)',
                   lambda m: m.group(1) + str(int(m.group(2)) + 40), MAJOR, count=3)
    assert moved != MAJOR
    result = deploy(api, moved)
    assert result["status"] == "redrawn" and result["version"] == 1
    assert api.instance(matter)["process"]["version"] == 1  # nothing to migrate: the matter sees the new drawing
    assert deploy(api, rewritten(moved))["status"] == "unchanged"


def test_migration_compares_steps_by_meaning(api):
    started = api.post("/processes/major_decision/instances", "bangong", {"title": "迁移", "data": {}})
    matter = started.get_json()["id"]
    here = api.instance(matter)["current_tasks"][0]["element_id"]
    end = re.search(r'<bpmn:endEvent id="([^"]+)" name="([^"]+)"', MAJOR)
    renamed = rewritten(MAJOR.replace(end.group(0), f'<bpmn:endEvent id="{end.group(1)}" name="{end.group(2)}（新）"'))
    result = deploy(api, renamed)
    assert result["status"] == "changed"
    newest = api.get("/processes/major_decision/versions", "sheji").get_json()[0]
    assert newest["changes"] == {"added": [], "removed": [], "changed": [end.group(1)]}  # not every rewritten step
    assert here != end.group(1)
    moved = api.post(f"/instances/{matter}/migrate", "sheji", {"version": result["version"]})
    assert moved.status_code == 200, moved.get_json()
