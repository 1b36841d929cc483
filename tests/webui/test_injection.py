"""Injection through what users type or draw: formulas in the auditors' exports, markup in BPMN ids and
names on flowcharts, and JSON bodies nested deep enough to exhaust the parser."""
from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from datetime import datetime
from html import escape

import pytest
from lxml import etree
from openpyxl import load_workbook

from engine.process.definitions import read_directory
from engine.errors import DefinitionError
from engine.charts.flowchart import STATE_COLOURS, layout, publishable, render_live
from engine.oversight.heatmap import StepHeat, render_heat
from engine.process.lint import lint_directory
from engine.models import Instance
from engine.runtime.service import Runtime
from engine.process.xml_ids import is_ncname
from tests.conftest import PROCESSES, Api, AuthActions, csrf_token
from tests.process.test_designs import FORMS, XML as DESIGN
from webui.pages.statistics_charts import bars
from webui.http.json_limits import nesting_depth

FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1"]
ORDINARY = "关于老旧小区改造的决策"
XSS = "</style><img src=x onerror=alert(1)>"
BAD_ID = "run{}</style><img src=x onerror=alert(1)><style>"
FILE = {"summary": "拟安排专项资金用于老旧小区改造。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
SVG_NS = {"svg": "http://www.w3.org/2000/svg"}
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


# -- 1. exports: a title an official typed never runs as a spreadsheet formula ---------------------------------

def test_exported_titles_that_look_like_formulas_stay_text(app):
    db = app.extensions["powerflow"].db
    ids = {title: Runtime(db).start("major_decision", title, {}, "bangong").instance_id
           for title in FORMULAS + [ORDINARY]}
    with db.transaction() as session:  # starting strips a leading tab or CR; a stored or imported title may keep it
        for title in ("\t=1", "\r=1"):
            session.get(Instance, ids[title]).title = title
    client = app.test_client()
    AuthActions(client).login("jiwei")

    response = client.get("/audit/export.csv?process=major_decision")
    assert response.status_code == 200
    lines = {int(line[0]): line for line in list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]}
    for title in FORMULAS:
        assert lines[ids[title]][2] == "'" + title, repr(title)
    assert lines[ids[ORDINARY]][2] == ORDINARY and lines[ids[ORDINARY]][3] == "办理中"

    response = client.get("/audit/export.xlsx?process=major_decision")
    assert response.status_code == 200
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml  # no formula anywhere in the sheet
    rows = {row[0].value: row for row in list(load_workbook(io.BytesIO(response.data)).active.iter_rows())[1:]}
    for title in FORMULAS:
        cell = rows[ids[title]][2]
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", title, True), repr(title)
    plain = rows[ids[ORDINARY]]
    assert (plain[2].value, plain[2].quotePrefix) == (ORDINARY, False)
    assert plain[0].data_type == "n" and isinstance(plain[11].value, datetime)  # numbers and times stay typed


# -- 2a. ids must be XML NCNames: refused at deploy, naming the element ---------------------------------------

def _renamed(xml: str, old: str, new: str) -> str:
    return xml.replace(f'"{old}"', f'"{escape(new)}"').replace(f">{old}<", f">{escape(new)}<")


@pytest.fixture
def sqlite_api(web_app):
    return Api(web_app.test_client())


@pytest.mark.parametrize("element, bad", [("fill", BAD_ID), ("review", "a:b"), ("f2", "2nd"),
                                          ("lane_office", "两 个"), ("design_demo", "p/x")])
def test_a_design_with_an_id_that_is_no_ncname_is_refused_naming_it(sqlite_api, element, bad):
    for path in ("/designs/validate", "/designs"):
        response = sqlite_api.post(path, "sheji", {"bpmn_xml": _renamed(DESIGN, element, bad), "forms": FORMS})
        assert response.status_code == 422
        errors = response.get_json()["errors"]
        assert bad in errors and "NCName" in errors[bad]
    assert "design_demo" not in [p["key"] for p in sqlite_api.get("/processes", "sheji").get_json()]


