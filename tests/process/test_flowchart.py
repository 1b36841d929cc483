"""The live flowchart: lanes, done/current/waiting/not-reached steps, taken flows, holders; dot runs once."""
from __future__ import annotations

import re

import sqlalchemy as sa

from lxml import etree

from engine.charts.live_cache import Charts
from engine.charts.flowchart import STATE_COLOURS, layout, render_live
from engine.models import Instance, ProcessVersion
from tests.conftest import PROCESSES

SOURCE = (PROCESSES / "major_decision.bpmn").read_text(encoding="utf-8")
SVG = "{http://www.w3.org/2000/svg}"


def test_layout_has_every_element_and_lanes_as_clusters():
    result = layout(SOURCE, "major_decision")
    tree = etree.fromstring(result.svg.encode())
    groups = {g.get("id"): g.get("class") for g in tree.iter(f"{SVG}g")}
    for element in re.findall(r'<bpmn:(?:userTask|scriptTask|startEvent|endEvent|intermediateCatchEvent|exclusiveGateway) id="([^"]+)"', SOURCE):
        assert groups.get(f"el_{element}", "").startswith("node"), element
        assert element in result.nodes
    lanes = {g.get("id"): "".join(g.itertext()) for g in tree.iter(f"{SVG}g") if g.get("class") == "cluster"}
    assert {"lane_lane_office", "lane_lane_mic"} == set(lanes)
    assert "分管常委" in lanes["lane_lane_mic"] and "办公室" in lanes["lane_lane_office"]
    assert result.flows["gw_consent>research"] == ["f_consent_yes"]


def test_a_meetings_item_loop_is_drawn_inside_its_lane_with_its_own_steps():
    result = layout((PROCESSES / "committee_meeting.bpmn").read_text(encoding="utf-8"), "committee_meeting")
    tree = etree.fromstring(result.svg.encode())
    clusters = {g.get("id"): "".join(g.itertext()) for g in tree.iter(f"{SVG}g") if g.get("class") == "cluster"}
    assert "el_deliberate" in clusters and "逐项审议与表决" in clusters["el_deliberate"]
    assert {"member_opinion", "secretary_opinion", "item_vote", "superior_ruling"} <= set(result.nodes)
    assert result.flows["gw_leave_done>deliberate"] == ["f_to_items"]


def test_live_view_distinguishes_states_and_shows_the_holder():
    result = layout(SOURCE, "major_decision")
    state = {"elements": {"start": "completed", "file_topic": "completed", "assign_member": "completed",
                          "consent_topic": "current", "await_decision": "waiting", "publish": "error"},
             "flows": [["start", "file_topic"], ["file_topic", "assign_member"]]}
    svg = render_live(result, state, {"consent_topic": "周常委"})
    style = re.search(r"<style>(.*?)</style>", svg).group(1)
    for element, name in (("file_topic", "completed"), ("consent_topic", "current"),
                          ("await_decision", "waiting"), ("publish", "error")):
        rule = re.search(rf"#el_{element} path\{{([^}}]*)\}}", style).group(1)
        assert f"stroke:{STATE_COLOURS[name][1]}" in rule
    assert "#el_research" not in style  # not reached: left in the neutral base style
    assert "#flow_f_start path" in style and "#flow_f_filed path" in style and "#flow_f_consent " not in style
    tree = etree.fromstring(svg.encode())
    holders = [t.text for t in tree.iter(f"{SVG}text") if t.get("class") == "holder"]
    assert holders == ["周常委"]
    assert render_live(result, state) != svg and "<svg" in svg


def test_layout_is_made_once_per_version_and_viewing_never_runs_dot(db, runtime, monkeypatch):
    outcome = runtime.start("major_decision", "关于流程图缓存的决策", {}, "bangong")
    charts = Charts(db)
    with db.reader() as session:
        first = charts.live_svg(session, session.get(Instance, outcome.instance_id))
    with db.reader() as session:
        stored = session.scalars(sa.select(ProcessVersion).where(ProcessVersion.process_key == "major_decision")).one()
        assert stored.layout_svg and stored.layout_nodes["nodes"]["await_decision"]
    monkeypatch.setenv("PATH", "/nonexistent")  # dot can no longer be found
    fresh = Charts(db)  # a new process: no memory cache, so the layout must come from the database
    with db.reader() as session:
        again = fresh.live_svg(session, session.get(Instance, outcome.instance_id))
    assert again == first
    assert "#el_file_topic polygon" in again and "孙主任" in again  # the starter holds 登记议题
