"""bpmnlint's recommended rules (.bpmnlintrc): in `powerflow lint` through Node, and in the modeler as you draw."""
from __future__ import annotations

import shutil

from engine.process.bpmnlint import check
from tests.browser_helpers import login
from tests.cli_helpers import run
from tests.conftest import PROCESSES, ROOT
from tests.process.test_designs import designer_client
from tests.process.test_lint import CATALOG



def test_our_processes_have_no_bpmnlint_finding():
    assert check(sorted(PROCESSES.glob("*.bpmn"))) == ([], [])


def test_powerflow_lint_reports_bpmnlint_findings_naming_the_element(env, tmp_path):
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES / "forms", folder / "forms")
    (folder / "catalog.toml").write_text(CATALOG, encoding="utf-8")
    # the sample with a named start and ends, and a "rewrite" branch back into the task: a fake join
    sample = (ROOT / "tests" / "data" / "lint_base.bpmn").read_text(encoding="utf-8")
    for old, new in (('<bpmn:startEvent id="start" />', '<bpmn:startEvent id="start" name="开始" />'),
                     ('<bpmn:endEvent id="end_yes" />', '<bpmn:endEvent id="end_yes" name="完成" />'),
                     ('<bpmn:endEvent id="end_no" />', ''), ('<bpmn:flowNodeRef>end_no</bpmn:flowNodeRef>', ''),
                     ('id="f_yes" sourceRef', 'id="f_yes" name="是" sourceRef'),
                     ('id="f_no" sourceRef="gw" targetRef="end_no"', 'id="f_no" name="重写" sourceRef="gw" targetRef="write"'),
                     ('<bpmndi:BPMNShape id="end_no_di" bpmnElement="end_no"><dc:Bounds x="540" y="130" width="36" '
                      'height="36" /></bpmndi:BPMNShape>', '')):
        assert old in sample
        sample = sample.replace(old, new)
    (folder / "sample.bpmn").write_text(sample, encoding="utf-8")
    warned = run(env, "lint", "--dir", str(folder))
    assert warned.returncode == 0, warned.stderr  # a warning alone does not fail the check
    assert warned.stderr.splitlines() == [
        "警告：sample.bpmn [write] “填写”: bpmnlint 规则 fake-join：Incoming flows do not join"]
    # an error fails it: an unnamed start event (label-required)
    (folder / "sample.bpmn").write_text(sample.replace(' name="开始"', ''), encoding="utf-8")
    failed = run(env, "lint", "--dir", str(folder))
    assert failed.returncode == 1
    assert "错误：sample.bpmn [start]: bpmnlint 规则 label-required：Element is missing label/name" in failed.stderr
    # without Node it says so, and the check fails
    no_node = run({**env, "PATH": "/nonexistent"}, "lint", "--dir", str(folder))
    assert no_node.returncode == 1
    assert "无法运行 bpmnlint（node: not found）：请运行 scripts/install" in no_node.stderr


def test_the_modeler_page_loads_the_lint_bundle_built_at_install(web_app):
    client, _ = designer_client(web_app)
    page = client.get("/modeler/new").get_data(as_text=True)
    assert page.index("/vendor/.powerflow/modeler_lint.js") < page.index("/static/modeler_lint.js") \
        < page.index("/static/modeler.js")
    bundle = client.get("/vendor/.powerflow/modeler_lint.js")
    assert bundle.status_code == 200 and b"fake-join" in bundle.data and b"PowerflowBpmnlint" in bundle.data
    assert client.get("/vendor/.powerflow/modeler_lint.css").status_code == 200


def test_the_modeler_marks_a_fake_join_as_you_draw(live_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    failures = []
    page.on("pageerror", lambda error: failures.append(error))
    login(page, live_url, "sheji")
    page.goto(f"{live_url}/modeler/edit/public_feedback")
    page.wait_for_function("() => document.querySelector('.bjsl-button')?.textContent.includes('没有问题')")
    # a second flow straight into 交办 (the join gateway already leads there): bpmnlint's fake join
    page.evaluate("""() => { const m = window.powerflowModeler, reg = m.get('elementRegistry');
      m.get('modeling').connect(reg.get('classify'), reg.get('assign')); }""")
    page.wait_for_function("""() => [...document.querySelectorAll('.djs-overlays[data-container-id=assign] .bjsl-overlay')]
      .some(o => o.textContent.includes('多条流入的连线没有合并'))""")
    assert "个警告" in page.text_content(".bjsl-button")
    assert failures == []
    page.close()