def test_unicode_letters_and_marks_make_valid_ids(sqlite_api):
    assert is_ncname("审核·二") and is_ncname("_é-1.x") and not is_ncname("-a") and not is_ncname("")
    response = sqlite_api.post("/designs", "sheji", {"bpmn_xml": _renamed(DESIGN, "review", "审核·二"), "forms": FORMS})
    assert response.status_code == 201, response.get_json()


def test_a_decision_table_id_that_is_no_ncname_is_refused(web_app):
    client = web_app.test_client()
    AuthActions(client).login("sheji")
    headers = {"X-CSRFToken": csrf_token(client.get("/modeler/dmn/large_fund.dmn").get_data(as_text=True))}
    table = (PROCESSES / "large_fund.dmn").read_text(encoding="utf-8")
    response = client.post("/modeler/dmn/large_fund.dmn", json={"xml": _renamed(table, "rule_plenary", BAD_ID)},
                           headers=headers)
    assert response.status_code == 422 and BAD_ID in response.get_json()["errors"]


def test_lint_and_cli_deploy_refuse_bad_ids_in_bpmn_and_dmn(tmp_path):
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES, folder)
    for name, old in (("major_decision.bpmn", "publish"), ("large_fund.dmn", "rule_plenary")):
        (folder / name).write_text(_renamed((folder / name).read_text(encoding="utf-8"), old, BAD_ID),
                                   encoding="utf-8")
    named = [(p.filename, p.element) for p in lint_directory(folder, {"办公室"}) if "NCName" in p.message]
    assert named == [("large_fund.dmn", BAD_ID), ("major_decision.bpmn", BAD_ID)]  # each once
    with pytest.raises(DefinitionError) as refused:
        read_directory(folder)  # what `powerflow deploy` reads
    assert refused.value.element == BAD_ID


# -- 2b. whatever an id or name holds, the chart shows it as text ---------------------------------------------

NASTY = {"start": "s" + XSS, "task": BAD_ID, "gate": 'q"u<o>t&e{}', "auto": "a&amp;b&nbsp;", "end": "e{}"}
NAMES = {"start": "<script>alert(1)</script>", "task": "<script>alert(1)</script>", "gate": '"&lt;x&gt;',
         "auto": "a&amp;b\\N", "end": "{}" + XSS}


def nasty_bpmn() -> str:
    """A process whose every id and name carries markup, quotes, entities and braces (lint would refuse it)."""
    def add(parent, tag, **attrs):
        element = etree.SubElement(parent, f"{{{BPMN}}}{tag}")
        for key, value in attrs.items():
            element.set(key, value)
        return element
    root = etree.Element(f"{{{BPMN}}}definitions", nsmap={"bpmn": BPMN})
    process = add(root, "process", id="p" + XSS, isExecutable="true")
    lane = add(add(process, "laneSet", id="ls" + XSS), "lane", id="lane" + XSS, name="<script>alert(1)</script>")
    kinds = {"start": "startEvent", "task": "userTask", "gate": "exclusiveGateway", "auto": "scriptTask",
             "end": "endEvent"}
    for key, kind in kinds.items():
        etree.SubElement(lane, f"{{{BPMN}}}flowNodeRef").text = NASTY[key]
        add(process, kind, id=NASTY[key], name=NAMES[key])
    order = list(kinds)
    for i, (source, target) in enumerate(zip(order, order[1:])):
        add(process, "sequenceFlow", id=f"f{i}{XSS}", sourceRef=NASTY[source], targetRef=NASTY[target], name=XSS)
    return etree.tostring(root, encoding="unicode")


