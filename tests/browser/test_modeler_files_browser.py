"""The modeler opens local files in Chromium (issue 17 part 4): a .bpmn through the 打开文件 button in its declared
encoding, every problem listed and marked at once; a file dropped on the canvas; a file that is not XML refused with
the diagram kept; downloads; a .dmn taken to its table's page; a Camunda 7 diagram converted first, with its report.
And part 3's round trip in the browser: every shipped
process, opened in the modeler and deployed without a change, comes back "unchanged"."""
from __future__ import annotations

import json

from tests.browser_helpers import ARTIFACTS, designer_page, login
from tests.conftest import PROCESSES, ROOT
from tests.process.test_designs import XML

# design_demo with its review step a manual task named in Latin-1 (every other non-Latin-1 character a reference)
# and an empty flowNodeRef in its lane
LATIN1 = (XML.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
          .replace('<bpmn:userTask id="review" name="审核">', '<bpmn:manualTask id="review" name="Révision">')
          .replace('</bpmn:userTask>\n    <bpmn:endEvent', '</bpmn:manualTask>\n    <bpmn:endEvent')
          .replace("dd_fill.schema.json", "dc_propose.schema.json")
          .replace("<bpmn:flowNodeRef>end</bpmn:flowNodeRef>", "<bpmn:flowNodeRef>end</bpmn:flowNodeRef>"
                   "<bpmn:flowNodeRef/>")).encode("latin-1", "xmlcharrefreplace")
UNDRAWN = (b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">'
           b'<process id="undrawn" isExecutable="true"><startEvent id="s"/></process></definitions>')
DROP = """([name, text]) => {
  const data = new DataTransfer();
  data.items.add(new File([text], name, {type: 'application/xml'}));
  const canvas = document.querySelector('#canvas');
  for (const type of ['dragenter', 'dragover', 'drop'])
    canvas.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
}"""
IDLE = "() => !document.querySelector('#status').textContent.includes('正在')"


def file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/xml", "buffer": data}


def test_a_designer_opens_drops_and_downloads_files(live_url, browser):
    page, failures = designer_page(browser, live_url)

    page.set_input_files("#file-input", files=[file("révision.bpmn", LATIN1)])
    page.wait_for_selector("#problems li[data-element='review']")
    page.wait_for_function(IDLE)
    report = page.inner_text("#file-report")  # what bpmn-js could not read, with its element: the empty reference
    assert report.startswith("已打开文件“révision.bpmn” 导入时有 1 条警告")
    assert "办公室（lane_office） bpmn:flowNodeRef：" in report
    assert page.locator(".djs-element[data-element-id='lane_office'].pf-import-warning").count() == 1
    problem = page.inner_text("#problems li[data-element='review']")
    assert problem.startswith("Révision：") and "用户任务" in problem, problem  # decoded as declared, not garbled
    assert page.locator(".djs-element[data-element-id='review'].pf-error").count() == 1
    assert "个问题" in page.inner_text("#status")
    assert page.locator("#new-process").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "modeler-open-file-1280.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "modeler-open-file-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.set_input_files("#file-input", files=[file("notes.bpmn", "会议记录，不是流程图".encode())])
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('不是 XML 文件')")
    assert page.locator(".djs-element[data-element-id='review'].pf-error").count() == 1  # the diagram stays
    page.set_input_files("#file-input", files=[file("undrawn.bpmn", UNDRAWN)])  # bpmn-js refuses it: no drawing
    page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('无法打开“undrawn.bpmn”：')")
    assert page.locator(".djs-element[data-element-id='review']").count() == 1  # the diagram that was there, again

    shipped = (PROCESSES / "emergency_report.bpmn").read_text(encoding="utf-8")
    page.evaluate(DROP, ["emergency_report.bpmn", shipped])
    page.wait_for_selector(".djs-element[data-element-id='review']", state="detached")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('校验通过')")
    assert page.locator("#problems li").count() == 0
    assert page.inner_text("#file-report").startswith("已打开文件“emergency_report.bpmn”")

    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "emergency_report.bpmn"
    saved = download.value.path().read_text(encoding="utf-8")
    assert '<bpmn:process id="emergency_report"' in saved and "\n  <bpmn:" in saved  # formatted

    table = (PROCESSES / "large_fund.dmn").read_bytes()  # a table goes to its own page, the file with it
    warned = []
    page.once("dialog", lambda dialog: (warned.append(dialog.type), dialog.accept()))  # the opened diagram is unsaved
    page.set_input_files("#file-input", files=[file("large_fund.dmn", table.replace(b"&gt;= 1000<", b"&gt;= 1200<"))])
    page.wait_for_url(f"{live_url}/modeler/dmn/large_fund.dmn")
    assert warned == ["beforeunload"]
    page.wait_for_selector("#file-report:not([hidden])")
    assert "发布后将替换决策表 large_fund.dmn" in page.inner_text("#file-report")
    page.wait_for_selector(".tjs-table")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "modeler-open-table-375.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#download-file")
    assert download.value.suggested_filename == "large_fund.dmn"
    saved = download.value.path().read_text(encoding="utf-8")
    assert "&gt;= 1200<" in saved and "&gt;= 1000<" not in saved
    assert failures == []
    page.close()


def test_a_camunda_diagram_opens_converted_with_its_report(live_url, browser):
    page, failures = designer_page(browser, live_url)
    camunda = (ROOT / "tests" / "data" / "import" / "camunda7_leave.bpmn").read_bytes()
    page.set_input_files("#file-input", files=[file("camunda7_leave.bpmn", camunda)])
    page.wait_for_selector("#problems li[data-element='Activity_review']")  # validated after the conversion
    page.wait_for_function(IDLE)
    report = page.inner_text("#file-report")
    assert report.startswith("已从 Camunda 7 导入“camunda7_leave.bpmn”：6 项已转换，0 项未转换，9 项仅报告"), report
    assert "仅报告 书记审批（Activity_review） camunda:formKey：" in report
    page.click("#file-report summary")  # the converted ones, folded away
    assert "填写请假单（Activity_fill） camunda:candidateGroups → candidateRole = 办公室" in page.inner_text("#file-report")
    assert "formJsonSchemaFilename" in page.inner_text("#problems li[data-element='Activity_review']")
    xml = page.evaluate("async () => (await window.powerflowModeler.saveXML({format: false})).xml")
    assert ">not approved</bpmn:conditionExpression>" in xml and "camunda:candidateGroups" not in xml
    page.screenshot(path=str(ARTIFACTS / "modeler-import-camunda-1280.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "modeler-import-camunda-375.png"), full_page=True)
    assert failures == []
    page.close()


def test_every_shipped_process_deploys_unchanged_from_the_modeler(live_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_url, "sheji")
    outcome = {}
    for path in sorted(PROCESSES.glob("*.bpmn")):
        page.goto(f"{live_url}/modeler/edit/{path.stem}")
        page.wait_for_selector(".djs-element.djs-shape")
        page.click("#deploy")
        page.wait_for_function("() => { const s = document.querySelector('#status').textContent; "
                               "return document.querySelector('#deployed') || (s && !s.includes('正在')); }")
        outcome[path.stem] = page.inner_text("#status")
        if not page.locator("#deployed").count():
            outcome[path.stem] += " " + json.dumps(page.locator("#problems li").all_inner_texts(), ensure_ascii=False)
    assert len(outcome) == 16  # every shipped process, the R21 inquiry, accountability case and duty report included
    assert {k: v for k, v in outcome.items() if not v.startswith("内容未变")} == {}
    page.close()