def check_svg(svg: str, rules: int) -> etree._Element:
    """The SVG is well-formed, has no element but SVG's, and one <style> of ``rules`` whole rules."""
    tree = etree.fromstring(svg.encode("utf-8"))
    assert {etree.QName(e).namespace for e in tree.iter() if isinstance(e.tag, str)} == {SVG_NS["svg"]}
    assert not tree.xpath("//*[local-name()='img' or local-name()='script' or local-name()='foreignObject']")
    styles = tree.xpath("//svg:style", namespaces=SVG_NS)
    assert len(styles) == 1
    css = styles[0].text or ""
    assert not set("<>&\"'") & set(css)
    assert css.count("{") == css.count("}") == rules
    return tree


def node_text(tree, element_id: str) -> str:
    group = tree.xpath("//svg:g[@id=$id]", id="el_" + element_id, namespaces=SVG_NS)
    assert len(group) == 1, element_id
    return "".join(t for text in group[0].iterfind(".//svg:text", SVG_NS) for t in text.itertext())


def test_ids_and_names_with_markup_are_escaped_in_every_chart():
    chart = layout(nasty_bpmn(), "p" + XSS)
    assert set(chart.nodes) == set(NASTY.values())  # positions still belong to the right elements
    state = {"elements": {NASTY["start"]: "completed", NASTY["task"]: "current"},
             "flows": [[NASTY["start"], NASTY["task"]]]}
    tree = check_svg(render_live(chart, state, {NASTY["task"]: "<img src=x onerror=alert(2)>"}), rules=4)
    for key in ("start", "task", "gate"):
        assert NAMES[key] in node_text(tree, NASTY[key])  # shown as the characters typed
    assert NAMES["auto"].replace("\\", "/") in node_text(tree, NASTY["auto"])  # no dot escape such as \N
    assert [t.text for t in tree.iterfind(".//svg:text[@class='holder']", SVG_NS)] == ["<img src=x onerror=alert(2)>"]
    flow = tree.xpath("//svg:g[@id=$id]", id=f"flow_f0{XSS}", namespaces=SVG_NS)
    assert flow and XSS in "".join(flow[0].itertext())
    heat = {NASTY[k]: StepHeat(NASTY[k], NAMES[k], 2, 1.5, 3) for k in ("task", "gate")}
    check_svg(render_heat(chart, heat), rules=2)
    check_svg(render_live(chart, {}), rules=0)  # the bare chart on process pages and the public portal
    published, png = publishable(nasty_bpmn(), "p" + XSS, "标题" + XSS)
    titled = etree.fromstring(published.encode("utf-8"))
    assert not titled.xpath("//*[local-name()='img' or local-name()='script']")
    assert "标题" + XSS in "".join(titled.itertext()) and NAMES["end"] in "".join(titled.itertext())
    assert png.startswith(b"\x89PNG")


def test_the_live_chart_inline_in_a_page_creates_no_element_and_keeps_its_colours(browser):
    chart = layout(nasty_bpmn(), "p" + XSS)
    svg = render_live(chart, {"elements": {NASTY["task"]: "current", NASTY["gate"]: "completed"}, "flows": []},
                      {NASTY["task"]: XSS})
    statistics = bars("各流程" + XSS, [XSS, "a&b"], {XSS: [1, 2]})
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # as matter.html and audit_charts.html place them: the SVG inline in the page's HTML (here without a CSP)
    page.set_content(f'<!doctype html><meta charset="utf-8"><div class="chart">{svg}</div>'
                     f'<figure class="chart">{statistics}</figure>')
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelectorAll('img, iframe, body > script').length") == 0 and not dialogs
    fills = page.evaluate("""ids => ids.map(id => getComputedStyle(
        document.getElementById('el_' + id).querySelector('polygon, ellipse, path')).fill)""",
                          [NASTY["task"], NASTY["gate"]])
    colours = ["rgb(%d, %d, %d)" % tuple(int(STATE_COLOURS[s][0][i:i + 2], 16) for i in (1, 3, 5))
               for s in ("current", "completed")]
    assert fills == colours  # the escaped selectors still reach the elements they name
    page.close()


# -- 3. JSON nested deeper than JSON_MAX_DEPTH is a 400 on every JSON route -----------------------------------

def deep(opener: str, levels: int) -> str:
    return opener * levels


def test_deep_json_is_refused_with_400_on_every_json_route_and_changes_nothing(web_app, sqlite_api):
    client = sqlite_api.client
    started = sqlite_api.start("深层 JSON 之前发起的事项")
    task_id = sqlite_api.instance(started, "bangong")["current_tasks"][0]["id"]
    bearer = {name: {"Authorization": f"Bearer {sqlite_api.token(name)}"} for name in ("bangong", "sheji")}
    web = web_app.test_client()
    AuthActions(web).login("sheji")
    modeler = {"X-CSRFToken": csrf_token(web.get("/modeler/").get_data(as_text=True))}
    routes = [(client, "/api/v1/auth/token", {}), (client, f"/api/v1/tasks/{task_id}/complete", bearer["bangong"]),
              (client, "/api/v1/processes/major_decision/instances", bearer["bangong"]),
              (client, "/api/v1/designs", bearer["sheji"]), (client, "/api/v1/designs/validate", bearer["sheji"]),
              (web, "/modeler/deploy", modeler)]
    for opener in ("[", '{"a":'):
        for levels in (1000, 100_000):
            for who, path, headers in routes:
                response = who.post(path, data=deep(opener, levels), content_type="application/json", headers=headers)
                assert response.status_code == 400, (path, opener, levels)
                assert response.get_json() == {"error": "JSON 嵌套过深：最多 64 层", "code": "json.too_deep",
                                               "params": {"limit": 64}, "fields": {}}, path
    matter = sqlite_api.instance(started, "bangong")
    assert [t["id"] for t in matter["current_tasks"]] == [task_id]  # nothing was completed or started
    assert [t["instance_id"] for t in sqlite_api.get("/tasks", "bangong").get_json()] == [started]
    done = sqlite_api.complete(task_id, "bangong", FILE)
    assert done.status_code == 200, done.get_json()


def test_the_limit_counts_levels_not_brackets_in_strings_and_is_configurable(web_app):
    client = web_app.test_client()

    def token(extra):
        return client.post("/api/v1/auth/token", json={"username": "bangong", "password": "demo", "x": extra})
    assert token(json.loads("[" * 63 + "]" * 63)).status_code == 200  # 64 levels with the body itself
    assert token(json.loads("[" * 64 + "]" * 64)).status_code == 400
    wrong = client.post("/api/v1/auth/token", json={"username": "bangong", "password": "[" * 1000 + '\\"{'})
    assert wrong.status_code == 401  # brackets inside a string are text
    web_app.config["JSON_MAX_DEPTH"] = 3
    assert token([[1]]).status_code == 200
    assert token([[[1]]]).get_json()["error"] == "JSON 嵌套过深：最多 3 层"
    web_app.config["JSON_MAX_DEPTH"] = 10 ** 6  # above what Python's parser can recurse: still a 400
    refused = client.post("/api/v1/auth/token", data="[" * 100_000, content_type="application/json")
    assert refused.status_code == 400 and "1000000" in refused.get_json()["error"]
    web_app.config["JSON_MAX_DEPTH"] = 64
    client.get("/language/en")
    english = client.post("/api/v1/auth/token", data="[" * 1000, content_type="application/json")
    assert english.get_json() == {"error": "JSON is nested too deeply: at most 64 levels", "code": "json.too_deep",
                                  "params": {"limit": 64}, "fields": {}}


@pytest.mark.parametrize("text", ['[]', '1', '"[[{"', '["\\\\", "[", "\\"["]', '{"a": [{"b": "\\\\\\"]]]"}]}',
                                  '[[], [[]], {"x": {"y": [1, "}"]}}]', '{"\\u005b": [[[]]]}'])
def test_nesting_depth_matches_the_parsed_document(text):
    def depth(value):
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        return 0 if children is None else 1 + max(map(depth, children), default=0)
    assert nesting_depth(text) == depth(json.loads(text))
